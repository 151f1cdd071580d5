// Runs the stores' backup Jobs now (from their CronJobs) and finds the snapshot each one stored. The Job runs
// the backup runner in the cluster; release-kit only sees its outcome and the repository, so a Job's snapshot
// is the new snapshot of its store that was not in the repository before the Jobs started.
import type { KubeClient } from '../../kube/client.js';
import { type JobOutcome, startJobFromCronJob, waitForJob } from '../../kube/jobs.js';
import { log } from '../../log.js';
import type { Restic } from '../restic.js';
import type { Snapshot } from '../restic-output.js';
import { labelsOf, selectorTags } from '../tags.js';
import { backupCronJob } from './scope.js';

export interface StoreBackupRun {
  store: string;
  job?: string;
  outcome?: JobOutcome;
  snapshot?: Snapshot;
  /** Why this store has no new snapshot; undefined when it has one. */
  problem?: string;
}

export interface StoreBackupOptions {
  kube: KubeClient;
  restic: Restic;
  namespace: string;
  /** The env=<label> the Jobs tag snapshots with. */
  environment: string;
  stores: readonly string[];
  /** Makes the Job names unique (runSuffix). */
  suffix: string;
  jobTimeoutMs: number;
  /**
   * How long to keep looking for a finished Job's snapshot: a repository on an object store may list a new
   * snapshot a moment after the runner wrote it.
   */
  snapshotWaitMs?: number;
}

const describeFailure = (o: JobOutcome): string =>
  `Job ${o.name} failed${o.reason ? ` (${o.reason}${o.message ? `: ${o.message}` : ''})` : ''}`;

export async function runStoreBackups(o: StoreBackupOptions): Promise<StoreBackupRun[]> {
  const tags = selectorTags('data', o.environment);
  const before = new Set((await o.restic.snapshots(tags)).map((s) => s.id));
  const runs: StoreBackupRun[] = [];
  for (const store of o.stores) {
    try {
      const job = await startJobFromCronJob(o.kube, o.namespace, backupCronJob(store), o.suffix);
      log.info(`${store}: started backup Job ${job}`);
      runs.push({ store, job });
    } catch (e) {
      runs.push({ store, problem: `cannot start its backup Job: ${(e as Error).message}` });
    }
  }
  // The Jobs run in parallel in the cluster; wait for each in turn.
  for (const run of runs) {
    if (!run.job) continue;
    run.outcome = await waitForJob(o.kube, o.namespace, run.job, { timeoutMs: o.jobTimeoutMs });
    if (run.outcome.status === 'failed') run.problem = describeFailure(run.outcome);
  }
  const waitUntil = Date.now() + (o.snapshotWaitMs ?? 30_000);
  for (;;) {
    const fresh = (await o.restic.snapshots(tags)).filter((s) => !before.has(s.id));
    for (const run of runs) {
      if (run.problem || run.snapshot) continue;
      run.snapshot = fresh.filter((s) => labelsOf(s.tags)?.store === run.store).at(-1);
    }
    const missing = runs.filter((r) => !r.problem && !r.snapshot);
    if (missing.length === 0 || Date.now() > waitUntil) {
      for (const run of missing) {
        run.problem = `Job ${run.job} completed, but no new snapshot tagged store=${run.store},env=${o.environment} is in ${o.restic.repository}`;
      }
      return runs;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
