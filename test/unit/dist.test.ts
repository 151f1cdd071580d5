import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/paths.js';

// GitHub runs actions from the committed dist/; a bundle older than its sources ships old behaviour.
describe('committed dist/', () => {
  const out = mkdtempSync(join(tmpdir(), 'rk-dist-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('equals a fresh build of src/ (run `npm run build` and commit dist/)', async () => {
    const { buildAll } = await import(join(packageRoot(), 'scripts', 'build.mjs'));
    const bundles: string[] = await buildAll(out);
    expect(bundles).toContain('cli/index');
    const stale = bundles.filter((name) => {
      let committed = '';
      try {
        committed = readFileSync(join(packageRoot(), 'dist', `${name}.js`), 'utf8');
      } catch {}
      return committed !== readFileSync(join(out, `${name}.js`), 'utf8');
    });
    expect(stale, `stale or missing bundles: ${stale.join(', ')}`).toEqual([]);
    const committedDirs = readdirSync(join(packageRoot(), 'dist')).filter((d) => !d.includes('.'));
    expect(committedDirs.sort()).toEqual([...new Set(bundles.map((b) => b.split('/')[0]))].sort());
  });
});
