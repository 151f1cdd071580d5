// The Redis runner against a real two-master cluster: one RDB per master, the layout in nodes.json,
// and each dump's inventory holding exactly the keys of that master's slots.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupManifest } from '../../src/backup/manifest.js';
import { stageRedisBackup } from '../../src/backup/redis/backup.js';
import type { RedisLayout } from '../../src/backup/redis/layout.js';
import { verifyRedisDumps } from '../../src/backup/redis/verify.js';
import { prepareStage, type StagedBackup } from '../../src/backup/stage.js';
import { startTestRedisCluster } from '../support/redis.js';
import { systemBinary } from '../support/tools.js';

let cluster: Awaited<ReturnType<typeof startTestRedisCluster>>;
let stage: string;
let staged: StagedBackup;
const owner = new Map<string, string>(); // key -> address of the master serving it

beforeAll(async () => {
  cluster = await startTestRedisCluster(2);
  for (let i = 0; i < 40; i++) {
    const node = await cluster.route(`user:${i}`);
    const c = await node.connect();
    await c.command('HSET', `user:${i}`, 'n', String(i));
    c.close();
    owner.set(`user:${i}`, node.address);
  }
  stage = await mkdtemp(join(tmpdir(), 'rk-redis-cluster-'));
  await prepareStage(stage);
  staged = await stageRedisBackup({
    address: cluster.nodes[1]?.address ?? '',
    stageDir: stage,
    redisCli: systemBinary('redis-cli'),
    redisServer: systemBinary('redis-server'),
  });
});

afterAll(async () => {
  await cluster?.stop();
  if (stage) await rm(stage, { recursive: true, force: true });
});

describe('redis cluster backup', () => {
  it('dumps every master, each with the keys of its own slots', () => {
    expect(staged.redis?.clusterEnabled).toBe(true);
    expect(staged.counts).toEqual({ masters: 2, keys: 40 });
    const masters = staged.redis?.masters ?? [];
    expect(masters.map((m) => m.address).sort()).toEqual(cluster.nodes.map((n) => n.address).sort());
    for (const m of masters) {
      const keys = m.inventory.sample.map((k) => k.key).sort();
      expect(keys).toEqual(
        [...owner]
          .filter(([, a]) => a === m.address)
          .map(([k]) => k)
          .sort(),
      );
      expect(m.slots).toEqual([m.address === cluster.nodes[0]?.address ? '0-8191' : '8192-16383']);
    }
  });

  it('records the layout in nodes.json and proves each dump loads with its recorded keys', async () => {
    const layout = JSON.parse(await readFile(join(stage, 'nodes.json'), 'utf8')) as RedisLayout;
    expect(layout.nodes.filter((n) => n.role === 'master')).toHaveLength(2);
    const manifest: BackupManifest = {
      ...{
        format: 1,
        store: 'redis',
        environment: 't',
        kind: 'data',
        type: 'incremental',
        createdAt: '',
        files: [],
      },
      ...staged,
    };
    expect(await verifyRedisDumps(stage, manifest, Date.now(), systemBinary('redis-server'))).toEqual([]);
  });
});
