// The restore flow against the simulated cluster (example, staging: app tiers at 3/2/2) with a real restic
// repository: validation stops a bad backup before anything is scaled down; the full flow runs every step in
// order and brings the replicas back; a failure after "stop" keeps services stopped and can be resumed or
// reverted to the safety snapshot.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreSnapshot } from '../../src/backup/restore-snapshot.js';
import { snapshotHost } from '../../src/backup/stage.js';
import { snapshotTags } from '../../src/backup/tags.js';
import { loadReleaseConfig } from '../../src/config/index.js';
import { type RestoreOptions, readState, runRestore } from '../../src/restore/index.js';
import {
  appDeployments,
  appReplicas,
  type Cluster,
  environment,
  jobsNamed,
  namespace,
  playBackupJobs,
  runRedisBackupJob,
  seedRedis,
  startCluster,
  writeConfig,
} from '../backup-pipeline/harness.js';
import { createTestRepository, type TestRepository } from '../support/restic.js';

interface JobSpec {
  template: {
    spec: { containers: { image: string; command?: string[]; env?: { name: string; value?: string }[] }[] };
  };
}
const containerOf = (job: { spec?: unknown } | undefined) =>
  (job?.spec as JobSpec | undefined)?.template.spec.containers[0];

/** The redis StatefulSet of the example (3 masters with 2 replicas each). */
const redisSts = 'redis';

let cluster: Cluster;
let run = 0;

beforeAll(async () => {
  cluster = await startCluster();
  await seedRedis(cluster.redis, { 'user:1': 'ada', 'user:2': 'grace', counter: '42' });
}, 180_000);
afterAll(async () => {
  await cluster?.stop();
});

async function options(o: { repo?: TestRepository; migrationImage?: string } = {}): Promise<RestoreOptions> {
  const configFile = o.migrationImage ? await writeConfig(cluster.dir, o.migrationImage) : cluster.configFile;
  run++;
  return {
    config: await loadReleaseConfig(configFile, { environment }),
    configFile,
    environment,
    kube: cluster.kube,
    restic: (o.repo ?? cluster.repo).restic,
    helm: cluster.helm,
    statePath: join(cluster.dir, `restore-${run}.json`),
    suffix: `t${run}`,
    readDataSubset: '100%',
    jobTimeoutMs: 30_000,
    scaleTimeoutMs: 30_000,
    snapshotWaitMs: 20_000,
  };
}

/** Desired replicas of every StatefulSet in the namespace (the stores), and how many pods each runs. */
function storeWorkloads(): Record<string, { replicas: number; pods: number }> {
  const pods = cluster.sandbox.list('Pod', namespace);
  return Object.fromEntries(
    cluster.sandbox.list('StatefulSet', namespace).map((s) => [
      s.metadata.name,
      {
        replicas: Number(s.spec?.replicas),
        pods: pods.filter((p) => p.metadata.ownerReferences?.some((o) => o.name === s.metadata.name)).length,
      },
    ]),
  );
}

/**
 * What the cluster looked like when the first Job named `prefix…` appeared (the moment a restore Job's pod
 * starts writing into the data volumes): the app tiers' replicas and the stores' StatefulSets.
 */
function whenJobAppears(prefix: string) {
  let seen: { app: Record<string, number>; stores: ReturnType<typeof storeWorkloads> } | undefined;
  const earlier = new Set(jobsNamed(cluster.sandbox, prefix).map((j) => j.metadata.name));
  const timer = setInterval(() => {
    if (!seen && jobsNamed(cluster.sandbox, prefix).some((j) => !earlier.has(j.metadata.name)))
      seen = { app: appReplicas(cluster.sandbox), stores: storeWorkloads() };
  }, 5);
  return {
    stop: () => {
      clearInterval(timer);
      return seen;
    },
  };
}

/** Watches the app Deployments' desired replicas during a run: the lowest count each one had. */
function watchReplicas() {
  const lowest: Record<string, number> = appReplicas(cluster.sandbox);
  const timer = setInterval(() => {
    for (const [name, n] of Object.entries(appReplicas(cluster.sandbox)))
      lowest[name] = Math.min(lowest[name] ?? n, n);
  }, 10);
  return {
    stop: () => {
      clearInterval(timer);
      return lowest;
    },
  };
}

