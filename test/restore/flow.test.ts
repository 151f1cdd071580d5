// The restore flow against the simulated cluster (example, staging: app tiers at 3/2/2) with a real restic
// repository: validation stops a bad backup before anything is scaled down; the full flow restores every
// store with one restore Job per data volume (each mounting its pod's PVC) and brings the replicas back; a
// missing PVC or failed restore Jobs stop the restore step; a failure after "stop" keeps services stopped and
// can be resumed or reverted to the safety snapshot.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreSnapshot } from '../../src/backup/restore-snapshot.js';
import { commitBackup, prepareStage, snapshotHost } from '../../src/backup/stage.js';
import { snapshotTags } from '../../src/backup/tags.js';
import { loadReleaseConfig } from '../../src/config/index.js';
import { planRelease } from '../../src/plan/index.js';
import { type RestoreOptions, readState, runRestore } from '../../src/restore/index.js';
import { behaviourAnnotation } from '../../src/sandbox/index.js';
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
    spec: {
      containers: { image: string; command?: string[]; env?: { name: string; value?: string }[] }[];
      volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
    };
  };
}
const containerOf = (job: { spec?: unknown } | undefined) =>
  (job?.spec as JobSpec | undefined)?.template.spec.containers[0];
/** The PVCs a Job's pod mounts. */
const claimsOf = (job: { spec?: unknown }) =>
  ((job.spec as JobSpec).template.spec.volumes ?? []).flatMap((v) =>
    v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [],
  );
const envOf = (job: { spec?: unknown }) =>
  Object.fromEntries((containerOf(job)?.env ?? []).map((e) => [e.name, e.value]));

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

