// The pure parts of the cluster-side backup: Jobs made from CronJobs, Job outcomes, scale targets, store
// selection, restic diff statistics and the summary table.
import type { V1CronJob, V1Deployment, V1Job } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { backupTable, selectStores } from '../../src/backup/pipeline/index.js';
import { parseDiffStatistics } from '../../src/backup/restic-output.js';
import type { ReleaseConfig } from '../../src/config/types.js';
import { jobFromCronJob, jobName, jobOutcome, runSuffix } from '../../src/kube/jobs.js';
import { reachedReplicas } from '../../src/kube/scale.js';

const cron: V1CronJob = {
  metadata: { name: 'redis-restore', namespace: 'ms', uid: 'u-1' },
  spec: {
    schedule: '0 0 31 2 *',
    jobTemplate: {
      metadata: { labels: { 'release-kit.dev/job': 'restore' } },
      spec: {
        backoffLimit: 0,
        template: {
          spec: {
            restartPolicy: 'Never',
            containers: [
              {
                name: 'restore',
                image: 'runner',
                env: [
                  { name: 'RESTORE_SNAPSHOT', value: '' },
                  { name: 'A', value: 'a' },
                ],
              },
            ],
          },
        },
      },
    },
  },
};

describe('jobFromCronJob', () => {
  it('is the job template, owned by the CronJob, marked manual, with the environment overridden', () => {
    const job = jobFromCronJob(cron, 'redis-restore-x', { env: { RESTORE_SNAPSHOT: 'abc' } });
    expect(job.metadata).toMatchObject({
      name: 'redis-restore-x',
      namespace: 'ms',
      labels: { 'release-kit.dev/job': 'restore' },
      annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [{ kind: 'CronJob', name: 'redis-restore', uid: 'u-1', controller: true }],
    });
    expect(job.spec?.template.spec?.containers[0]?.env).toEqual([
      { name: 'A', value: 'a' },
      { name: 'RESTORE_SNAPSHOT', value: 'abc' },
    ]);
    // The CronJob itself is not changed.
    expect(cron.spec?.jobTemplate.spec?.template.spec?.containers[0]?.env?.[0]).toEqual({
      name: 'RESTORE_SNAPSHOT',
      value: '',
    });
  });

  it('refuses a CronJob without containers', () => {
    expect(() =>
      jobFromCronJob({ metadata: { name: 'x' }, spec: { schedule: '', jobTemplate: {} } }, 'x-1'),
    ).toThrow('CronJob x has no job template with containers');
  });

  it('names Jobs within 63 characters and uniquely per run', () => {
    const suffix = runSuffix(new Date('2026-03-01T02:03:04.567Z'), 'BEEF');
    expect(suffix).toBe('20260301020304-beef');
    expect(jobName('redis-backup', suffix)).toBe('redis-backup-20260301020304-beef');
    expect(jobName('a'.repeat(80), suffix)).toHaveLength(63);
  });
});

describe('jobOutcome', () => {
  const job = (
    conditions: NonNullable<V1Job['status']>['conditions'],
    extra: V1Job['status'] = {},
  ): V1Job => ({
    metadata: { name: 'j' },
    status: { startTime: new Date('2026-01-01T00:00:00Z'), ...extra, conditions },
  });

  it('is undefined while the Job runs', () => {
    expect(jobOutcome(job([]))).toBeUndefined();
    expect(jobOutcome(job([{ type: 'Complete', status: 'False' }]))).toBeUndefined();
  });

  it('succeeded with its duration, or failed with the reason', () => {
    expect(
      jobOutcome(
        job([{ type: 'Complete', status: 'True' }], { completionTime: new Date('2026-01-01T00:01:30Z') }),
      ),
    ).toMatchObject({ status: 'succeeded', durationSeconds: 90 });
    expect(
      jobOutcome(
        job([
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
        ]),
      ),
    ).toMatchObject({
      status: 'failed',
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    });
  });
});

describe('reachedReplicas', () => {
  const d = (status: V1Deployment['status'], generation = 2, observed = 2): V1Deployment => ({
    metadata: { generation },
    status: { observedGeneration: observed, ...status },
  });
  it('0: no pods left; n: n pods of the current template ready; never before the controller saw the change', () => {
    expect(reachedReplicas(d({ replicas: 0 }), 0)).toBe(true);
    expect(reachedReplicas(d({ replicas: 1 }), 0)).toBe(false);
    expect(reachedReplicas(d({ replicas: 3, readyReplicas: 3, updatedReplicas: 3 }), 3)).toBe(true);
    expect(reachedReplicas(d({ replicas: 3, readyReplicas: 2, updatedReplicas: 3 }), 3)).toBe(false);
    expect(reachedReplicas(d({ replicas: 0 }, 3, 2), 0)).toBe(false);
  });
});

describe('selectStores', () => {
  const config = {
    stores: {
      redis: { image: 'r', port: 1 },
      neo4j: { image: 'n', port: 2 },
      faiss: { image: 'f', port: 3, external: { host: 'x' } },
    },
  } as unknown as ReleaseConfig;

  it('defaults to the in-cluster stores; managed ones are not backed up', () => {
    expect(selectStores(config)).toEqual(['neo4j', 'redis']);
    expect(selectStores(config, ['redis'])).toEqual(['redis']);
  });

  it('names a store that is unknown or managed, and lists the choices', () => {
    expect(() => selectStores(config, ['faiss'])).toThrow(/store "faiss" is managed \(external\)/);
    expect(() => selectStores(config, ['redis', 'mongo'])).toThrow(
      /store "mongo" is not an in-cluster store/,
    );
  });
});

describe('restic diff and the summary table', () => {
  it('reads what a snapshot added from `restic diff --json`', () => {
    const out = [
      '{"message_type":"change","path":"/b","modifier":"+"}',
      '{"message_type":"statistics","source_snapshot":"a","target_snapshot":"b","changed_files":0,"added":{"files":1,"dirs":0,"others":0,"data_blobs":1,"tree_blobs":1,"bytes":691},"removed":{"files":0,"dirs":0,"others":0,"data_blobs":0,"tree_blobs":1,"bytes":350}}',
    ].join('\n');
    expect(parseDiffStatistics(out)).toEqual({ addedFiles: 1, addedBytes: 691, removedBytes: 350 });
    expect(() => parseDiffStatistics('{"message_type":"change"}')).toThrow(
      /a diff without a statistics line/,
    );
  });

  it('one row per store: snapshot, size added, files, duration, verified (or why not)', () => {
    expect(
      backupTable([
        {
          store: 'redis',
          snapshot: '0123abcd',
          dataAdded: 2048,
          files: 3,
          durationSeconds: 12.34,
          verified: true,
          problems: [],
        },
        {
          store: 'neo4j',
          job: 'neo4j-backup-1',
          verified: false,
          problems: ['Job neo4j-backup-1 failed (BackoffLimitExceeded)'],
        },
      ]),
    ).toEqual([
      ['redis', '0123abcd', '2.0 KiB', '3', '12.3 s', 'yes'],
      ['neo4j', '—', '—', '—', '—', 'no: Job neo4j-backup-1 failed (BackoffLimitExceeded)'],
    ]);
  });
});
