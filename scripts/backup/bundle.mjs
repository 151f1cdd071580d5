#!/usr/bin/env node
// Bundles the backup runner (scripts/backup/backup.ts) into one ESM file for the backup image, which
// has node, restic, redis-cli/redis-server and neo4j-admin but no node_modules.
// Usage: node scripts/backup/bundle.mjs OUTFILE
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

export async function bundleBackupRunner(outfile) {
  await build({
    entryPoints: [join(here, 'backup.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    legalComments: 'none',
    logLevel: 'warning',
    // ESM bundles of CommonJS dependencies need a real `require`.
    banner: {
      js: "import { createRequire as __rkCreateRequire } from 'node:module'; const require = __rkCreateRequire(import.meta.url);",
    },
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outfile = process.argv[2];
  if (!outfile) {
    console.error('usage: node scripts/backup/bundle.mjs OUTFILE');
    process.exitCode = 1;
  } else {
    console.log(`bundled ${await bundleBackupRunner(outfile)}`);
  }
}
