// Redis backup runner: one RDB per master (from the cluster layout, or the one node without cluster
// mode), nodes.json with the layout, and an inventory per dump taken from a private redis-server that
// loads the dump (so the manifest describes exactly what was saved, and proves the dump loads).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../../errors.js';
import { log } from '../../log.js';
import type { RedisMaster } from '../manifest.js';
import type { StagedBackup } from '../stage.js';
import { takeInventory } from './inventory.js';
import { mastersToDump, parseClusterNodes, parseInfo, type RedisLayout, singleNodeLayout } from './layout.js';
import { RedisConnection, RedisReplyError } from './resp.js';
import { startRedisServer } from './server.js';

export interface RedisBackupOptions {
  /** host:port of any node; in cluster mode the others are found through it. */
  address: string;
  password?: string;
  stageDir: string;
  redisCli?: string;
  redisServer?: string;
  /** Keys listed one by one in the manifest (see takeInventory). */
  maxListed?: number;
}

export function parseAddress(address: string): { host: string; port: number } {
  const m = /^(.+):(\d+)$/.exec(address);
  const port = Number(m?.[2]);
  if (!m?.[1] || !(port > 0 && port < 65536)) {
    throw new UserError(
      `redis address ${JSON.stringify(address)} is not host:port`,
      'e.g. redis-0.redis:6379',
    );
  }
  return { host: m[1], port };
}

async function readLayout(c: RedisConnection, address: string): Promise<RedisLayout> {
  const info = parseInfo(await c.text('INFO', 'server'));
  const cluster = parseInfo(await c.text('INFO', 'cluster'));
  if (cluster.cluster_enabled !== '1') return singleNodeLayout(info.run_id ?? 'standalone', address);
  const nodes = parseClusterNodes(await c.text('CLUSTER', 'NODES')).map((n) =>
    // A node that was never given an address reports itself as ":0".
    n.flags.includes('myself') && n.address.startsWith(':') ? { ...n, address } : n,
  );
  return { clusterEnabled: true, nodes };
}

/** Dumps one master's data to `file` with `redis-cli --rdb`, without the diskless-sync delay. */
async function dumpMaster(address: string, file: string, o: RedisBackupOptions): Promise<void> {
  const target = parseAddress(address);
  const c = await RedisConnection.open(target, o.password);
  try {
    // redis-cli --rdb is a replica sync: the master waits repl-diskless-sync-delay (5 s) for more replicas.
    const [, previous] = (await c.command('CONFIG', 'GET', 'repl-diskless-sync-delay')) as [Buffer, Buffer];
    await c.command('CONFIG', 'SET', 'repl-diskless-sync-delay', '0');
    try {
      const result = await execa(
        o.redisCli ?? 'redis-cli',
        ['-h', target.host, '-p', String(target.port), '--no-auth-warning', '--rdb', file],
        { reject: false, all: true, env: o.password ? { REDISCLI_AUTH: o.password } : {} },
      );
      if (result.failed)
        throw new Error(`redis-cli --rdb from ${address} failed: ${String(result.all).trim()}`);
    } finally {
      await c.command('CONFIG', 'SET', 'repl-diskless-sync-delay', previous.toString());
    }
  } catch (e) {
    if (e instanceof RedisReplyError && /unknown command|NOPERM/.test(e.message)) {
      throw new UserError(
        `redis at ${address} refuses ${e.message}`,
        'the backup needs CONFIG GET/SET and SYNC (redis-cli --rdb); grant them to the backup user',
      );
    }
    throw e;
  } finally {
    c.close();
  }
}

export async function stageRedisBackup(o: RedisBackupOptions): Promise<StagedBackup> {
  const seed = await RedisConnection.open(parseAddress(o.address), o.password);
  let layout: RedisLayout;
  let version: string;
  try {
    version = parseInfo(await seed.text('INFO', 'server')).redis_version ?? 'unknown';
    layout = await readLayout(seed, o.address);
  } finally {
    seed.close();
  }
  await writeFile(join(o.stageDir, 'nodes.json'), `${JSON.stringify(layout, null, 2)}\n`);
  const masters: RedisMaster[] = [];
  for (const node of mastersToDump(layout)) {
    const file = `redis-${node.id.slice(0, 12)}.rdb`;
    const path = join(o.stageDir, file);
    log.info(`dumping redis master ${node.address} (slots ${node.slots.join(' ')}) to ${file}`);
    await dumpMaster(node.address, path, o);
    const server = await startRedisServer({
      rdbFile: path,
      ...(o.redisServer ? { binary: o.redisServer } : {}),
    });
    try {
      const c = await server.connect();
      try {
        const inventory = await takeInventory(c, o.maxListed ? { maxListed: o.maxListed } : {});
        masters.push({ id: node.id, address: node.address, slots: node.slots, file, inventory });
      } finally {
        c.close();
      }
    } finally {
      await server.stop();
    }
  }
  return {
    versions: { redis: version },
    counts: { masters: masters.length, keys: masters.reduce((n, m) => n + m.inventory.keys, 0) },
    redis: { clusterEnabled: layout.clusterEnabled, masters },
  };
}
