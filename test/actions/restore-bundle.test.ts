// The restore action as GitHub runs it (the esbuild bundle, INPUT_* and the runner's files) with a real restic
// repository: a dry run puts the plan in the summary; a restore whose backup fails validation fails the step with
// every step's outcome in the summary and nothing stopped; bad inputs are refused by name.
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogger, silentLogger } from '../../src/log.js';
import { packageRoot } from '../../src/util/paths.js';
import { runRedisBackupJob } from '../backup-pipeline/harness.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { createTestRepository, type TestRepository, testPassword } from '../support/restic.js';
import { helmBinary } from '../support/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'rk-restore-bundle-'));
const bundle = join(dir, 'dist', 'restore', 'index.js');
const example = join(packageRoot(), 'examples', 'memory-system.yaml');
// A cluster that is not there: validation must fail before anything calls it.
const absentCluster =
  'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:9"}}]\n' +
  'users: [{name: u, user: {token: secret-token-1234}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n';
let repo: TestRepository;
let redis: TestRedis;

beforeAll(async () => {
  setLogger(silentLogger);
  const { buildAll } = await import(join(packageRoot(), 'scripts', 'build.mjs'));
  await buildAll(join(dir, 'dist'));
  // The bundle finds its chart as in a checkout of the action: package.json and charts/ above dist/.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'release-kit', private: true }));
  symlinkSync(join(packageRoot(), 'charts'), join(dir, 'charts'));
  repo = await createTestRepository();
  redis = await startTestRedis();
  await runRedisBackupJob({ redis, dir, repo });
}, 120_000);
afterAll(async () => {
  await redis?.stop();
  await repo?.remove();
  rmSync(dir, { recursive: true, force: true });
});

async function run(inputs: Record<string, string>) {
  const workspace = mkdtempSync(join(dir, 'ws-'));
  const runnerTemp = mkdtempSync(join(dir, 'tmp-'));
  const files = { output: join(workspace, 'output'), summary: join(workspace, 'summary') };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    RESTIC_CACHE_DIR: join(dir, 'cache'),
  };
  const all = {
    config: example,
    environment: 'staging',
    'restic-password': testPassword,
    'restic-repository': repo.repository,
    'helm-path': helmBinary(4),
    ...inputs,
  };
  for (const [name, value] of Object.entries(all)) env[`INPUT_${name.toUpperCase()}`] = value;
  const r = await execa(process.execPath, [bundle], { cwd: workspace, env, extendEnv: false, reject: false });
  return {
    ...r,
    workspace,
    outputs: readFileSync(files.output, 'utf8'),
    summary: readFileSync(files.summary, 'utf8'),
    leftInRunnerTemp: readdirSync(runnerTemp),
  };
}

describe('bundled restore action', () => {
  it('dry-run: the plan in the summary and the plan output; nothing changed, no cluster needed', async () => {
    const r = await run({ snapshot: 'latest', stores: 'redis', 'dry-run': 'true' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.summary).toContain('<h2>Restore plan for memory-system-staging (dry run: nothing changed)</h2>');
    expect(r.summary).toMatch(/<td>1<\/td><td>Validate backup<\/td><td>pending<\/td>/);
    expect(r.summary).toMatch(/<td>8<\/td><td>Start services<\/td>/);
    expect(r.outputs).toContain('"id":"restore:redis"');
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
    expect(r.outputs).toMatch(/stopped<<\S+\nfalse\n/);
    // The kubeconfig and its token were masked before use, and the file is gone.
    expect(r.stdout).toContain('::add-mask::secret-token-1234');
    expect(r.leftInRunnerTemp).toEqual([]);
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
