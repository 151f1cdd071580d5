// The backup runner as the backup Job runs it: the esbuild bundle, started with node, against a real
// redis-server and a real restic repository, configured through argv and the environment only.
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleBackupRunner } from '../../scripts/backup/bundle.mjs';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { createTestRepository, type TestRepository, testPassword } from '../support/restic.js';

let repo: TestRepository;
let redis: TestRedis;
let runner: string;

const run = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [runner, ...args], {
    reject: false,
    env: {
      RESTIC_REPOSITORY: repo.repository,
      RESTIC_PASSWORD: testPassword,
      RESTIC_CACHE_DIR: join(repo.scratch, 'cache'),
      ...env,
    },
  });

beforeAll(async () => {
  [repo, redis] = await Promise.all([createTestRepository(), startTestRedis()]);
  runner = await bundleBackupRunner(join(repo.scratch, 'bundle', 'backup.mjs'));
  const c = await redis.connect();
  await Promise.all([
    c.command('SET', 'a', '1'),
    c.command('HSET', 'h', 'f', 'v'),
    c.command('SET', 't', 'x', 'EX', 600),
  ]);
  c.close();
});

afterAll(async () => {
  await redis?.stop();
  await repo?.remove();
});

describe('bundled backup runner', () => {
  it('backs up redis into a tagged snapshot and prints the result as JSON', async () => {
    const stage = join(repo.scratch, 'stage');
    const result = await run(['redis', '--env', 'staging', '--address', redis.address, '--stage', stage]);
    expect(result.exitCode, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed).toMatchObject({ store: 'redis', counts: { masters: 1, keys: 3 } });
    expect(result.stderr).toContain(`stored redis backup as snapshot ${printed.snapshot}`);
    const [snapshot] = await repo.restic.snapshots(['store=redis']);
    expect(snapshot?.shortId).toBe(printed.snapshot);
    expect(snapshot?.tags.sort()).toEqual(['env=staging', 'kind=data', 'store=redis']);
    expect(snapshot?.hostname).toBe('release-kit');
  });

  it('applies retention (dry run) and reports what it would remove', async () => {
    const result = await run(['retention', '--data-days', '7', '--config-weeks', '4', '--dry-run']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ store: 'retention', removed: { data: 0, config: 0 } });
  });

  it('exits 1 with a plain message on bad input or an unreachable store', async () => {
    const missing = await run(['redis', '--env', 'staging', '--stage', '/tmp/x']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/^error: backup redis: --address is required \(usage: backup/);
    const noRepo = await run(['redis', '--env', 'staging'], { RESTIC_REPOSITORY: '' });
    expect(noRepo.stderr).toContain('error: backup: RESTIC_REPOSITORY is not set');
    const wrongPassword = await run(['retention', '--data-days', '7', '--config-weeks', '4'], {
      RESTIC_PASSWORD: 'nope',
    });
    expect(wrongPassword.exitCode).toBe(1);
    expect(wrongPassword.stderr).toContain(`the password does not open repository ${repo.repository}`);
  });
});
