// `backup restore redis` with real parts: a redis-server backed up into a real restic repository, restored by
// the bundled runner into a node's data directory, and a redis-server started on that directory (with and
// without append-only mode) serving the backed-up keys. Cluster placement is checked with plain files.
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleBackupRunner } from '../../scripts/backup/bundle.mjs';
import { describeFiles } from '../../src/backup/files.js';
import type { BackupManifest, RedisMaster } from '../../src/backup/manifest.js';
import { stageRedisBackup } from '../../src/backup/redis/backup.js';
import { startRedisServer } from '../../src/backup/redis/server.js';
import { planRedisRestore, restoreRedis } from '../../src/backup/restore-redis.js';
import { restoreSnapshot } from '../../src/backup/restore-snapshot.js';
import { commitBackup, prepareStage } from '../../src/backup/stage.js';
import { snapshotTags } from '../../src/backup/tags.js';
import { UserError } from '../../src/errors.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { createTestRepository, type TestRepository, testPassword } from '../support/restic.js';
import { systemBinary } from '../support/tools.js';

const labels = { store: 'redis', environment: 'staging', kind: 'data' } as const;

let repo: TestRepository;
let redis: TestRedis;
let runner: string;
let snapshot: string;
let dumpFile: string;

const run = (args: string[]) =>
  execa(process.execPath, [runner, 'restore', 'redis', ...args], {
    reject: false,
    env: {
      RESTIC_REPOSITORY: repo.repository,
      RESTIC_PASSWORD: testPassword,
      RESTIC_CACHE_DIR: join(repo.scratch, 'cache'),
    },
  });

/** A node data directory holding an older state: a stale dump and a stale append-only file. */
async function staleNodeDir(name: string): Promise<string> {
  const dir = join(repo.scratch, name);
  await mkdir(join(dir, 'appendonlydir'), { recursive: true });
  await writeFile(join(dir, 'dump.rdb'), 'stale dump');
  await writeFile(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'stale manifest\n');
  return dir;
}

beforeAll(async () => {
  [repo, redis] = await Promise.all([createTestRepository(), startTestRedis()]);
  const c = await redis.connect();
  await Promise.all([
    c.command('SET', 'greeting', 'hello'),
    c.command('HSET', 'user:1', 'name', 'Ada', 'lang', 'en'),
    c.command('SET', 'session', 'alice', 'EX', 3600),
  ]);
  c.close();
  const stageDir = join(repo.scratch, 'backup-stage');
  await prepareStage(stageDir);
  const staged = await stageRedisBackup({
    address: redis.address,
    stageDir,
    redisCli: systemBinary('redis-cli'),
    redisServer: systemBinary('redis-server'),
  });
  dumpFile = staged.redis?.masters[0]?.file ?? '';
  const { summary } = await commitBackup(stageDir, staged, { restic: repo.restic, labels, type: 'full' });
  snapshot = summary.snapshotId;
  runner = await bundleBackupRunner(join(repo.scratch, 'bundle', 'backup.mjs'));
}, 60_000);

afterAll(async () => {
  await redis?.stop();
  await repo?.remove();
});

async function keysServedFrom(args: string[]): Promise<Record<string, unknown>> {
  const server = await startRedisServer({ binary: systemBinary('redis-server'), args });
  try {
    const c = await server.connect();
    try {
      return {
        greeting: String(await c.command('GET', 'greeting')),
        user: ((await c.command('HGETALL', 'user:1')) as Buffer[]).map(String),
        sessionTtl: Number(await c.command('TTL', 'session')) > 3000,
        size: await c.command('DBSIZE'),
      };
    } finally {
      c.close();
    }
  } finally {
    await server.stop();
  }
}

const served = { greeting: 'hello', user: ['name', 'Ada', 'lang', 'en'], sessionTtl: true, size: 3 };

