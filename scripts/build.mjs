#!/usr/bin/env node
// Bundles every action entry point (src/actions/<name>.ts -> dist/<name>/index.js) and the CLI
// (src/cli.ts -> dist/cli/index.js) with esbuild. GitHub runs actions without `npm install`, so the
// bundles are committed; test/unit/dist.test.ts fails when they are stale.
// Code splitting puts what several entries share (above all @kubernetes/client-node) once into
// dist/chunks/<name>-<hash>.js instead of into every entry, which keeps dist/ and its diffs small.
// Usage: node scripts/build.mjs [--outdir DIR]
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds into `outdir` (emptied first); returns every file written, relative to it, sorted. */
export async function buildAll(outdir = join(root, 'dist')) {
  const actions = readdirSync(join(root, 'src', 'actions'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => basename(f, '.ts'));
  const entries = Object.fromEntries([
    ...actions.map((name) => [`${name}/index`, join(root, 'src', 'actions', `${name}.ts`)]),
    ['cli/index', join(root, 'src', 'cli.ts')],
  ]);
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: entries,
    outdir,
    // The `// src/...` path comments and the chunk hashes derive from paths relative to this directory:
    // pinned, so a build gives the same bytes whatever directory it is started from.
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    minify: false,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    // ESM bundles of CommonJS dependencies need a real `require`; esbuild puts the banner atop every
    // output file, chunks included, and each file is its own module scope.
    banner: {
      js: "import { createRequire as __rkCreateRequire } from 'node:module'; const require = __rkCreateRequire(import.meta.url);",
    },
  });
  return Object.keys(result.metafile.outputs)
    .map((file) => relative(outdir, join(root, file)))
    .sort();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--outdir');
  const files = await buildAll(i > 0 ? process.argv[i + 1] : undefined);
  const entries = files.filter((f) => !f.startsWith('chunks/'));
  console.log(
    `built ${entries.length} bundles and ${files.length - entries.length} shared chunks: ${entries.join(', ')}`,
  );
}
