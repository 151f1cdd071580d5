// Puts a verified Redis backup back into one node's data directory, for the server to load when it starts
// (it must be stopped: a running Redis rewrites its files on shutdown). The restore Jobs run once per node
// volume. The node gets the dump of the master serving its slots twice over: as dump.rdb, and as the base
// of a fresh append-only file (appendonlydir/), because a server with `appendonly yes` (the chart's setting)
// loads only its AOF and starts empty when there is none.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { log } from '../log.js';
import type { BackupManifest, RedisDetails, RedisMaster } from './manifest.js';
import { prepareCopies } from './place.js';
import { parseClusterNodes } from './redis/layout.js';

export interface RedisRestoreTarget {
  dir: string;
  master: RedisMaster;
}

// Redis 7's defaults (appenddirname, appendfilename); the chart does not change them.
const aofDir = 'appendonlydir';
const aofBase = 'appendonly.aof.1.base.rdb';
const aofManifest = 'appendonly.aof.manifest';

// Slot ranges (`0-5460`, `5461`) and masters in slot order, so two layouts compare (and read) as strings.
const byFirstSlot = (a: string, b: string) => Number.parseInt(a, 10) - Number.parseInt(b, 10);
const slotKey = (slots: string[]) => [...slots].sort(byFirstSlot).join(' ');
/** The slot partition: every master's slot ranges. */
const partitionOf = (slotsPerMaster: string[][]) => slotsPerMaster.map(slotKey).sort(byFirstSlot).join(' | ');

function parseNodesConf(file: string, text: string): ReturnType<typeof parseClusterNodes> {
  try {
    // `vars currentEpoch …` is the one nodes.conf line CLUSTER NODES does not print.
    return parseClusterNodes(
      text
        .split('\n')
        .filter((l) => !l.startsWith('vars '))
        .join('\n'),
    );
  } catch (e) {
    throw new UserError(`${file} is not a Redis cluster config: ${(e as Error).message}`);
  }
}

/**
 * Which dump goes into the node's data directory. Pure. Without cluster mode the target is the one node's
 * data directory and gets the one dump. In cluster mode the node's nodes.conf (its view of the cluster) must
 * show exactly the backup's slot partition, and the node gets the dump of the master whose slots it serves:
 * its own as a master, its master's as a replica. Matching by slots, not ids, lets a failover since the
 * backup (a replica now master) still get the right data.
 */
export function planRedisRestore(
  details: RedisDetails,
  target: string,
  nodesConf: string | undefined,
): RedisRestoreTarget {
  if (!details.clusterEnabled) {
    const [master, ...more] = details.masters;
    if (!master || more.length) throw new Error('a backup without cluster mode must hold exactly one dump');
    return { dir: target, master };
  }
  const file = join(target, 'nodes.conf');
  if (nodesConf === undefined) {
    throw new UserError(
      `${file} does not exist, but the backup is of a Redis cluster: the node does not know which slots it serves`,
      'bootstrap the cluster first (deploy the redis release: its bootstrap Job assigns the slots), then restore',
    );
  }
  const nodes = parseNodesConf(file, nodesConf);
  const me = nodes.find((n) => n.flags.includes('myself'));
  if (!me) throw new UserError(`${file} has no "myself" line: it is not a Redis cluster config`);
  const cluster = partitionOf(nodes.filter((n) => n.role === 'master' && n.slots.length).map((n) => n.slots));
  const backup = partitionOf(details.masters.map((m) => m.slots));
  if (cluster !== backup) {
    throw new UserError(
      `${file}: the cluster's layout differs from the backup's: its masters serve ${cluster || 'no slots'}, the backup's masters served ${backup}`,
      "restore into a cluster with the backup's slot layout (the snapshot's nodes.json lists it): reshard the cluster to it, or bootstrap one with as many masters, then restore",
    );
  }
  const owner = me.role === 'master' ? me : nodes.find((n) => n.id === me.masterId);
  const master = owner?.slots.length
    ? details.masters.find((m) => slotKey(m.slots) === slotKey(owner.slots))
    : undefined;
  if (!master) {
    throw new UserError(
      `${file}: node ${me.id.slice(0, 8)} serves no slots${me.role === 'replica' ? ' (its master is unknown or has none)' : ''}`,
      'restore into a cluster whose slots are assigned (CLUSTER NODES shows them) and whose replicas follow a master',
    );
  }
  return { dir: target, master };
}

async function requireDirectory(path: string): Promise<void> {
  const s = await stat(path).catch(() => undefined);
  if (!s?.isDirectory()) {
    throw new UserError(
      `restore target ${path} is not a directory`,
      'point --target at the data directory of the (stopped) Redis node',
    );
  }
}

export interface RedisRestoreOptions {
  /** The restored and verified snapshot. */
  stagedDir: string;
  manifest: BackupManifest;
  target: string;
}

export interface RedisRestoreResult {
  dir: string;
  /** The backup's dump file the node got. */
  dump: string;
  /** The slots of that dump. */
  slots: string[];
  /** Keys in that dump. */
  keys: number;
}

export async function restoreRedis(o: RedisRestoreOptions): Promise<RedisRestoreResult> {
  const details = o.manifest.redis;
  if (!details) throw new UserError('the snapshot is not a Redis backup (its manifest has no redis details)');
  await requireDirectory(o.target);
  const nodesConf = details.clusterEnabled
    ? await readFile(join(o.target, 'nodes.conf'), 'utf8').catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return undefined;
        throw e;
      })
    : undefined;
  const { dir, master } = planRedisRestore(details, o.target, nodesConf);
  const expected = o.manifest.files.find((f) => f.path === master.file);
  if (!expected) throw new UserError(`the manifest names dump ${master.file} but does not list the file`);
  const source = join(o.stagedDir, master.file);
  const suffix = randomBytes(4).toString('hex');
  const freshAof = join(dir, `${aofDir}.restoring-${suffix}`);
  try {
    await mkdir(freshAof);
    await writeFile(join(freshAof, aofManifest), `file ${aofBase} seq 1 type b\n`);
    const copies = await prepareCopies([
      { source, destination: join(dir, 'dump.rdb'), expected },
      { source, destination: join(freshAof, aofBase), expected },
    ]);
    await copies.commit();
    const live = join(dir, aofDir);
    const replaced = `${live}.replaced-${suffix}`;
    await rename(live, replaced).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await rename(freshAof, live);
    await rm(replaced, { recursive: true, force: true });
  } finally {
    await rm(freshAof, { recursive: true, force: true });
  }
  log.info(
    `redis: ${dir} gets ${master.file} (slots ${master.slots.join(' ')}, ${master.inventory.keys} keys)`,
  );
  return { dir, dump: master.file, slots: master.slots, keys: master.inventory.keys };
}
