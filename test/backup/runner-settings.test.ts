// The runner's argv and environment, including every kind of broken input.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunnerArgs } from '../../src/backup/runner-settings.js';
import { prepareStage } from '../../src/backup/stage.js';

const env = { RESTIC_REPOSITORY: 's3:host/bucket', RESTIC_PASSWORD: 'pw' };

describe('backup runner settings', () => {
  it('reads a redis run, secrets from the environment only', () => {
    expect(
      parseRunnerArgs(['redis', '--env', 'prod', '--address', 'redis-0.redis:6379', '--stage', '/stage'], {
        ...env,
        REDIS_PASSWORD: 'secret',
      }),
    ).toEqual({
      repository: 's3:host/bucket',
      password: 'pw',
      environment: 'prod',
      kind: 'data',
      type: 'incremental',
      store: 'redis',
      address: 'redis-0.redis:6379',
      stageDir: '/stage',
      redisPassword: 'secret',
    });
  });

  it('reads neo4j, faiss and retention runs', () => {
    expect(
      parseRunnerArgs(
        ['neo4j', '--env', 'prod', '--from', 'neo4j:6362', '--chain', '/chain', '--type', 'full'],
        env,
      ),
    ).toMatchObject({
      store: 'neo4j',
      database: 'neo4j',
      type: 'full',
    });
    const faiss = parseRunnerArgs(
      [
        'faiss',
        '--env',
        'prod',
        '--stage',
        '/s',
        '--shard',
        '0=http://a:1,http://b:1',
        '--shard',
        '1=http://c:1',
      ],
      env,
    );
    expect(faiss).toMatchObject({
      shards: [
        { shard: '0', replicas: ['http://a:1', 'http://b:1'] },
        { shard: '1', replicas: ['http://c:1'] },
      ],
    });
    expect(parseRunnerArgs(['retention', '--data-days', '7', '--config-weeks', '4'], env)).toMatchObject({
      dataDays: 7,
      configWeeks: 4,
      dryRun: false,
    });
  });

  it.each([
    [['mysql', '--env', 'prod'], 'backup: expected one of redis, neo4j, faiss, retention, got "mysql"'],
    [['redis', '--env', 'prod', '--stage', '/s'], 'backup redis: --address is required'],
    [['redis', '--address', 'r:1', '--stage', '/s'], 'backup redis: --env is required'],
    [
      ['redis', '--env', 'prod', '--address', 'r:1', '--stage', '/s', '--kind', 'weekly'],
      'backup redis: --kind must be data or config, got "weekly"',
    ],
    [
      ['redis', '--env', 'prod', '--address', 'r:1', '--stage', '/s', '--type', 'differential'],
      'backup redis: --type must be incremental or full, got "differential"',
    ],
    [['redis', '--env', 'prod', '--adress', 'r:1'], "backup: Unknown option '--adress'"],
    [
      ['faiss', '--env', 'prod', '--stage', '/s', '--shard', 'faiss-0:8080'],
      'backup faiss: --shard "faiss-0:8080" is not NAME=URL[,URL…]',
    ],
    [['faiss', '--env', 'prod', '--stage', '/s'], 'backup faiss: at least one --shard is required'],
    [
      ['retention', '--data-days', '0', '--config-weeks', '4'],
      'backup retention: --data-days must be a whole number of at least 1, got "0"',
    ],
    [
      ['retention', '--data-days', '7'],
      'backup retention: --config-weeks must be a whole number of at least 1, got ""',
    ],
  ])('rejects %j', (argv, message) => {
    expect(() => parseRunnerArgs(argv, env)).toThrow(message);
  });

  it('requires the repository and its password in the environment', () => {
    expect(() => parseRunnerArgs(['retention'], { RESTIC_PASSWORD: 'pw' })).toThrow(
      'backup: RESTIC_REPOSITORY is not set',
    );
    expect(() => parseRunnerArgs(['retention'], { RESTIC_REPOSITORY: 'r' })).toThrow(
      'backup: RESTIC_PASSWORD is not set',
    );
  });
});

describe('stage directory', () => {
  it('empties a previous stage, even of a failed run, but never a directory with other files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rk-stage-'));
    try {
      await prepareStage(join(dir, 'stage'));
      await writeFile(join(dir, 'stage', 'half-written.rdb'), 'x');
      await prepareStage(join(dir, 'stage'));
      expect(await readdir(join(dir, 'stage'))).toEqual(['.release-kit-stage']);

      await writeFile(join(dir, 'precious.txt'), 'keep me');
      await expect(prepareStage(dir)).rejects.toThrow(
        `stage directory ${dir} holds files that are not a previous backup stage`,
      );
      expect(await readdir(dir)).toEqual(['precious.txt', 'stage']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
