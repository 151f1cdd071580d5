// The backup action as GitHub runs it: the esbuild bundle, run by node with INPUT_* and the runner's files,
// against the simulated cluster (only the staging redis release installed) and a real restic repository.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReleaseConfig } from '../../src/config/index.js';
import { createHelm } from '../../src/helm/index.js';
import { setLogger, silentLogger } from '../../src/log.js';
import { planRelease } from '../../src/plan/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { packageRoot } from '../../src/util/paths.js';
import { playBackupJobs, seedRedis } from '../backup-pipeline/harness.js';
import { runBundledAction } from '../support/action-bundles.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { createTestRepository, type TestRepository, testPassword } from '../support/restic.js';
import { helmBinary } from '../support/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'rk-backup-bundle-'));
const example = join(packageRoot(), 'examples', 'memory-system.yaml');
let sandbox: Sandbox;
let repo: TestRepository;
let redis: TestRedis;

beforeAll(async () => {
  setLogger(silentLogger);
  sandbox = await startSandbox();
  const plan = planRelease(await loadReleaseConfig(example, { environment: 'staging' }));
  const release = plan.releases.find((r) => r.component === 'redis');
  if (!release) throw new Error('the example has no redis release');
  const helm = await createHelm({ binary: helmBinary(4), kubeconfig: sandbox.kubeconfigPath });
  await helm.upgradeInstall({ ...release, createNamespace: true });
  repo = await createTestRepository();
  redis = await startTestRedis();
  await seedRedis(redis, { 'k:1': 'one' });
}, 120_000);
afterAll(async () => {
  await sandbox?.stop();
  await redis?.stop();
  await repo?.remove();
  rmSync(dir, { recursive: true, force: true });
});

function run(inputs: Record<string, string>) {
  const workspace = mkdtempSync(join(dir, 'ws-'));
  const env = { HOME: workspace, RESTIC_CACHE_DIR: join(dir, 'cache') };
  return runBundledAction('backup', { inputs, env, cwd: workspace });
}

const inputs = () => ({
  kind: 'data',
  config: example,
  environment: 'staging',
  stores: 'redis',
  kubeconfig: readFileSync(sandbox.kubeconfigPath, 'utf8'),
  'restic-password': testPassword,
  'restic-repository': repo.repository,
});

describe('bundled backup action', () => {
  it('runs the redis backup Job, outputs its snapshot, tables it in the summary, removes the kubeconfig', async () => {
    const player = playBackupJobs({ sandbox, redis, dir, repo }, 'redis');
    const r = await run(inputs());
    await player.stop();
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(player.played).toHaveLength(1);
    const [snapshot] = await repo.restic.snapshots();
    expect(r.outputText).toContain(`{"redis":"${snapshot?.shortId}"}`);
    expect(r.summary).toContain('<h2>Data backup of memory-system-staging: verified</h2>');
    expect(r.summary).toMatch(
      new RegExp(`<td>redis</td><td>${snapshot?.shortId}</td><td>[\\d.]+ (B|KiB)</td><td>\\d+</td>`),
    );
    expect(r.summary).toContain('redis: fresh');
    // Secrets are masked before use; the kubeconfig file is gone.
    expect(r.stdout).toContain(`::add-mask::${testPassword}`);
    expect(r.runnerTemp).toEqual([]);
    expect(r.stdout).not.toContain('::error');
  }, 120_000);

  it('fails the step when the Job stores nothing, with the store named in the error and the summary', async () => {
    // Nobody plays the Job this time: it completes in the simulation without a snapshot.
    const r = await run(inputs());
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      /::error::the data backup of memory-system-staging failed: redis: Job redis-backup-\S+ completed, but no new snapshot/,
    );
    expect(r.summary).toContain('<h2>Data backup of memory-system-staging: FAILED</h2>');
  }, 120_000);

  it.each([
    [{ kind: 'everything' }, "the input 'kind' must be data or config, got 'everything'"],
    [{ kind: 'config', stores: 'redis' }, "the input 'stores' goes with kind: data"],
    [{ stores: 'postgres' }, 'store "postgres" is not an in-cluster store of the configuration'],
    [{ 'restic-password': '' }, "the input 'restic-password' is required"],
  ])(
    'refuses %j with a clear message',
    async (override, message) => {
      const r = await run({ ...inputs(), ...override });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toContain(`::error::${message}`);
    },
    60_000,
  );
});