describe('validation refuses a bad backup before anything is stopped', () => {
  it('a snapshot with an altered file: validate fails naming the file; replicas and Jobs untouched', async () => {
    const good = await runRedisBackupJob(cluster);
    // Take the good snapshot's files, alter the dump, and store them as a newer snapshot of the same store.
    const copy = join(cluster.dir, 'altered');
    await restoreSnapshot(cluster.repo.restic, good, copy);
    const dump = (await readdir(copy)).find((f) => f.endsWith('.rdb')) as string;
    const bytes = await readFile(join(copy, dump));
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] ?? 0) ^ 0xff;
    await writeFile(join(copy, dump), bytes);
    const altered = await cluster.repo.restic.backup(copy, {
      tags: snapshotTags({ store: 'redis', environment: namespace, kind: 'data' }),
      host: snapshotHost,
    });
    await rm(copy, { recursive: true, force: true });

    const jobsBefore = cluster.sandbox.list('Job', namespace).length;
    const watch = watchReplicas();
    const report = await runRestore(await options(), {
      mode: 'restore',
      snapshot: altered.snapshotId.slice(0, 8),
    });
    expect(watch.stop()).toEqual(appDeployments);
    expect(report.ok).toBe(false);
    expect(report.failed?.id).toBe('validate');
    expect(report.failed?.message).toContain(`${dump}`);
    expect(report.failed?.message).toMatch(/sha256|size|differ/);
    expect(report.stopped).toBe(false);
    expect(report.resumeCommand).toBeUndefined();
    expect(report.state.steps.filter((s) => s.status !== 'pending').map((s) => s.id)).toEqual(['validate']);
    expect(cluster.sandbox.list('Job', namespace)).toHaveLength(jobsBefore);
    expect(appReplicas(cluster.sandbox)).toEqual(appDeployments);
  }, 60_000);

  it('a corrupted repository: restic check finds the damaged pack; replicas untouched', async () => {
    const repo = await createTestRepository();
    try {
      await runRedisBackupJob(cluster, repo);
      const packs = join(repo.repository, 'data');
      for (const sub of await readdir(packs)) {
        for (const pack of await readdir(join(packs, sub))) {
          const file = join(packs, sub, pack);
          const bytes = await readFile(file);
          bytes[Math.floor(bytes.length / 2)] = (bytes[Math.floor(bytes.length / 2)] ?? 0) ^ 0xff;
          await writeFile(file, bytes);
        }
      }
      const watch = watchReplicas();
      const report = await runRestore(await options({ repo }), {
        mode: 'restore',
        snapshot: 'latest',
        stores: ['redis'],
      });
      expect(watch.stop()).toEqual(appDeployments);
      expect(report.failed?.id).toBe('validate');
      expect(report.failed?.message).toMatch(/corrupted|could not be restored|hash/i);
      expect(report.stopped).toBe(false);
      expect(jobsNamed(cluster.sandbox, 'redis-restore-')).toHaveLength(0);
    } finally {
      await repo.remove();
    }
  }, 60_000);
});

describe('the full flow', () => {
  it('runs every step in order: safety snapshot, scale to 0, restore Job, stores back, verify, migration, test, scale back to 3/2/2', async () => {
    const good = await runRedisBackupJob(cluster);
    const storesBefore = storeWorkloads();
    const player = playBackupJobs(cluster, 'redis');
    const watch = watchReplicas();
    const duringRestore = whenJobAppears('redis-restore-');
    const o = await options({ migrationImage: 'registry.example.com/memory_system/migrate:v1' });
    const report = await runRestore(o, { mode: 'restore', snapshot: 'latest', stores: ['redis'] });
    const lowest = watch.stop();
    const during = duringRestore.stop();
    await player.stop();

    expect(report.failed, JSON.stringify(report.failed)).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(report.state.steps.map((s) => [s.id, s.status])).toEqual([
      ['validate', 'done'],
      ['safety-snapshot', 'done'],
      ['stop', 'done'],
      ['restore:redis', 'done'],
      ['start-stores', 'done'],
      ['verify', 'done'],
      ['migrate', 'done'],
      ['test', 'done'],
      ['start', 'done'],
    ]);
    // While the restore Job ran, the app tiers and the redis StatefulSet were at 0 with no pods left (nothing
    // could overwrite the restored files); the other stores were not touched.
    expect(during?.app).toEqual({ 'api-deployment': 0, memory: 0, storage: 0 });
    expect(during?.stores).toEqual({ ...storesBefore, [redisSts]: { replicas: 0, pods: 0 } });
    expect(storesBefore[redisSts]).toEqual({ replicas: 9, pods: 9 });
    expect(storeWorkloads()).toEqual(storesBefore);
    expect(report.state.storeReplicas).toEqual({ [redisSts]: 9 });
    // Every app tier went to 0 and came back to its manual replica count.
    expect(lowest).toEqual({ 'api-deployment': 0, memory: 0, storage: 0 });
    expect(appReplicas(cluster.sandbox)).toEqual(appDeployments);
    expect(report.state.replicas).toEqual(appDeployments);
    // The newest snapshot before the run was restored; the safety snapshot is a new one.
    expect(report.state.snapshots.redis?.startsWith(good)).toBe(true);
    expect(report.state.safetySnapshots.redis).toBeDefined();
    expect(report.state.safetySnapshots.redis).not.toBe(report.state.snapshots.redis);
    expect(player.played).toHaveLength(1);
    // The restore Job came from the redis-restore template with the snapshot id set.
    const [restoreJob] = jobsNamed(cluster.sandbox, 'redis-restore-');
    const env = containerOf(restoreJob)?.env ?? [];
    expect(env.find((e) => e.name === 'RESTORE_SNAPSHOT')?.value).toBe(report.state.snapshots.redis);
    expect(restoreJob?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'CronJob',
      name: 'redis-restore',
    });
    const [migration] = jobsNamed(cluster.sandbox, 'memory-system-migrate-');
    expect(containerOf(migration)).toMatchObject({
      image: 'registry.example.com/memory_system/migrate:v1',
      command: ['migrate', 'up'],
    });
    expect(report.state.steps.find((s) => s.id === 'stop')?.message).toBe(
      `scaled api-deployment 3->0, memory 2->0, storage 2->0, ${redisSts} 9->0`,
    );
    expect(report.state.steps.find((s) => s.id === 'start-stores')?.message).toBe(
      `scaled ${redisSts} 0->9; all ready`,
    );
    const saved = await readState(o.statePath);
    expect(saved?.finished).toBe(true);
  }, 120_000);
});

