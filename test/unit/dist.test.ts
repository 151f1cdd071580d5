import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/paths.js';

type BuildAll = (outdir: string) => Promise<string[]>;
const loadBuildAll = async (): Promise<BuildAll> =>
  ((await import(join(packageRoot(), 'scripts', 'build.mjs'))) as { buildAll: BuildAll }).buildAll;

/** Every file under `dir` (relative path, `/`-separated) with its bytes; empty when `dir` is missing. */
function readTree(dir: string): Map<string, Buffer> {
  let names: string[] = [];
  try {
    names = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) =>
        join(e.parentPath, e.name)
          .slice(dir.length + 1)
          .replaceAll('\\', '/'),
      );
  } catch {}
  return new Map(names.sort().map((name) => [name, readFileSync(join(dir, name))]));
}

/** What differs between two trees, by file name. */
function treeDiff(expected: Map<string, Buffer>, actual: Map<string, Buffer>) {
  return {
    missing: [...expected.keys()].filter((f) => !actual.has(f)),
    extra: [...actual.keys()].filter((f) => !expected.has(f)),
    changed: [...expected.keys()].filter(
      (f) => actual.has(f) && !actual.get(f)?.equals(expected.get(f) ?? Buffer.alloc(0)),
    ),
  };
}

// GitHub runs actions from the committed dist/; a bundle or chunk older than its sources ships old behaviour.
describe('committed dist/', () => {
  const temp = mkdtempSync(join(tmpdir(), 'rk-dist-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('equals a fresh build of src/, file for file (entries and shared chunks)', async () => {
    const out = join(temp, 'fresh');
    const written = await (await loadBuildAll())(out);
    const fresh = readTree(out);
    expect([...fresh.keys()]).toEqual(written);
    expect(written).toContain('cli/index.js');
    expect(written.some((f) => f.startsWith('chunks/'))).toBe(true);
    // CommonJS code bundled into any of them (entry or chunk) calls `require`, which ESM lacks.
    const withoutRequire = written.filter(
      (f) => !fresh.get(f)?.toString('utf8').startsWith('import { createRequire as __rkCreateRequire }'),
    );
    expect(withoutRequire, 'output files without the createRequire banner').toEqual([]);

    const { missing, extra, changed } = treeDiff(fresh, readTree(join(packageRoot(), 'dist')));
    const problems = [
      changed.length ? `stale: ${changed.join(', ')}` : '',
      missing.length ? `missing: ${missing.join(', ')}` : '',
      extra.length ? `not built from src/ any more: ${extra.join(', ')}` : '',
    ].filter(Boolean);
    expect(
      problems,
      `dist/ does not match src/ (${problems.join('; ')}): run \`npm run build\` and commit dist/`,
    ).toEqual([]);
  });

  it('is deterministic: two builds, from different working directories, are byte-identical', async () => {
    const first = join(temp, 'first');
    const second = join(temp, 'second');
    await (await loadBuildAll())(first);
    // The second build runs the script as `npm run build` does, but started elsewhere: paths in the output
    // must not depend on the working directory or on where the output goes.
    await execa(process.execPath, [join(packageRoot(), 'scripts', 'build.mjs'), '--outdir', second], {
      cwd: temp,
    });
    const a = readTree(first);
    expect(a.size).toBeGreaterThan(0);
    expect(
      treeDiff(a, readTree(second)),
      'two builds of the same sources differ: scripts/build.mjs must not let the cwd or outdir into the output',
    ).toEqual({ missing: [], extra: [], changed: [] });
  });
});
