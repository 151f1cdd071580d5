#!/usr/bin/env node
// Bundles every action entry point (src/actions/<name>.ts -> dist/<name>/index.js) and the CLI
// (src/cli.ts -> dist/cli/index.js) with esbuild. GitHub runs actions without `npm install`, so the
// bundles are committed; test/unit/dist.test.ts fails when they are stale.
// Usage: node scripts/build.mjs [--outdir DIR]
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function buildAll(outdir = join(root, 'dist')) {
  const actions = readdirSync(join(root, 'src', 'actions'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => basename(f, '.ts'));
  const entries = Object.fromEntries([
    ...actions.map((name) => [`${name}/index`, join(root, 'src', 'actions', `${name}.ts`)]),
    ['cli/index', join(root, 'src', 'cli.ts')],
  ]);
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: entries,
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    splitting: false,
    minify: false,
    legalComments: 'none',
    logLevel: 'warning',
    // ESM bundles of CommonJS dependencies need a real `require`.
    banner: {
      js: "import { createRequire as __rkCreateRequire } from 'node:module'; const require = __rkCreateRequire(import.meta.url);",
    },
  });
  return Object.keys(entries);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--outdir');
  const built = await buildAll(i > 0 ? process.argv[i + 1] : undefined);
  console.log(`built ${built.length} bundles: ${built.join(', ')}`);
}
