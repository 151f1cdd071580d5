// `release-kit plan` and `release-kit render` as a user runs them (the CLI from source in a child process).
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { packageRoot } from '../../src/util/paths.js';
import { parseManifest } from '../chart/render.js';
import { runReleaseKit } from '../support/cli.js';
import { helmBinary } from '../support/tools.js';

const example = join(packageRoot(), 'examples', 'memory-system.yaml');
const DIGEST = `sha256:${'cd'.repeat(32)}`;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plan-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('release-kit plan', () => {
  test('--json lists 7 releases in 4 waves', async () => {
    const r = await runReleaseKit(['plan', '--config', example, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.releases).toHaveLength(7);
    expect(plan.waves).toEqual([['faiss', 'neo4j', 'redis'], ['memory', 'storage'], ['api'], ['gateway']]);
  });

  test('prints waves and per-release values for a terminal; --env and --images apply', async () => {
    const images = join(dir, 'images.json');
    await writeFile(
      images,
      JSON.stringify({ images: { api: `registry.example.com/memory_system/api@${DIGEST}` }, tags: {} }),
    );
    const r = await runReleaseKit(['plan', '--config', example, '--env', 'staging', '--images', images]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('7 releases in 4 waves');
    expect(r.stdout).toContain('wave 1: faiss, neo4j, redis');
    expect(r.stdout).toContain('# memory-system-api (service api, wave 3, namespace memory-system-staging)');
    expect(r.stdout).toContain(`# image registry.example.com/memory_system/api@${DIGEST}`);
    expect(r.stdout).toContain('ENV: staging');
  });

  test.each([
    [['--images', 'missing.json'], /cannot read the images map .*missing\.json: no such file/],
    [['--images', 'bad.json'], /bad\.json: the images map is not valid JSON/],
    [['--images', 'unknown.json'], /the images map names "search", not a component of memory-system/],
    [['--env', 'nowhere'], /nowhere/],
  ])('bad input %j exits 1 with a clear message', async (args, message) => {
    await writeFile(join(dir, 'bad.json'), '{not json');
    await writeFile(join(dir, 'unknown.json'), JSON.stringify({ search: `r.io/search@${DIGEST}` }));
    const absolute = args.map((a) => (a.endsWith('.json') ? join(dir, a) : a));
    const r = await runReleaseKit(['plan', '--config', example, ...absolute]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  test('a config with a dependency cycle exits 1 and names the cycle', async () => {
    const text = (await readFile(example, 'utf8')).replace('depends_on: [redis]', 'depends_on: [redis, api]');
    const file = join(dir, 'cycle.yaml');
    await writeFile(file, text);
    const r = await runReleaseKit(['plan', '--config', file]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/cycle/);
    expect(r.stderr).toMatch(/storage/);
  });
});

describe('release-kit render', () => {
  test('--out writes the helm template output of each release', async () => {
    const out = join(dir, 'rendered');
    const r = await runReleaseKit(['render', '--config', example, '--helm', helmBinary(4), '--out', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const files = (await readdir(out)).sort();
    expect(files).toEqual(
      ['api', 'faiss', 'gateway', 'memory', 'neo4j', 'redis', 'storage'].map(
        (c) => `memory-system-${c}.yaml`,
      ),
    );
    const api = parseManifest(await readFile(join(out, 'memory-system-api.yaml'), 'utf8'));
    expect(api.find((o) => o.kind === 'Deployment')?.metadata.name).toBe('api-deployment');
    expect(new Set(api.map((o) => o.metadata.labels?.['app.kubernetes.io/instance']))).toEqual(
      new Set(['memory-system-api']),
    );
  });

  test('a helm that cannot be run exits non-zero and says so', async () => {
    const r = await runReleaseKit(['render', '--config', example, '--helm', join(dir, 'no-helm')]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/no-helm/);
  });
});
