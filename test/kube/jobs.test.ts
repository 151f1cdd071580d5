// jobFromCronJob pointing a pod volume of the CronJob's template at another PVC: how one restore template
// becomes one Job per data volume.
import type { V1CronJob } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { jobFromCronJob } from '../../src/kube/jobs.js';

const cron: V1CronJob = {
  metadata: { name: 'faiss-restore', namespace: 'ms', uid: 'u-1' },
  spec: {
    schedule: '0 0 31 2 *',
    jobTemplate: {
      spec: {
        template: {
          spec: {
            restartPolicy: 'Never',
            containers: [
              {
                name: 'restore',
                image: 'runner',
                volumeMounts: [
                  { name: 'stage', mountPath: '/stage' },
                  { name: 'data', mountPath: '/data' },
                ],
              },
            ],
            volumes: [
              { name: 'stage', emptyDir: {} },
              { name: 'data', persistentVolumeClaim: { claimName: 'data-faiss-shard-0-0', readOnly: false } },
            ],
          },
        },
      },
    },
  },
};

describe('jobFromCronJob claims', () => {
  it("mounts the named volume from the given PVC, keeping the template's other volumes and the CronJob as it was", () => {
    const job = jobFromCronJob(cron, 'faiss-restore-3-x', {
      env: { RESTORE_SHARD: '1' },
      claims: { data: 'data-faiss-shard-1-1' },
    });
    expect(job.spec?.template.spec?.volumes).toEqual([
      { name: 'stage', emptyDir: {} },
      { name: 'data', persistentVolumeClaim: { claimName: 'data-faiss-shard-1-1', readOnly: false } },
    ]);
    expect(job.spec?.template.spec?.containers[0]?.volumeMounts).toContainEqual({
      name: 'data',
      mountPath: '/data',
    });
    expect(cron.spec?.jobTemplate.spec?.template.spec?.volumes?.[1]?.persistentVolumeClaim?.claimName).toBe(
      'data-faiss-shard-0-0',
    );
  });

  it('refuses a volume the template does not have, or one that is not a PVC, naming its claim volumes', () => {
    expect(() => jobFromCronJob(cron, 'x-1', { claims: { dta: 'data-faiss-shard-1-1' } })).toThrow(
      'CronJob faiss-restore has no pod volume "dta" backed by a PersistentVolumeClaim (its claim volumes: data)',
    );
    expect(() => jobFromCronJob(cron, 'x-1', { claims: { stage: 'data-faiss-shard-1-1' } })).toThrow(
      /no pod volume "stage" backed by a PersistentVolumeClaim/,
    );
  });
});
