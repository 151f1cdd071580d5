// The restore action as GitHub runs it (the esbuild bundle, INPUT_* and the runner's files) with a real restic
// repository: a dry run puts the plan in the summary; a restore whose backup fails validation fails the step with
// every step's outcome in the summary and nothing stopped; bad inputs are refused by name.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogger, silentLogger } from '../../src/log.js';
import { packageRoot } from '../../src/util/paths.js';
import { runRedisBackupJob } from '../backup-pipeline/harness.js';
import { runBundledAction } from '../support/action-bundles.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { createTestRepository, type TestRepository, testPassword } from '../support/restic.js';
import { helmBinary } from '../support/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'rk-restore-bundle-'));
const example = join(packageRoot(), 'examples', 'memory-system.yaml');
// A cluster that is not there: validation must fail before anything calls it.
const absentCluster =
  'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:9"}}]\n' +
  'users: [{name: u, user: {token: secret-token-1234}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n';
let repo: TestRepository;
let redis: TestRedis;

beforeAll(async () => {
  setLogger(silentLogger);
  repo = await createTestRepository();
  redis = await startTestRedis();
  await runRedisBackupJob({ redis, dir, repo });
}, 120_000);
afterAll(async () => {
  await redis?.stop();
  await repo?.remove();
  rmSync(dir, { recursive: true, force: true });
});

function run(inputs: Record<string, string>) {
  const workspace = mkdtempSync(join(dir, 'ws-'));
  return runBundledAction('restore', {
    inputs: {
      config: example,
      environment: 'staging',
      'restic-password': testPassword,
      'restic-repository': repo.repository,
      'helm-path': helmBinary(4),
      ...inputs,
    },
    env: { HOME: workspace, RESTIC_CACHE_DIR: join(dir, 'cache') },
    cwd: workspace,
  });
}

describe('bundled restore action', () => {
  it('dry-run: the plan in the summary and the plan output; nothing changed, no cluster needed', async () => {
    const r = await run({ snapshot: 'latest', stores: 'redis', 'dry-run': 'true' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.summary).toContain('<h2>Restore plan for memory-system-staging (dry run: nothing changed)</h2>');
    expect(r.summary).toMatch(/<td>1<\/td><td>Validate backup<\/td><td>pending<\/td>/);
    expect(r.summary).toMatch(/<td>9<\/td><td>Start services<\/td>/);
    expect(r.outputText).toContain('"id":"restore:redis"');
  }, 60_000);

  it('a snapshot that does not exist: the step fails, the summary shows validate failed and nothing stopped', async () => {
    const r = await run({
      snapshot: 'deadbeef',
      stores: 'redis',
      confirm: 'true',
      kubeconfig: absentCluster,
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/::error::step "Validate backup" failed: the backup is not usable:/);
    expect(r.stdout).toContain('snapshot deadbeef does not exist');
    expect(r.stdout).toContain('Nothing was stopped or overwritten.');
    expect(r.summary).toContain('FAILED at &quot;Validate backup&quot;');
    expect(r.summary).toMatch(/<td>2<\/td><td>Safety snapshot<\/td><td>pending<\/td>/);
    expect(r.outputText).toMatch(/stopped<<\S+\nfalse\n/);
    // The kubeconfig and its token were masked before use, and the file is gone.
    expect(r.stdout).toContain('::add-mask::secret-token-1234');
    expect(r.runnerTemp).toEqual([]);
  }, 60_000);

  it.each([
    [{ snapshot: 'latest' }, 'it needs confirm: true'],
    [
      { mode: 'rewind', confirm: 'true' },
      "the input 'mode' must be one of restore, resume, revert, got 'rewind'",
    ],
    [{ confirm: 'true' }, "the input 'snapshot' is required with mode: restore"],
    [
      { mode: 'resume', snapshot: 'latest', confirm: 'true' },
      "the inputs 'snapshot' and 'stores' go with mode: restore",
    ],
    [
      { snapshot: 'yesterday', confirm: 'true' },
      'the snapshot "yesterday" is neither "latest" nor snapshot ids',
    ],
    [{ mode: 'resume', confirm: 'true' }, 'there is no unfinished restore to resume'],
  ])(
    'refuses %j with a clear message',
    async (inputs, message) => {
      const r = await run(inputs);
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toContain(message);
    },
    60_000,
  );
});
