// Jobs that helm does not run: a Job made from a CronJob's jobTemplate now (what
// `kubectl create job --from=cronjob/NAME` does), a Job release-kit defines itself (the migration), and
// waiting for either to finish. Building the Job and reading its outcome are pure; the rest is API calls.
import { ApiException, type V1CronJob, type V1EnvVar, type V1Job } from '@kubernetes/client-node';
import { UserError } from '../errors.js';
import type { KubeClient } from './client.js';

export interface JobOutcome {
  name: string;
  status: 'succeeded' | 'failed';
  /** The Job's condition reason when it failed (BackoffLimitExceeded, DeadlineExceeded…). */
  reason?: string;
  message?: string;
  startedAt?: Date;
  finishedAt?: Date;
  durationSeconds?: number;
}

export interface JobOverrides {
  /** Environment set on every container (replacing an entry of the same name). */
  env?: Record<string, string>;
  labels?: Record<string, string>;
  /** Pod volume name -> the PersistentVolumeClaim it mounts instead of the template's claim. */
  claims?: Record<string, string>;
}

const MAX_NAME = 63;

/** `<base>-<suffix>` within the 63 characters a Job name (and its job-name label) may have. */
export function jobName(base: string, suffix: string): string {
  const room = MAX_NAME - suffix.length - 1;
  return `${base.slice(0, room).replace(/-+$/, '')}-${suffix}`;
}

/** A suffix from the time (UTC, to the second) and a short random part, so two runs never collide. */
export function runSuffix(now: Date, random: string): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${stamp}-${random}`.toLowerCase();
}

function withEnv(env: V1EnvVar[] | undefined, overrides: Record<string, string>): V1EnvVar[] {
  const out = (env ?? []).filter((e) => !(e.name in overrides));
  for (const [name, value] of Object.entries(overrides)) out.push({ name, value });
  return out;
}

/** The Job `kubectl create job NAME --from=cronjob/CRON` would create, plus the overrides. Pure. */
export function jobFromCronJob(cron: V1CronJob, name: string, o: JobOverrides = {}): V1Job {
  const template = structuredClone(cron.spec?.jobTemplate ?? {});
  const spec = template.spec;
  if (!spec?.template?.spec?.containers?.length) {
    throw new Error(`CronJob ${cron.metadata?.name} has no job template with containers`);
  }
  if (o.env) {
    for (const c of spec.template.spec.containers) c.env = withEnv(c.env, o.env);
  }
  for (const [volume, claimName] of Object.entries(o.claims ?? {})) {
    const volumes = spec.template.spec.volumes ?? [];
    const found = volumes.find((v) => v.name === volume);
    // A typo here would leave the template's claim mounted: the Job would write into the wrong volume.
    if (!found?.persistentVolumeClaim) {
      throw new Error(
        `CronJob ${cron.metadata?.name} has no pod volume "${volume}" backed by a PersistentVolumeClaim ` +
          `(its claim volumes: ${
            volumes
              .filter((v) => v.persistentVolumeClaim)
              .map((v) => v.name)
              .join(', ') || 'none'
          })`,
      );
    }
    found.persistentVolumeClaim = { ...found.persistentVolumeClaim, claimName };
  }
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: cron.metadata?.namespace,
      labels: { ...template.metadata?.labels, ...o.labels },
      annotations: { ...template.metadata?.annotations, 'cronjob.kubernetes.io/instantiate': 'manual' },
      // Owned by the CronJob like its scheduled Jobs: its history limits clean them up, and deleting the
      // CronJob deletes them.
      ...(cron.metadata?.uid
        ? {
            ownerReferences: [
              {
                apiVersion: 'batch/v1',
                kind: 'CronJob',
                name: cron.metadata.name ?? '',
                uid: cron.metadata.uid,
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec,
  };
}

/** Whether a Job has finished, and how, from its conditions; undefined while it runs. Pure. */
export function jobOutcome(job: V1Job): JobOutcome | undefined {
  const name = job.metadata?.name ?? '';
  const conditions = job.status?.conditions ?? [];
  const done = conditions.find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'));
  if (!done) return undefined;
  const startedAt = job.status?.startTime ? new Date(job.status.startTime) : undefined;
  const finishedAt = job.status?.completionTime
    ? new Date(job.status.completionTime)
    : done.lastTransitionTime
      ? new Date(done.lastTransitionTime)
      : undefined;
  return {
    name,
    status: done.type === 'Complete' ? 'succeeded' : 'failed',
    ...(done.type === 'Failed' && done.reason ? { reason: done.reason } : {}),
    ...(done.type === 'Failed' && done.message ? { message: done.message } : {}),
    ...(startedAt ? { startedAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
    ...(startedAt && finishedAt
      ? { durationSeconds: Math.max(0, (finishedAt.getTime() - startedAt.getTime()) / 1000) }
      : {}),
  };
}

const statusOf = (e: unknown): number | undefined => (e instanceof ApiException ? e.code : undefined);

export async function readCronJob(client: KubeClient, namespace: string, name: string): Promise<V1CronJob> {
  try {
    return await client.batch.readNamespacedCronJob({ name, namespace });
  } catch (e) {
    if (statusOf(e) === 404) {
      throw new UserError(
        `there is no CronJob ${name} in namespace ${namespace}`,
        'deploy the stores with backups enabled (release-kit deploy sets backup.enabled from the config) and check --env',
      );
    }
    throw e;
  }
}

export async function createJob(client: KubeClient, namespace: string, job: V1Job): Promise<string> {
  const created = await client.batch.createNamespacedJob({ namespace, body: job });
  return created.metadata?.name ?? job.metadata?.name ?? '';
}

/** Creates a Job from the CronJob's template now; returns the Job's name. */
export async function startJobFromCronJob(
  client: KubeClient,
  namespace: string,
  cronJobName: string,
  suffix: string,
  o: JobOverrides = {},
): Promise<string> {
  const cron = await readCronJob(client, namespace, cronJobName);
  return createJob(client, namespace, jobFromCronJob(cron, jobName(cronJobName, suffix), o));
}

export interface WaitOptions {
  timeoutMs: number;
  pollMs?: number;
}

/** Polls the Job until it completes or fails; a Job still running at the deadline is an error naming it. */
export async function waitForJob(
  client: KubeClient,
  namespace: string,
  name: string,
  o: WaitOptions,
): Promise<JobOutcome> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const outcome = jobOutcome(await client.batch.readNamespacedJob({ name, namespace }));
    if (outcome) return outcome;
    if (Date.now() > deadline) {
      throw new UserError(
        `Job ${name} in namespace ${namespace} did not finish within ${Math.round(o.timeoutMs / 1000)} s`,
        `look at its pods: kubectl -n ${namespace} logs job/${name}`,
      );
    }
    await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
  }
}
