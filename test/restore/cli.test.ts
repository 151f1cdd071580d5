// `release-kit restore` as a user runs it: bad input exits 1 with a message naming the option, --dry-run
// prints the plan and touches nothing, a backup that fails validation exits 2 with nothing stopped.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/paths.js';
import { runRedisBackupJob } from '../backup-pipeline/harness.js';
import { runReleaseKit } from '../support/cli.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { createTestRepository, type TestRepository, testPassword } from '../support/restic.js';
import { helmBinary, systemBinary } from '../support/tools.js';

const example = join(packageRoot(), 'examples', 'memory-system.yaml');
let repo: TestRepository;
let redis: TestRedis;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rk-restore-cli-'));
  repo = await createTestRepository();
  redis = await startTestRedis();
  // A snapshot as the staging CronJob would have stored it.
  await runRedisBackupJob({ redis, dir, repo });
  env = {
    PATH: `${join(systemBinary('restic'), '..')}:${process.env.PATH}`,
    RESTIC_REPOSITORY: repo.repository,
    RESTIC_PASSWORD: testPassword,
    RESTIC_CACHE_DIR: join(dir, 'cache'),
    // No cluster: a command that tried to reach one would fail on this.
    KUBECONFIG: join(dir, 'missing-kubeconfig'),
  };
}, 60_000);
afterAll(async () => {
  await redis?.stop();
  await repo?.remove();
  await rm(dir, { recursive: true, force: true });
});

const restore = (args: string[], extra: Record<string, string> = {}) =>
  runReleaseKit(
    ['restore', '--config', example, '--env', 'staging', '--state', join(dir, 'state.json'), ...args],
    {
      env: { ...env, ...extra },
    },
  );

describe('release-kit restore', () => {
  it('--dry-run resolves the snapshot, prints the plan and changes nothing', async () => {
    const r = await restore(['--snapshot', 'latest', '--stores', 'redis', '--dry-run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^dry run: nothing changed\n1\. Validate backup: find redis latest/);
    expect(r.stdout).toContain('2. Safety snapshot: run the backup Jobs redis-backup now');
    // The store being restored is stopped with the app tiers and started again before verification.
    expect(r.stdout).toMatch(/3\. Stop services: .* and of the StatefulSets of \S+-redis in /);
    expect(r.stdout).toMatch(/5\. Start stores: scale the StatefulSets of \S+-redis back/);
    expect(r.stdout).toContain('9. Start services');
  }, 60_000);

  it.each([
    [['--snapshot', 'latest', '--stores', 'redis'], /needs --yes/],
    [['--snapshot', 'newest', '--yes'], /the snapshot "newest" is neither "latest" nor snapshot ids/],
    [
      ['--snapshot', 'latest', '--stores', 'postgres', '--dry-run'],
      /store "postgres" is not an in-cluster store of the configuration/,
    ],
    [['--resume', '--yes'], /there is no unfinished restore to resume in .*state\.json/],
    [['--resume', '--snapshot', 'latest', '--yes'], /--snapshot and --resume cannot be combined/],
  ])(
    '%j exits 1 and says why',
    async (args, message) => {
      const r = await restore(args);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(message);
    },
    60_000,
  );

  it('exits 1 without RESTIC_PASSWORD, naming the secret that holds it', async () => {
    const r = await restore(['--snapshot', 'latest', '--dry-run'], { RESTIC_PASSWORD: '' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('RESTIC_PASSWORD is not set');
    expect(r.stderr).toContain('restic-password');
  }, 60_000);

  it('a snapshot that does not exist fails validation: exit 2, the step table, nothing stopped', async () => {
    // A well-formed kubeconfig of a cluster that is not there: validation must fail before any call to it.
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:9"}}]\n' +
        'users: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
    const r = await restore(
      ['--snapshot', 'deadbeef', '--stores', 'redis', '--yes', '--helm', helmBinary(4)],
      {
        KUBECONFIG: kubeconfig,
      },
    );
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stdout).toMatch(
      /1\s+Validate backup\s+failed\s+the backup is not usable: - snapshot deadbeef does not exist/,
    );
    expect(r.stdout).toMatch(/2\s+Safety snapshot\s+pending/);
    expect(r.stdout).toContain('restore FAILED at "Validate backup". Nothing was stopped or overwritten.');
    expect(r.stdout).not.toContain('resume after fixing');
  }, 60_000);
});
