// The whole Redis path with real parts: redis-server, redis-cli --rdb and a restic repository.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageRedisBackup } from '../../src/backup/redis/backup.js';
import type { RedisConnection } from '../../src/backup/redis/resp.js';
import { verifyRedisDumps } from '../../src/backup/redis/verify.js';
import { restoreSnapshot } from '../../src/backup/restore-snapshot.js';
import { type CommittedBackup, commitBackup, prepareStage } from '../../src/backup/stage.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { createTestRepository, type TestRepository } from '../support/restic.js';
import { systemBinary } from '../support/tools.js';

const labels = { store: 'redis', environment: 'staging', kind: 'data' } as const;
const tools = { redisCli: systemBinary('redis-cli'), redisServer: systemBinary('redis-server') };

let repo: TestRepository;
let redis: TestRedis;
let c: RedisConnection;
const big = new Map<string, Buffer>(); // the random 10 KB strings written first
let first: CommittedBackup;
let second: CommittedBackup;

async function fill() {
  const writes: Promise<unknown>[] = [];
  // ~40 MB of incompressible strings in db 0, so restic's ~1 MiB chunks show how little a small change
  // adds; the keys of every other type live in db 2, which the RDB writes after db 0.
  for (let i = 0; i < 4000; i++) {
    const value = randomBytes(10_000);
    big.set(`blob:${i}`, value);
    writes.push(c.command('SET', `blob:${i}`, value));
  }
  await Promise.all(writes);
  await c.command('SELECT', 2);
  writes.push(
    c.command('SET', 'greeting', 'hello'),
    c.command('SET', 'session:1', 'alice', 'EX', 3600),
    c.command('HSET', 'user:1', 'name', 'Ada', 'lang', 'en', 'visits', '3'),
    c.command('RPUSH', 'queue', 'a', 'b', 'c', 'b'),
    c.command('SADD', 'tags', 'x', 'y', 'z'),
    c.command('ZADD', 'scores', '1.5', 'ada', '2', 'bob', '-3', 'cy'),
    c.command('HSET', 'cache:user:2', 'name', 'Bob'),
    c.command('EXPIRE', 'cache:user:2', 7200),
  );
  await Promise.all(writes);
}

async function backup(): Promise<CommittedBackup> {
  const stageDir = join(repo.scratch, 'stage');
  await prepareStage(stageDir);
  const staged = await stageRedisBackup({ address: redis.address, stageDir, ...tools });
  return commitBackup(stageDir, staged, { restic: repo.restic, labels, type: 'incremental' });
}

beforeAll(async () => {
  [repo, redis] = await Promise.all([createTestRepository(), startTestRedis()]);
  c = await redis.connect();
  await fill();
  first = await backup();
  // A small change: a value rewritten, a key deleted, one added, one TTL set (the connection is on db 2).
  await Promise.all([
    c.command('HSET', 'user:1', 'visits', '4'),
    c.command('DEL', 'tags'),
    c.command('SADD', 'new-set', 'n'),
    c.command('EXPIRE', 'greeting', 60),
  ]);
  second = await backup();
});

afterAll(async () => {
  c?.close();
  await redis?.stop();
  await repo?.remove();
});

describe('redis backup with restic', () => {
  it('records every key of the dump in the manifest, with a single-node layout', () => {
    const m = first.manifest;
    expect(m).toMatchObject({
      store: 'redis',
      environment: 'staging',
      kind: 'data',
      counts: { masters: 1, keys: 4007 },
    });
    expect(m.versions.redis).toMatch(/^7\./);
    expect(m.redis?.clusterEnabled).toBe(false);
    const inventory = m.redis?.masters[0]?.inventory;
    expect(inventory?.types).toEqual({ string: 4002, hash: 2, list: 1, set: 1, zset: 1 });
    expect(m.files.map((f) => f.path)).toEqual(['nodes.json', m.redis?.masters[0]?.file]);
    const session = inventory?.sample.find((k) => k.key === 'session:1');
    expect(session?.expiresAt).toBeGreaterThan(Date.now() + 3500_000);
  });

  it('the second, incremental snapshot adds a small fraction of the first', () => {
    const [a, b] = [first.summary.dataAdded, second.summary.dataAdded];
    console.log(`first backup added ${a} bytes, second added ${b} bytes (${((100 * b) / a).toFixed(1)} %)`);
    expect(a).toBeGreaterThan(35_000_000);
    // Changed chunks: the RDB header and the tail where db 2 is written, ~1-2 MiB each.
    expect(b).toBeLessThan(a * 0.2);
    expect(second.manifest.redis?.masters[0]?.inventory.keys).toBe(4007);
  });

  it('restores the first snapshot into a fresh redis-server with every key, type, value and TTL', async () => {
    const restored = await restoreSnapshot(
      repo.restic,
      first.summary.snapshotId,
      join(repo.scratch, 'restore-1'),
    );
    expect(restored.problems).toEqual([]);
    expect(await verifyRedisDumps(restored.dir, restored.manifest, Date.now(), tools.redisServer)).toEqual(
      [],
    );

    const file = restored.manifest.redis?.masters[0]?.file ?? '';
    const fresh = await startTestRedis(join(restored.dir, file));
    const r = await fresh.connect();
    try {
      // Read back independently of the inventory code: what was written before the first backup.
      expect(await r.command('DBSIZE')).toBe(4000);
      expect(await r.command('GET', 'blob:7')).toEqual(big.get('blob:7'));
      expect(await r.command('GET', 'blob:8')).toEqual(big.get('blob:8'));
      await r.command('SELECT', 2);
      expect(await r.command('DBSIZE')).toBe(7);
      expect((await r.command('HGETALL', 'user:1')) as Buffer[]).toHaveLength(6);
      expect(String(await r.command('HGET', 'user:1', 'visits'))).toBe('3');
      expect(((await r.command('LRANGE', 'queue', 0, -1)) as Buffer[]).map(String)).toEqual([
        'a',
        'b',
        'c',
        'b',
      ]);
      expect(((await r.command('SMEMBERS', 'tags')) as Buffer[]).map(String).sort()).toEqual(['x', 'y', 'z']);
      expect(((await r.command('ZRANGE', 'scores', 0, -1, 'WITHSCORES')) as Buffer[]).map(String)).toEqual([
        'cy',
        '-3',
        'ada',
        '1.5',
        'bob',
        '2',
      ]);
      expect(await r.command('EXISTS', 'new-set')).toBe(0);
      expect(await r.command('PTTL', 'greeting')).toBe(-1);
      const ttl = (await r.command('PTTL', 'session:1')) as number;
      expect(ttl).toBeGreaterThan(3500_000);
      expect(ttl).toBeLessThanOrEqual(3600_000);
    } finally {
      r.close();
      await fresh.stop();
    }
  });

  it('detects a wrong restore: the second snapshot does not match the first manifest', async () => {
    const restored = await restoreSnapshot(
      repo.restic,
      second.summary.snapshotId,
      join(repo.scratch, 'restore-2'),
    );
    expect(restored.problems).toEqual([]);
    const problems = await verifyRedisDumps(restored.dir, first.manifest, Date.now(), tools.redisServer);
    const file = first.manifest.redis?.masters[0]?.file;
    expect(problems).toEqual([
      `${file}: key "greeting" (db 2) has a TTL, expected none`,
      `${file}: key "tags" (db 2) (set) is missing`,
      `${file}: key "user:1" (db 2) (hash) has a different value`,
      `${file}: key "new-set" (db 2) (set) is not in the backup`,
    ]);
  });
});
