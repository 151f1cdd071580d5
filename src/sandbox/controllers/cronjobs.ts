// The CronJob controller: at each due schedule time of the cluster clock it creates a Job from
// spec.jobTemplate (named and annotated as Kubernetes does), applies the concurrencyPolicy, keeps
// status.active / lastScheduleTime / lastSuccessfulTime and prunes finished Jobs beyond the history limits.
// The decisions are in schedule.ts; this file reads and writes the objects.
import { rfc3339 } from '../clock.js';
import { clone, controllerRef, isControlledBy, isMap, type KubeObject } from '../object.js';
import type { ControllerContext } from './context.js';
import {
  type ConcurrencyPolicy,
  decide,
  type FinishedJob,
  jobNameFor,
  jobsToPrune,
  rfc3339In,
  scheduleOf,
  tooManyMissed,
} from './schedule.js';

export const scheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

const optionalNumber = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const parseTime = (v: unknown): number | undefined => (typeof v === 'string' ? Date.parse(v) : undefined);

/** The finishing condition of a Job (Complete or Failed), if it finished. */
function finishedAs(job: KubeObject): 'Complete' | 'Failed' | undefined {
  const conditions = Array.isArray(job.status?.conditions) ? job.status.conditions.filter(isMap) : [];
  const done = conditions.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  return done?.type as 'Complete' | 'Failed' | undefined;
}

/**
 * A reconcile pass over every CronJob. The returned function remembers which Forbid skips it already
 * reported, so a time that stays due while a Job runs gives one event, not one per pass.
 */
export function cronJobController(): (ctx: ControllerContext) => void {
  const reportedSkip = new Map<string, number>();
  return (ctx) => {
    const cronKind = ctx.kind('batch/v1', 'CronJob');
    const seen = new Set<string>();
    for (const cronJob of ctx.api.list(cronKind, undefined)) {
      seen.add(cronJob.metadata.uid ?? '');
      reconcileCronJob(ctx, cronJob, reportedSkip);
    }
    for (const uid of reportedSkip.keys()) if (!seen.has(uid)) reportedSkip.delete(uid);
  };
}

function reconcileCronJob(ctx: ControllerContext, cronJob: KubeObject, reportedSkip: Map<string, number>) {
  const cronKind = ctx.kind('batch/v1', 'CronJob');
  const jobKind = ctx.kind('batch/v1', 'Job');
  const spec = cronJob.spec ?? {};
  const namespace = cronJob.metadata.namespace;
  const uid = cronJob.metadata.uid ?? '';
  const previous = cronJob.status ?? {};
  const previousActive = (Array.isArray(previous.active) ? previous.active : []).filter(isMap);
  let jobs = ctx.api.list(jobKind, namespace).filter((job) => isControlledBy(job, cronJob));

  for (const job of jobs) {
    const outcome = finishedAs(job);
    if (outcome && previousActive.some((ref) => ref.uid === job.metadata.uid))
      ctx.api.recordEvent(
        cronJob,
        'Normal',
        'SawCompletedJob',
        `Saw completed job: ${job.metadata.name}, condition: ${outcome}`,
      );
  }
  const running = () => jobs.filter((job) => !finishedAs(job));
  let lastScheduleTime = parseTime(previous.lastScheduleTime);
  const schedule = scheduleOf(spec);
  const decision = decide(
    {
      schedule,
      suspend: spec.suspend === true,
      concurrencyPolicy: (spec.concurrencyPolicy ?? 'Allow') as ConcurrencyPolicy,
      startingDeadlineSeconds: optionalNumber(spec.startingDeadlineSeconds),
      createdAt: parseTime(cronJob.metadata.creationTimestamp) ?? ctx.clock.now(),
      lastScheduleTime,
      active: running().map((job) => job.metadata.name),
    },
    ctx.clock.now(),
  );

  if (decision.action === 'skip' && reportedSkip.get(uid) !== decision.scheduled) {
    reportedSkip.set(uid, decision.scheduled);
    ctx.api.recordEvent(
      cronJob,
      'Normal',
      'JobAlreadyActive',
      'Not starting job because prior execution is running and concurrency policy is Forbid',
    );
  }
  if (decision.action === 'start') {
    if (decision.missed > tooManyMissed)
      ctx.api.recordEvent(
        cronJob,
        'Warning',
        'TooManyMissedTimes',
        'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew',
      );
    for (const name of decision.replace) {
      ctx.api.delete(jobKind, namespace, name);
      ctx.api.recordEvent(cronJob, 'Normal', 'SuccessfulDelete', `Deleted job ${name}`);
    }
    const name = jobNameFor(cronJob.metadata.name, decision.scheduled);
    // A Job of that name already exists only if someone reset the status: the time counts as scheduled.
    if (!ctx.api.find(jobKind, namespace, name)) {
      const template = isMap(spec.jobTemplate) ? spec.jobTemplate : {};
      const meta = isMap(template.metadata) ? template.metadata : {};
      ctx.api.create(jobKind, namespace, {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name,
          namespace,
          labels: { ...(meta.labels as Record<string, string> | undefined) },
          annotations: {
            ...(meta.annotations as Record<string, string> | undefined),
            [scheduledTimestampAnnotation]: rfc3339In(decision.scheduled, schedule.timeZone),
          },
          ownerReferences: [controllerRef(cronJob)],
        },
        spec: clone(isMap(template.spec) ? template.spec : {}),
      });
      ctx.api.recordEvent(cronJob, 'Normal', 'SuccessfulCreate', `Created job ${name}`);
    }
    lastScheduleTime = decision.scheduled;
    jobs = ctx.api.list(jobKind, namespace).filter((job) => isControlledBy(job, cronJob));
  }

  const finished: FinishedJob[] = jobs.flatMap((job) => {
    const outcome = finishedAs(job);
    if (!outcome) return [];
    const startedAt = parseTime(job.status?.startTime) ?? parseTime(job.metadata.creationTimestamp) ?? 0;
    return [{ name: job.metadata.name, succeeded: outcome === 'Complete', startedAt }];
  });
  const pruned = new Set(
    jobsToPrune(finished, {
      successful: optionalNumber(spec.successfulJobsHistoryLimit),
      failed: optionalNumber(spec.failedJobsHistoryLimit),
    }),
  );
  for (const name of pruned) {
    ctx.api.delete(jobKind, namespace, name);
    ctx.api.recordEvent(cronJob, 'Normal', 'SuccessfulDelete', `Deleted job ${name}`);
  }

  const lastSuccess = Math.max(
    parseTime(previous.lastSuccessfulTime) ?? 0,
    ...jobs
      .filter((job) => finishedAs(job) === 'Complete')
      .map((job) => parseTime(job.status?.completionTime) ?? 0),
  );
  // A Job keeps the reference (and resourceVersion) it got when it started, as in Kubernetes.
  const active = running().map(
    (job) =>
      previousActive.find((ref) => ref.uid === job.metadata.uid) ?? {
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: job.metadata.name,
        namespace,
        resourceVersion: job.metadata.resourceVersion,
        uid: job.metadata.uid,
      },
  );
  ctx.api.updateStatus(cronKind, cronJob, {
    ...(active.length > 0 ? { active } : {}),
    ...(lastScheduleTime !== undefined ? { lastScheduleTime: rfc3339(lastScheduleTime) } : {}),
    ...(lastSuccess > 0 ? { lastSuccessfulTime: rfc3339(lastSuccess) } : {}),
  });
}