async function options(
  o: { repo?: TestRepository; migrationImage?: string; readDataSubset?: string } = {},
): Promise<RestoreOptions> {
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
    // The shared repository grows with every test: re-reading all of it each run would dominate the time.
    readDataSubset: o.readDataSubset ?? '10%',
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
 * What the cluster looked like when the first Job whose name matches appeared (the moment a restore Job's
 * pod starts writing into the data volumes): the app tiers' replicas and the stores' StatefulSets.
 */
function whenJobAppears(name: RegExp) {
  let seen: { app: Record<string, number>; stores: ReturnType<typeof storeWorkloads> } | undefined;
  const matching = () => cluster.sandbox.list('Job', namespace).filter((j) => name.test(j.metadata.name));
  const earlier = new Set(matching().map((j) => j.metadata.name));
  const timer = setInterval(() => {
    if (!seen && matching().some((j) => !earlier.has(j.metadata.name)))
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

/**
 * A backup of a store the test runs no server of, committed as its runner would: files and a manifest with
 * the store's details (FAISS: 3 shards; Neo4j: one database). The restore flow treats it like any other.
 */
async function commitStandInBackup(store: 'faiss' | 'neo4j'): Promise<string> {
  const stage = await mkdtemp(join(cluster.dir, `stand-in-${store}-`));
  await prepareStage(stage);
  const details =
    store === 'faiss'
      ? {
          faiss: {
            shards: await Promise.all(
              ['0', '1', '2'].map(async (shard) => {
                await mkdir(join(stage, `shard-${shard}`));
                await writeFile(
                  join(stage, `shard-${shard}`, 'index.faiss'),
                  `index of shard ${shard} ${Date.now()}`,
                );
                return {
                  shard,
                  replica: `http://faiss-shard-${shard}-0:8080`,
                  snapshot: 's',
                  ntotal: 1,
                  files: ['index.faiss'],
                };
              }),
            ),
          },
        }
      : {
          neo4j: { database: 'neo4j', from: 'neo4j-core-0:6362', backupType: 'full' as const },
        };
  if (store === 'neo4j') await writeFile(join(stage, 'neo4j.backup'), `neo4j backup ${Date.now()}`);
  const { summary } = await commitBackup(
    stage,
    { versions: {}, counts: {}, ...details },
    {
      restic: cluster.repo.restic,
      labels: { store, environment: namespace, kind: 'data' },
      type: 'full',
    },
  );
  await rm(stage, { recursive: true, force: true });
  return summary.snapshotId;
}

/** Plays the pod of every Job from CronJob <store>-backup created after the call with a stand-in backup. */
function playStandInBackupJobs(store: 'faiss' | 'neo4j') {
  const earlier = new Set(jobsNamed(cluster.sandbox, `${store}-backup-`).map((j) => j.metadata.name));
  let running = true;
  let failure: unknown;
  const loop = (async () => {
    while (running) {
      for (const job of jobsNamed(cluster.sandbox, `${store}-backup-`)) {
        if (earlier.has(job.metadata.name)) continue;
        earlier.add(job.metadata.name);
        await commitStandInBackup(store).catch((e) => {
          failure ??= e;
        });
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      if (failure) throw failure;
    },
  };
}

/** The restore Jobs a run (by its Job name suffix) created, oldest first. */
const restoreJobsOf = (suffix: string) =>
  cluster.sandbox
    .list('Job', namespace)
    .filter((j) => new RegExp(`^(faiss|neo4j|redis)-restore-\\d+-${suffix}$`).test(j.metadata.name));

const releaseOf = (store: string) =>
  planRelease(cluster.config).releases.find((r) => r.component === store)?.release;

/** The PVCs of the pods a store's StatefulSets ran before the restore, each one checked to exist. */
function storeClaims(store: string, replicas: Record<string, number>): string[] {
  const existing = new Set(
    cluster.sandbox.list('PersistentVolumeClaim', namespace).map((c) => c.metadata.name),
  );
  const claims = cluster.sandbox
    .list('StatefulSet', namespace)
    .filter((s) => s.metadata.labels?.['app.kubernetes.io/instance'] === releaseOf(store))
    .flatMap((s) =>
      Array.from({ length: replicas[s.metadata.name] ?? 0 }, (_, i) => `data-${s.metadata.name}-${i}`),
    );
  for (const c of claims) expect(existing, c).toContain(c);
  return claims.sort();
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
      const report = await runRestore(await options({ repo, readDataSubset: '100%' }), {
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
  it('runs every step in order for every store: safety snapshots, scale to 0, one restore Job per data volume, stores back, verify, migration, test, scale back to 3/2/2', async () => {
    const good = await runRedisBackupJob(cluster);
    const standIns = { faiss: await commitStandInBackup('faiss'), neo4j: await commitStandInBackup('neo4j') };
    const storesBefore = storeWorkloads();
    const players = [playStandInBackupJobs('faiss'), playStandInBackupJobs('neo4j')];
    const player = playBackupJobs(cluster, 'redis');
    const watch = watchReplicas();
    const duringRestore = whenJobAppears(/^(faiss|neo4j|redis)-restore-/);
    const o = await options({ migrationImage: 'registry.example.com/memory_system/migrate:v1' });
    const report = await runRestore(o, { mode: 'restore', snapshot: 'latest' });
    const lowest = watch.stop();
    const during = duringRestore.stop();
    await player.stop();
    for (const p of players) await p.stop();

    expect(report.failed, JSON.stringify(report.failed)).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(report.state.stores).toEqual(['faiss', 'neo4j', 'redis']);
    expect(report.state.steps.map((s) => [s.id, s.status])).toEqual([
      ['validate', 'done'],
      ['safety-snapshot', 'done'],
      ['stop', 'done'],
      ['restore:faiss', 'done'],
      ['restore:neo4j', 'done'],
      ['restore:redis', 'done'],
      ['start-stores', 'done'],
      ['verify', 'done'],
      ['migrate', 'done'],
      ['test', 'done'],
      ['start', 'done'],
    ]);
    // While the restore Jobs ran, the app tiers and every store StatefulSet were at 0 with no pods left
    // (nothing could overwrite the restored files or hold a volume).
    expect(during?.app).toEqual({ 'api-deployment': 0, memory: 0, storage: 0 });
    expect(during?.stores).toEqual(
      Object.fromEntries(Object.keys(storesBefore).map((n) => [n, { replicas: 0, pods: 0 }])),
    );
    expect(storeWorkloads()).toEqual(storesBefore);
    const remembered = Object.fromEntries(Object.entries(storesBefore).map(([n, w]) => [n, w.replicas]));
    expect(remembered).toEqual({
      'faiss-shard-0': 2,
      'faiss-shard-1': 2,
      'faiss-shard-2': 2,
      'neo4j-core': 3,
      'neo4j-replica': 2,
      [redisSts]: 9,
    });
    expect(report.state.storeReplicas).toEqual(remembered);
    // Every app tier went to 0 and came back to its manual replica count.
    expect(lowest).toEqual({ 'api-deployment': 0, memory: 0, storage: 0 });
    expect(appReplicas(cluster.sandbox)).toEqual(appDeployments);
    expect(report.state.replicas).toEqual(appDeployments);
    // The newest snapshot of each store before the run was restored; the safety snapshots are new ones.
    expect(report.state.snapshots.redis?.startsWith(good)).toBe(true);
    expect(report.state.snapshots.faiss?.startsWith(standIns.faiss)).toBe(true);
    expect(report.state.snapshots.neo4j?.startsWith(standIns.neo4j)).toBe(true);
    for (const store of report.state.stores) {
      expect(report.state.safetySnapshots[store]).toBeDefined();
      expect(report.state.safetySnapshots[store]).not.toBe(report.state.snapshots[store]);
    }
    expect(player.played).toHaveLength(1);

    // One restore Job per pod the store ran: each mounts exactly one PVC, the pod's; together they cover
    // every data PVC of the store's StatefulSets exactly once.
    const jobs = restoreJobsOf(o.suffix);
    const byStore = (store: string) => jobs.filter((j) => j.metadata.name.startsWith(`${store}-restore-`));
    for (const [store, count] of [
      ['redis', 9],
      ['faiss', 6],
      ['neo4j', 5],
    ] as const) {
      const storeJobs = byStore(store);
      expect(storeJobs, store).toHaveLength(count);
      expect(storeJobs.map((j) => j.metadata.name).sort()).toEqual(
        [...(report.state.jobs[store] ?? [])].sort(),
      );
      for (const job of storeJobs) expect(claimsOf(job), job.metadata.name).toHaveLength(1);
      expect(storeJobs.flatMap(claimsOf).sort()).toEqual(storeClaims(store, remembered));
      for (const job of storeJobs) {
        const [claim] = claimsOf(job);
        const env = envOf(job);
        expect(env.RESTORE_SNAPSHOT).toBe(report.state.snapshots[store]);
        expect(`data-${env.RESTORE_POD}`).toBe(claim);
        // The FAISS runner writes the shard of the StatefulSet the pod belongs to.
        expect(env.RESTORE_SHARD).toBe(
          store === 'faiss' ? /^data-faiss-shard-(\d+)-\d+$/.exec(claim ?? '')?.[1] : undefined,
        );
        expect(job.metadata.ownerReferences?.[0]).toMatchObject({
          kind: 'CronJob',
          name: `${store}-restore`,
        });
      }
    }
    expect(jobs).toHaveLength(20);
    expect(report.state.steps.find((s) => s.id === 'restore:faiss')?.message).toMatch(
      /^6 Jobs \(faiss-restore-0-\S+ …\) restored snapshot \w{8} into 6 data volumes of faiss-shard-0, faiss-shard-1, faiss-shard-2$/,
    );

    const [migration] = jobsNamed(cluster.sandbox, 'memory-system-migrate-');
    expect(containerOf(migration)).toMatchObject({
      image: 'registry.example.com/memory_system/migrate:v1',
      command: ['migrate', 'up'],
    });
    expect(report.state.steps.find((s) => s.id === 'stop')?.message).toBe(
      `scaled api-deployment 3->0, memory 2->0, storage 2->0, ${Object.entries(remembered)
        .map(([n, r]) => `${n} ${r}->0`)
        .join(', ')}`,
    );
    const saved = await readState(o.statePath);
    expect(saved?.finished).toBe(true);
  }, 240_000);

  it('failed restore Jobs are all named; a missing data PVC fails the step before any Job is created; --resume restores every volume', async () => {
    await commitStandInBackup('faiss');
    const player = playStandInBackupJobs('faiss');
    try {
      // The restore Jobs' pods crash: the step names every failed Job with its logs command.
      const template = cluster.sandbox.get('CronJob', namespace, 'faiss-restore');
      if (!template) throw new Error('no faiss-restore CronJob');
      const crashing = structuredClone(template);
      const pod = (crashing.spec as { jobTemplate: { spec: { template: { metadata?: object } } } })
        .jobTemplate.spec.template;
      pod.metadata = { ...pod.metadata, annotations: { [behaviourAnnotation]: 'crash' } };
      cluster.sandbox.apply(crashing);
      const o = await options();
      const failed = await runRestore(o, { mode: 'restore', snapshot: 'latest', stores: ['faiss'] });
      cluster.sandbox.apply(template);
      expect(failed.failed?.id).toBe('restore:faiss');
      expect(failed.stopped).toBe(true);
      const crashed = restoreJobsOf(o.suffix);
      expect(crashed).toHaveLength(6);
      expect(failed.failed?.message?.split('\n')).toEqual([
        '6 restore Jobs of 6 did not succeed:',
        ...crashed.map(
          (j) =>
            `  - ${j.metadata.name} (${claimsOf(j)[0]}) failed (BackoffLimitExceeded: Job has reached the specified backoff limit): kubectl -n ${namespace} logs job/${j.metadata.name}`,
        ),
      ]);
      expect(failed.state.jobs.faiss).toEqual(crashed.map((j) => j.metadata.name));

      // A data PVC goes missing while the StatefulSets are at 0: the resumed step creates no Job.
      const missing = 'data-faiss-shard-1-1';
      const claim = cluster.sandbox.get('PersistentVolumeClaim', namespace, missing);
      if (!claim) throw new Error(`no PVC ${missing}`);
      await cluster.kube.core.deleteNamespacedPersistentVolumeClaim({ name: missing, namespace });
      const blocked = await options();
      const report = await runRestore({ ...blocked, statePath: o.statePath }, { mode: 'resume' });
      expect(report.failed?.id).toBe('restore:faiss');
      expect(report.failed?.message).toBe(
        `no restore Job was started: PersistentVolumeClaim ${missing} (of pod faiss-shard-1-1) does not exist in ${namespace}. ` +
          "Recreate it (a StatefulSet creates a pod's claim when the pod starts), then --resume",
      );
      expect(restoreJobsOf(blocked.suffix)).toEqual([]);
      expect(report.resumeCommand).toContain('--resume');

      // The operator recreates the claim and resumes: a new run, with its own Job names, covering every volume.
      await cluster.kube.core.createNamespacedPersistentVolumeClaim({
        namespace,
        body: { metadata: { name: missing, labels: claim.metadata.labels ?? {} }, spec: claim.spec ?? {} },
      });
      const again = await options();
      const resumed = await runRestore({ ...again, statePath: o.statePath }, { mode: 'resume' });
      expect(resumed.ok, JSON.stringify(resumed.failed)).toBe(true);
      const jobs = restoreJobsOf(again.suffix);
      expect(jobs.flatMap(claimsOf).sort()).toEqual(storeClaims('faiss', resumed.state.storeReplicas ?? {}));
      expect(jobs.flatMap(claimsOf)).toContain(missing);
      expect(resumed.state.jobs.faiss).toEqual(jobs.map((j) => j.metadata.name));
      expect(appReplicas(cluster.sandbox)).toEqual(appDeployments);
    } finally {
      await player.stop();
    }
  }, 240_000);
});

describe('a failure after "stop"', () => {
  // Each test restores the latest backup: take one here so neither depends on the tests before it.
  beforeAll(async () => {
    await runRedisBackupJob(cluster);
  }, 60_000);

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
  }, 240_000);

  it('--revert restores the safety snapshot and brings the remembered replicas back', async () => {
    const { o, report } = await failAtMigration();
    expect(report.stopped).toBe(true);
    const safety = report.state.safetySnapshots.redis as string;
    const fixed = await options({ migrationImage: 'registry.example.com/memory_system/migrate:v3' });
    const reverted = await runRestore({ ...fixed, statePath: o.statePath }, { mode: 'revert' });
    expect(reverted.ok, JSON.stringify(reverted.failed)).toBe(true);
    expect(reverted.state.steps.map((s) => s.id)).not.toContain('safety-snapshot');
    expect(reverted.state.snapshots.redis).toBe(safety);
    // The revert run's Jobs (one per redis node) restore the safety snapshot.
    const jobs = restoreJobsOf(fixed.suffix);
    expect(jobs).toHaveLength(9);
    for (const job of jobs) expect(envOf(job).RESTORE_SNAPSHOT).toBe(safety);
    expect(appReplicas(cluster.sandbox)).toEqual(appDeployments);
    expect(storeWorkloads()[redisSts]).toEqual({ replicas: 9, pods: 9 });
  }, 240_000);
});
