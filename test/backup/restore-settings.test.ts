// The `backup restore` command line: what each store needs, and a plain message naming the bad option.
import { describe, expect, it } from 'vitest';
import { parseRestoreArgs } from '../../src/backup/restore-settings.js';

const env = { RESTIC_REPOSITORY: '/repo', RESTIC_PASSWORD: 'secret' };
const common = ['--env', 'staging', '--snapshot', '1a2b3c4d', '--stage', '/stage'];

describe('parseRestoreArgs', () => {
  it('reads the command lines the restore CronJobs run', () => {
    expect(parseRestoreArgs(['redis', ...common, '--target', '/data'], env)).toEqual({
      store: 'redis',
      repository: '/repo',
      password: 'secret',
      snapshot: '1a2b3c4d',
      environment: 'staging',
      stageDir: '/stage',
      target: '/data',
    });
    expect(parseRestoreArgs(['neo4j', ...common, '--database', 'neo4j'], env)).toMatchObject({
      store: 'neo4j',
      database: 'neo4j',
    });
    expect(parseRestoreArgs(['neo4j', ...common], env)).not.toHaveProperty('database');
    expect(parseRestoreArgs(['faiss', ...common, '--shard', '2', '--target', '/data'], env)).toMatchObject({
      store: 'faiss',
      shard: '2',
      target: '/data',
    });
  });

  it.each([
    [['mysql', ...common], env, /expected one of redis, neo4j, faiss, got "mysql"/],
    [['redis', ...common], env, /backup restore redis: --target is required/],
    [
      ['faiss', '--snapshot', '1a2b3c4d', '--stage', '/s', '--shard', '0', '--target', '/d'],
      env,
      /--env is required/,
    ],
    // An unset RESTORE_SHARD reaches the runner as an empty --shard.
    [['faiss', ...common, '--shard', '', '--target', '/d'], env, /backup restore faiss: --shard is required/],
    [['faiss', ...common, '--target', '/d'], env, /--shard is required/],
    [['redis', ...common, '--shard', '0', '--target', '/d'], env, /--shard is for faiss only/],
    [['neo4j', ...common, '--shard', '0'], env, /--shard is for faiss only/],
    [
      ['redis', '--env', 'e', '--stage', '/s', '--target', '/d'],
      env,
      /--snapshot must be a restic snapshot id/,
    ],
    [
      ['redis', ...common.slice(0, 2), '--snapshot', 'latest', '--stage', '/s', '--target', '/d'],
      env,
      /got "latest"/,
    ],
    [['neo4j', ...common, '--target', '/data'], env, /--target is not used/],
    [
      ['faiss', ...common, '--shard', '0', '--target', '/d', '--database', 'x'],
      env,
      /--database is for neo4j only/,
    ],
    [['redis', ...common, '--target', '/d', '--address', 'x:1'], env, /Unknown option '--address'/],
    [['redis', ...common, '--target', '/d'], { RESTIC_REPOSITORY: '/repo' }, /RESTIC_PASSWORD is not set/],
  ])('refuses %j', (argv, environment, message) => {
    expect(() => parseRestoreArgs(argv, environment)).toThrow(message);
  });
});
