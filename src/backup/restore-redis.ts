// Puts a verified Redis backup back into the nodes' data directories, for the servers to load when they
// start (the servers must be stopped: a running Redis rewrites its files on shutdown). Each node gets the
// dump of the master serving its slots twice over: as dump.rdb, and as the base of a fresh append-only
// file (appendonlydir/), because a server with `appendonly yes` (the chart's setting) loads only its AOF and
// starts empty when there is none. Nodes are matched to dumps by the slots they serve (from the node's
// nodes.conf), not by id, so a failover since the backup (a replica now master) still gets the right data.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { log } from '../log.js';
import type { BackupManifest, RedisDetails, RedisMaster } from './manifest.js';
import { type Placement, prepareCopies } from './place.js';
import { parseClusterNodes } from './redis/layout.js';

/** A node's data directory and the text of its nodes.conf (cluster mode). */
export interface NodeDataDir {
  dir: string;
  nodesConf: string;
}

export interface RedisRestoreTarget {
  dir: string;
  master: RedisMaster;
}

// Redis 7's defaults (appenddirname, appendfilename); the chart does not change them.
const aofDir = 'appendonlydir';
const aofBase = 'appendonly.aof.1.base.rdb';
const aofManifest = 'appendonly.aof.manifest';

const slotKey = (slots: string[]) => [...slots].sort().join(' ');

/** The slots a node's data belongs to: its own as a master, its master's as a replica. */
function servedSlots(d: NodeDataDir): string[] {
  const file = join(d.dir, 'nodes.conf');
  let nodes: ReturnType<typeof parseClusterNodes>;
  try {
    // `vars currentEpoch …` is the one nodes.conf line CLUSTER NODES does not print.
    nodes = parseClusterNodes(
      d.nodesConf
        .split('\n')
        .filter((l) => !l.startsWith('vars '))
        .join('\n'),
    );
  } catch (e) {
    throw new UserError(`${file} is not a Redis cluster config: ${(e as Error).message}`);
  }
  const me = nodes.find((n) => n.flags.includes('myself'));
  if (!me) throw new UserError(`${file} has no "myself" line: it is not a Redis cluster config`);
  const owner = me.role === 'master' ? me : nodes.find((n) => n.id === me.masterId);
  if (!owner?.slots.length) {
    throw new UserError(
      `${file}: node ${me.id.slice(0, 8)} serves no slots${me.role === 'replica' ? ' (its master is unknown or has none)' : ''}`,
      'restore into a cluster whose slots are assigned (CLUSTER NODES shows them)',
    );
  }
  return owner.slots;
}

/**
 * Which dump goes into which data directory. Pure. Without cluster mode the target itself is the one
 * node's data directory; in cluster mode every node's data directory (`nodes`) must serve exactly the
 * slots of one master of the backup, and every master of the backup must reach at least one node.
 */
export function planRedisRestore(
  details: RedisDetails,
  target: string,
  nodes: NodeDataDir[],
): RedisRestoreTarget[] {
  if (!details.clusterEnabled) {
    const [master, ...more] = details.masters;
    if (!master || more.length) throw new Error('a backup without cluster mode must hold exactly one dump');
    return [{ dir: target, master }];
  }
  if (!nodes.length) {
    throw new UserError(
      `${target} holds no node data directory with a nodes.conf, but the backup is of a Redis cluster`,
      'mount every node data directory of the cluster under the target (one sub-directory per node)',
    );
  }
  const bySlots = new Map(details.masters.map((m) => [slotKey(m.slots), m]));
  const plan = nodes.map((d) => {
    const slots = servedSlots(d);
    const master = bySlots.get(slotKey(slots));
    if (!master) {
      throw new UserError(
        `${join(d.dir, 'nodes.conf')}: the node serves slots ${slots.join(' ')}, which no master of the backup served ` +
          `(the backup's masters served ${details.masters.map((m) => m.slots.join(' ')).join(' | ')})`,
        'the cluster was resharded since the backup: give it the slot layout of the backup (nodes.json) first',
      );
    }
    return { dir: d.dir, master };
  });
  const missing = details.masters.filter((m) => !plan.some((p) => p.master === m));
  if (missing.length) {
    throw new UserError(
      `no node data directory under ${target} serves the slots of ${missing.map((m) => `${m.slots.join(' ')} (dump ${m.file})`).join(', ')}`,
      'mount the data directories of every node of the cluster under the target',
    );
  }
  return plan;
}

async function nodeDataDirs(target: string): Promise<NodeDataDir[]> {
  const found: NodeDataDir[] = [];
  for (const e of await readdir(target, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const dir = join(target, e.name);
    const nodesConf = await readFile(join(dir, 'nodes.conf'), 'utf8').catch(() => undefined);
    if (nodesConf !== undefined) found.push({ dir, nodesConf });
  }
  return found;
}

async function requireDirectory(path: string): Promise<void> {
  const s = await stat(path).catch(() => undefined);
  if (!s?.isDirectory()) {
    throw new UserError(
      `restore target ${path} is not a directory`,
      'point --target at the data directory of the (stopped) Redis node, or the directory holding those of a cluster',
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
  nodes: { dir: string; dump: string }[];
  keys: number;
}

export async function restoreRedis(o: RedisRestoreOptions): Promise<RedisRestoreResult> {
  const details = o.manifest.redis;
  if (!details) throw new UserError('the snapshot is not a Redis backup (its manifest has no redis details)');
  await requireDirectory(o.target);
  const plan = planRedisRestore(
    details,
    o.target,
    details.clusterEnabled ? await nodeDataDirs(o.target) : [],
  );
  const entries = new Map(o.manifest.files.map((f) => [f.path, f]));
  const suffix = randomBytes(4).toString('hex');
  const placements: Placement[] = [];
  const freshAofDirs: string[] = [];
  try {
    for (const { dir, master } of plan) {
      const expected = entries.get(master.file);
      if (!expected) throw new UserError(`the manifest names dump ${master.file} but does not list the file`);
      const source = join(o.stagedDir, master.file);
      const freshAof = join(dir, `${aofDir}.restoring-${suffix}`);
      await mkdir(freshAof);
      freshAofDirs.push(freshAof);
      await writeFile(join(freshAof, aofManifest), `file ${aofBase} seq 1 type b\n`);
      placements.push({ source, destination: join(dir, 'dump.rdb'), expected });
      placements.push({ source, destination: join(freshAof, aofBase), expected });
    }
    const copies = await prepareCopies(placements);
    await copies.commit();
    for (const freshAof of freshAofDirs) {
      const live = join(dirname(freshAof), aofDir);
      const replaced = `${live}.replaced-${suffix}`;
      await rename(live, replaced).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      await rename(freshAof, live);
      await rm(replaced, { recursive: true, force: true });
    }
  } finally {
    await Promise.all(freshAofDirs.map((d) => rm(d, { recursive: true, force: true })));
  }
  for (const { dir, master } of plan) {
    log.info(
      `redis: ${dir} gets ${master.file} (slots ${master.slots.join(' ')}, ${master.inventory.keys} keys)`,
    );
  }
  return {
    nodes: plan.map((p) => ({ dir: p.dir, dump: p.master.file })),
    keys: details.masters.reduce((n, m) => n + m.inventory.keys, 0),
  };
}