describe('a failure after "stop"', () => {
  async function failAtMigration() {
    const player = playBackupJobs(cluster, 'redis');
    const o = await options({ migrationImage: 'registry.example.com/memory_system/migrate:v2-crash' });
    const report = await runRestore(o, { mode: 'restore', snapshot: 'latest', stores: ['redis'] });
    await player.stop();
    return { o, report };
  }

  it('keeps services stopped, records the state, prints resume and revert commands; --resume finishes', async () => {
    const { o, report } = await failAtMigration();
    expect(report.ok).toBe(false);
    expect(report.failed?.id).toBe('migrate');
    expect(report.failed?.message).toMatch(
      /migration Job memory-system-migrate-\S+ failed \(BackoffLimitExceeded\)/,
    );
    expect(report.stopped).toBe(true);
    expect(appReplicas(cluster.sandbox)).toEqual({ 'api-deployment': 0, memory: 0, storage: 0 });
    expect(report.resumeCommand).toBe(
      `release-kit restore --resume --config ${o.configFile} --env staging --state ${o.statePath} --yes`,
    );
    expect(report.revertCommand).toBe(
      `release-kit restore --revert --config ${o.configFile} --env staging --state ${o.statePath} --yes`,
    );
    const saved = await readState(o.statePath);
    expect(saved?.replicas).toEqual(appDeployments);
    expect(saved?.steps.map((s) => s.status)).toEqual([
      'done',
      'done',
      'done',
      'done',
      'done',
      'done',
      'failed',
      'pending',
      'pending',
    ]);
    expect(saved?.storeReplicas).toEqual({ [redisSts]: 9 });

    // A new restore may not start over the unfinished one.
    await expect(runRestore(o, { mode: 'restore', snapshot: 'latest', stores: ['redis'] })).rejects.toThrow(
      /an unfinished restore of memory-system-staging is recorded in .*step "Migration" failed/,
    );

    // The operator fixes the migration image and resumes: only the remaining steps run.
    const fixed = await options({ migrationImage: 'registry.example.com/memory_system/migrate:v3' });
    const restoreJobs = jobsNamed(cluster.sandbox, 'redis-restore-').length;
    const resumed = await runRestore({ ...fixed, statePath: o.statePath }, { mode: 'resume' });
    expect(resumed.ok, JSON.stringify(resumed.failed)).toBe(true);
    expect(jobsNamed(cluster.sandbox, 'redis-restore-')).toHaveLength(restoreJobs);
    expect(appReplicas(cluster.sandbox)).toEqual(appDeployments);
  }, 120_000);

  it('--revert restores the safety snapshot and brings the remembered replicas back', async () => {
    const { o, report } = await failAtMigration();
    expect(report.stopped).toBe(true);
    const safety = report.state.safetySnapshots.redis as string;
    const fixed = await options({ migrationImage: 'registry.example.com/memory_system/migrate:v3' });
    const reverted = await runRestore({ ...fixed, statePath: o.statePath }, { mode: 'revert' });
    expect(reverted.ok, JSON.stringify(reverted.failed)).toBe(true);
    expect(reverted.state.steps.map((s) => s.id)).not.toContain('safety-snapshot');
    expect(reverted.state.snapshots.redis).toBe(safety);
    const last = jobsNamed(cluster.sandbox, 'redis-restore-').at(-1);
    const env = containerOf(last)?.env ?? [];
    expect(env.find((e) => e.name === 'RESTORE_SNAPSHOT')?.value).toBe(safety);
    expect(appReplicas(cluster.sandbox)).toEqual(appDeployments);
    expect(storeWorkloads()[redisSts]).toEqual({ replicas: 9, pods: 9 });
  }, 120_000);
});