describe('backup restore redis (bundled runner)', () => {
  it('puts the dump into the data directory, where a redis-server loads it with and without AOF', async () => {
    const target = await staleNodeDir('node');
    const stage = join(repo.scratch, 'restore-stage');
    const result = await run([
      '--env',
      'staging',
      '--snapshot',
      snapshot,
      '--stage',
      stage,
      '--target',
      target,
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      store: 'redis',
      snapshot,
      environment: 'staging',
      redis: { dir: target, dump: dumpFile, slots: ['0-16383'], keys: 3 },
    });
    expect(result.stderr).toContain(`snapshot ${snapshot}`);
    // Nothing is left behind: no temporary copies beside the data, no staged snapshot.
    expect((await readdir(target)).sort()).toEqual(['appendonlydir', 'dump.rdb']);
    expect((await readdir(join(target, 'appendonlydir'))).sort()).toEqual([
      'appendonly.aof.1.base.rdb',
      'appendonly.aof.manifest',
    ]);
    expect(await readdir(stage)).toEqual([]);
    // The chart's Redis runs with appendonly yes: it loads the AOF, not dump.rdb.
    expect(await keysServedFrom(['--dir', target, '--appendonly', 'yes'])).toEqual(served);
    expect(await keysServedFrom(['--dir', target, '--appendonly', 'no'])).toEqual(served);
  });

  it('refuses a snapshot whose dump does not match its manifest and leaves the node as it was', async () => {
    const copy = join(repo.scratch, 'altered');
    await restoreSnapshot(repo.restic, snapshot, copy);
    await appendFile(join(copy, dumpFile), 'x');
    const altered = await repo.restic.backup(copy, { tags: snapshotTags(labels), host: 'release-kit' });
    const target = await staleNodeDir('node-altered');
    const result = await run([
      '--env',
      'staging',
      '--snapshot',
      altered.snapshotId,
      '--stage',
      join(repo.scratch, 'restore-stage'),
      '--target',
      target,
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`snapshot ${altered.snapshotId} does not match its manifest`);
    expect(result.stderr).toMatch(
      new RegExp(`${dumpFile} is \\d+ bytes, the manifest says \\d+: it was altered`),
    );
    expect(result.stdout).toBe('');
    expect(await readFile(join(target, 'dump.rdb'), 'utf8')).toBe('stale dump');
    expect(await readdir(join(target, 'appendonlydir'))).toEqual(['appendonly.aof.manifest']);
  });

  it("refuses another environment's snapshot, a missing target and a bad snapshot id, with exit 1", async () => {
    const target = await staleNodeDir('node-other-env');
    const stage = join(repo.scratch, 'restore-stage');
    const otherEnv = await run([
      '--env',
      'production',
      '--snapshot',
      snapshot,
      '--stage',
      stage,
      '--target',
      target,
    ]);
    expect(otherEnv.exitCode).toBe(1);
    expect(otherEnv.stderr).toContain(
      `error: snapshot ${snapshot} was taken in environment staging, this restore is for production`,
    );
    expect(await readFile(join(target, 'dump.rdb'), 'utf8')).toBe('stale dump');

    const missing = join(repo.scratch, 'no-such-node');
    const noTarget = await run([
      '--env',
      'staging',
      '--snapshot',
      snapshot,
      '--stage',
      stage,
      '--target',
      missing,
    ]);
    expect(noTarget.exitCode).toBe(1);
    expect(noTarget.stderr).toContain(`error: restore target ${missing} is not a directory`);

    const unset = await run(['--env', 'staging', '--snapshot', '', '--stage', stage, '--target', target]);
    expect(unset.exitCode).toBe(1);
    expect(unset.stderr).toContain('--snapshot must be a restic snapshot id');
    expect(unset.stderr).toContain('RESTORE_SNAPSHOT');

    const unknown = await run([
      '--env',
      'staging',
      '--snapshot',
      'deadbeef',
      '--stage',
      stage,
      '--target',
      target,
    ]);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('snapshot deadbeef does not exist');
  });
});

describe('redis cluster: one node data directory per restore', () => {
  const nodeId = (c: string) => c.repeat(40);
  /** nodes.conf as the node with id `me` writes it: its own line flagged myself, then the vars line. */
  const nodesConf = (me: string, lines: string[]) =>
    `${lines.map((l) => (l.startsWith(me) ? l.replace(' master ', ' myself,master ').replace(' slave ', ' myself,slave ') : l)).join('\n')}\nvars currentEpoch 2 lastVoteEpoch 0\n`;
  // After a failover: b (a replica of a at backup time) now serves 0-8191, and a is its replica; d follows c.
  const cluster = [
    `${nodeId('a')} 10.0.0.1:6379@16379,redis-0 slave ${nodeId('b')} 0 0 1 connected`,
    `${nodeId('b')} 10.0.0.2:6379@16379,redis-1 master - 0 0 2 connected 0-8191`,
    `${nodeId('c')} 10.0.0.3:6379@16379,redis-2 master - 0 0 3 connected 8192-16383`,
    `${nodeId('d')} 10.0.0.4:6379@16379,redis-3 slave ${nodeId('c')} 0 0 3 connected`,
  ];
  const master = (id: string, slots: string[], file: string, keys: number): RedisMaster => ({
    id: nodeId(id),
    address: '',
    slots,
    file,
    inventory: { keys, types: {}, digest: '', sampleFraction: 1, sample: [] },
  });
  const details = {
    clusterEnabled: true,
    masters: [master('a', ['0-8191'], 'redis-a.rdb', 2), master('c', ['8192-16383'], 'redis-c.rdb', 1)],
  };

  let work: string;
  let staged: string;
  let manifest: BackupManifest;
  beforeAll(async () => {
    work = await mkdtemp(join(repo.scratch, 'cluster-'));
    staged = join(work, 'staged');
    await mkdir(staged);
    await writeFile(join(staged, 'redis-a.rdb'), 'dump of slots 0-8191');
    await writeFile(join(staged, 'redis-c.rdb'), 'dump of slots 8192-16383');
    manifest = { redis: details, files: await describeFiles(staged) } as BackupManifest;
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  /** A stopped node's data directory: its nodes.conf and a stale dump. */
  async function node(name: string, conf?: string): Promise<string> {
    const dir = join(work, name);
    await mkdir(dir, { recursive: true });
    if (conf !== undefined) await writeFile(join(dir, 'nodes.conf'), conf);
    await writeFile(join(dir, 'dump.rdb'), 'stale dump');
    return dir;
  }

  it("a master gets the dump of its slots, a replica its master's (matched by slots, not ids)", async () => {
    const primary = await node('redis-1', nodesConf(nodeId('b'), cluster));
    expect(await restoreRedis({ stagedDir: staged, manifest, target: primary })).toEqual({
      dir: primary,
      dump: 'redis-a.rdb',
      slots: ['0-8191'],
      keys: 2,
    });
    const replica = await node('redis-3', nodesConf(nodeId('d'), cluster));
    expect(await restoreRedis({ stagedDir: staged, manifest, target: replica })).toMatchObject({
      dump: 'redis-c.rdb',
      slots: ['8192-16383'],
    });
    for (const [dir, content] of [
      [primary, '0-8191'],
      [replica, '8192-16383'],
    ] as const) {
      expect(await readFile(join(dir, 'dump.rdb'), 'utf8')).toBe(`dump of slots ${content}`);
      expect(await readFile(join(dir, 'appendonlydir', 'appendonly.aof.1.base.rdb'), 'utf8')).toBe(
        `dump of slots ${content}`,
      );
      // nodes.conf is kept: the node rejoins the cluster with the slots it had.
      expect((await readdir(dir)).sort()).toEqual(['appendonlydir', 'dump.rdb', 'nodes.conf']);
    }
    // The old master, now a replica of b, gets the same data as b.
    expect(planRedisRestore(details, '/data', nodesConf(nodeId('a'), cluster)).master.file).toBe(
      'redis-a.rdb',
    );
  });

  it("refuses a node whose cluster has another slot layout than the backup's, and changes nothing", async () => {
    const resharded = [
      `${nodeId('b')} 10.0.0.2:6379@16379,redis-1 master - 0 0 2 connected 0-5460`,
      `${nodeId('c')} 10.0.0.3:6379@16379,redis-2 master - 0 0 3 connected 5461-10922`,
      `${nodeId('e')} 10.0.0.5:6379@16379,redis-4 master - 0 0 4 connected 10923-16383`,
    ];
    const dir = await node('resharded', nodesConf(nodeId('b'), resharded));
    await expect(restoreRedis({ stagedDir: staged, manifest, target: dir })).rejects.toThrow(
      `${join(dir, 'nodes.conf')}: the cluster's layout differs from the backup's: its masters serve 0-5460 | 5461-10922 | 10923-16383, the backup's masters served 0-8191 | 8192-16383`,
    );
    expect((await readdir(dir)).sort()).toEqual(['dump.rdb', 'nodes.conf']);
    expect(await readFile(join(dir, 'dump.rdb'), 'utf8')).toBe('stale dump');
    // Even a node whose own slots match the backup's is refused when the rest of the cluster does not.
    const split = [cluster[1] as string, cluster[2]?.replace('8192-16383', '8192-12000') as string];
    expect(() => planRedisRestore(details, '/data', nodesConf(nodeId('b'), split))).toThrow(
      /the cluster's layout differs from the backup's: its masters serve 0-8191 \| 8192-12000/,
    );
  });

  it('refuses a cluster node without nodes.conf (bootstrap first) and a nodes.conf without "myself"', async () => {
    const bare = await node('bare');
    await expect(restoreRedis({ stagedDir: staged, manifest, target: bare })).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof UserError &&
        e.message ===
          `${join(bare, 'nodes.conf')} does not exist, but the backup is of a Redis cluster: the node does not know which slots it serves` &&
        /bootstrap the cluster first/.test(e.hint ?? ''),
    );
    expect(await readdir(bare)).toEqual(['dump.rdb']);
    expect(() => planRedisRestore(details, '/data/x', 'vars currentEpoch 0\n')).toThrow(
      /\/data\/x\/nodes\.conf has no "myself" line/,
    );
  });
});
