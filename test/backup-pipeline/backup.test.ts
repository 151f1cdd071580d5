// `backup data` and `backup config` against the simulated cluster (example, staging) with a real restic
// repository: the redis backup Job is triggered from its CronJob and its snapshot collected, retention
// applied, the snapshot verified; a Job that fails or stores nothing is reported per store; the config
// snapshot holds every release's values, manifest and history and the release configuration.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configStore, runConfigBackup, runDataBackup } from '../../src/backup/pipeline/index.js';
import { restoreSnapshot } from '../../src/backup/restore-snapshot.js';
import { selectorTags } from '../../src/backup/tags.js';
import { type Cluster, jobsNamed, namespace, playBackupJobs, seedRedis, startCluster } from './harness.js';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster();
  await seedRedis(cluster.redis, { 'k:1': 'one', 'k:2': 'two' });
}, 180_000);
afterAll(async () => {
  await cluster?.stop();
});

const dataBackup = (stores: string[], suffix: string, snapshotWaitMs = 20_000) =>
  runDataBackup({
    config: cluster.config,
    kube: cluster.kube,
    restic: cluster.repo.restic,
    stores,
    suffix,
    jobTimeoutMs: 30_000,
    snapshotWaitMs,
    readDataSubset: '100%',
  });

describe('backup data', () => {
  it('runs the backup Job from its CronJob, collects the snapshot, applies retention and verifies it', async () => {
    const player = playBackupJobs(cluster, 'redis');
    const result = await dataBackup(['redis'], 'd1');
    await player.stop();
    expect(result.ok, JSON.stringify(result.rows)).toBe(true);
    const [row] = result.rows;
    expect(row).toMatchObject({ store: 'redis', job: 'redis-backup-d1', verified: true, problems: [] });
    expect(row?.files).toBeGreaterThanOrEqual(2); // the dump and nodes.json
    expect(row?.dataAdded).toBeGreaterThan(0);
    expect(row?.durationSeconds).toBeGreaterThanOrEqual(0);
    const [snapshot] = await cluster.repo.restic.snapshots(selectorTags('data', namespace, 'redis'));
    expect(snapshot?.shortId).toBe(row?.snapshot);
    // The Job is the CronJob's template, created now.
    const [job] = jobsNamed(cluster.sandbox, 'redis-backup-d1');
    expect(job?.metadata.annotations?.['cronjob.kubernetes.io/instantiate']).toBe('manual');
    expect(result.retention.map((r) => r.kind)).toEqual(['data', 'config']);
    expect(result.check?.ok).toBe(true);
    expect(result.freshness.redis?.status).toBe('fresh');
  }, 90_000);

  it('a second run builds on the first; retention keeps one snapshot per day', async () => {
    const [before] = await cluster.repo.restic.snapshots(selectorTags('data', namespace, 'redis'));
    await seedRedis(cluster.redis, { 'k:3': 'three' });
    const player = playBackupJobs(cluster, 'redis');
    const result = await dataBackup(['redis'], 'd2');
    await player.stop();
    expect(result.ok, JSON.stringify(result.rows)).toBe(true);
    const row = result.rows[0];
    expect(row?.dataAdded).toBeGreaterThan(0);
    // keep-daily 7: both runs are of today, so only the newer one stays.
    const snapshots = await cluster.repo.restic.snapshots(selectorTags('data', namespace, 'redis'));
    expect(snapshots.map((s) => s.shortId)).toEqual([row?.snapshot]);
    expect(snapshots[0]?.parent).toBe(before?.id);
    expect(result.retention.find((r) => r.kind === 'data')?.removed).toBe(1);
  }, 90_000);

  it('a Job that completes without storing a snapshot, and a failing Job, are failures of their store', async () => {
    // neo4j's Job "runs" in the simulation but nothing plays it; faiss's Job crashes.
    const faiss = cluster.sandbox.get('CronJob', namespace, 'faiss-backup');
    if (!faiss) throw new Error('the faiss-backup CronJob is not deployed');
    // biome-ignore lint/suspicious/noExplicitAny: editing a stored object in place
    const template = (faiss.spec as any).jobTemplate.spec.template;
    template.metadata.annotations = { 'sandbox.release-kit.dev/behaviour': 'crash' };
    cluster.sandbox.apply(faiss);
    const result = await dataBackup(['faiss', 'neo4j'], 'd3', 1_500);
    expect(result.ok).toBe(false);
    const [faissRow, neo4jRow] = result.rows;
    expect(faissRow).toMatchObject({ store: 'faiss', verified: false });
    expect(faissRow?.problems[0]).toMatch(/^Job faiss-backup-d3 failed \(BackoffLimitExceeded/);
    expect(neo4jRow?.problems).toEqual([
      `Job neo4j-backup-d3 completed, but no new snapshot tagged store=neo4j,env=${namespace} is in ${cluster.repo.repository}`,
    ]);
    // Neither store ever had a good backup: the alert says one is overdue.
    expect(result.freshness.neo4j?.status).toBe('missing');
  }, 90_000);
});

describe('backup config', () => {
  it("stores every release's values, manifest and history and the config file as a full config snapshot", async () => {
    const result = await runConfigBackup({
      config: cluster.config,
      configFile: cluster.configFile,
      helm: cluster.helm,
      restic: cluster.repo.restic,
    });
    expect(result.missing).toEqual([]);
    expect(result.releases).toHaveLength(7);
    expect(result.row).toMatchObject({ store: configStore, verified: true, problems: [] });
    const [snapshot] = await cluster.repo.restic.snapshots(selectorTags('config', namespace));
    expect(snapshot?.shortId).toBe(result.row.snapshot);
    const copy = await restoreSnapshot(
      cluster.repo.restic,
      snapshot?.id as string,
      join(cluster.dir, 'config-copy'),
    );
    expect(copy.problems).toEqual([]);
    expect(copy.manifest).toMatchObject({ kind: 'config', type: 'full', counts: { releases: 7 } });
    expect((await readdir(join(copy.dir, 'releases'))).sort()).toEqual(
      ['api', 'faiss', 'gateway', 'memory', 'neo4j', 'redis', 'storage'].map((c) => `memory-system-${c}`),
    );
    const api = join(copy.dir, 'releases', 'memory-system-api');
    expect(await readFile(join(api, 'values.yaml'), 'utf8')).toContain('replicas: 3');
    expect(await readFile(join(api, 'manifest.yaml'), 'utf8')).toContain('name: api-deployment');
    expect(JSON.parse(await readFile(join(api, 'history.json'), 'utf8'))[0]).toMatchObject({
      revision: 1,
      status: 'deployed',
    });
    expect(
      await readFile(join(copy.dir, `release-config-${cluster.configFile.split('/').at(-1)}`), 'utf8'),
    ).toContain('name: memory-system');
  }, 90_000);
});
