// The restore step's Jobs: one per data volume of a store, each made from the store's suspended
// `<store>-restore` CronJob with its `data` volume pointed at one pod's PVC. Every PVC is read before any Job
// is created (a Job on a missing claim would hang Pending until the timeout); the Jobs then run together.
import { ApiException } from '@kubernetes/client-node';
import { UserError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { createJob, jobFromCronJob, jobName, readCronJob, waitForJob } from '../kube/jobs.js';
import { dataVolume, planVolumeRestores, type VolumeRestore, volumeEnv } from './volumes.js';

export interface RestoreJobsRequest {
  namespace: string;
  /** The restore CronJob of the store (`<store>-restore`). */
  cronJob: string;
  /** The Helm release whose StatefulSets hold the store's data. */
  release: string;
  /** Full snapshot id, handed to every Job as RESTORE_SNAPSHOT. */
  snapshot: string;
  /** StatefulSet -> replicas remembered by the stop step (they are at 0 now). */
  remembered: Readonly<Record<string, number>>;
  suffix: string;
  timeoutMs: number;
  /** Called with the names created so far, after each creation: a crash must not lose a Job. */
  onCreated: (jobs: string[]) => Promise<void>;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Runs a store's restore Jobs; resolves with a one-line account, or throws a UserError naming each failure. */
export async function runRestoreJobs(kube: KubeClient, r: RestoreJobsRequest): Promise<string> {
  const ns = r.namespace;
  const sets = await kube.apps.listNamespacedStatefulSet({
    namespace: ns,
    labelSelector: `app.kubernetes.io/instance=${r.release}`,
  });
  const volumes = planVolumeRestores(
    sets.items.map((s) => ({ name: s.metadata?.name ?? '', labels: s.metadata?.labels ?? {} })),
    r.remembered,
  );
  if (!volumes.length) throw new UserError(`release ${r.release} has no data volumes to restore in ${ns}`);
  await requireClaims(kube, ns, volumes);

  const cron = await readCronJob(kube, ns, r.cronJob);
  const jobs: string[] = [];
  for (const [k, v] of volumes.entries()) {
    const job = jobFromCronJob(cron, jobName(`${r.cronJob}-${k}`, r.suffix), {
      env: { RESTORE_SNAPSHOT: r.snapshot, ...volumeEnv(v) },
      claims: { [dataVolume]: v.claim },
    });
    jobs.push(await createJob(kube, ns, job));
    await r.onCreated([...jobs]);
  }
  const outcomes = await Promise.allSettled(
    jobs.map((job) => waitForJob(kube, ns, job, { timeoutMs: r.timeoutMs })),
  );
  const failures = outcomes.flatMap((o, i) => {
    const job = jobs[i] as string;
    const claim = volumes[i]?.claim;
    const logs = `kubectl -n ${ns} logs job/${job}`;
    // A Job still running at the deadline: waitForJob's message names it and the timeout.
    if (o.status === 'rejected') return [`${(o.reason as Error).message} (${claim}): ${logs}`];
    if (o.value.status === 'succeeded') return [];
    const why = o.value.reason ? ` (${o.value.reason}${o.value.message ? `: ${o.value.message}` : ''})` : '';
    return [`${job} (${claim}) failed${why}: ${logs}`];
  });
  if (failures.length) {
    throw new UserError(
      `${plural(failures.length, 'restore Job')} of ${jobs.length} did not succeed:\n  - ${failures.join('\n  - ')}`,
    );
  }
  const statefulSets = [...new Set(volumes.map((v) => v.statefulSet))].join(', ');
  return `${plural(jobs.length, 'Job')} (${jobs[0]} …) restored snapshot ${r.snapshot.slice(0, 8)} into ${plural(volumes.length, 'data volume')} of ${statefulSets}`;
}

async function requireClaims(kube: KubeClient, ns: string, volumes: readonly VolumeRestore[]): Promise<void> {
  const missing: string[] = [];
  for (const v of volumes) {
    try {
      await kube.core.readNamespacedPersistentVolumeClaim({ name: v.claim, namespace: ns });
    } catch (e) {
      if (!(e instanceof ApiException && e.code === 404)) throw e;
      missing.push(`${v.claim} (of pod ${v.pod})`);
    }
  }
  if (!missing.length) return;
  const one = missing.length === 1;
  throw new UserError(
    `no restore Job was started: PersistentVolumeClaim${one ? '' : 's'} ${missing.join(', ')} ${one ? 'does' : 'do'} not exist in ${ns}. ` +
      `Recreate ${one ? 'it' : 'them'} (a StatefulSet creates a pod's claim when the pod starts), then --resume`,
  );
}
