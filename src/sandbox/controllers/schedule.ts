// Pure logic of the CronJob controller, on plain data: is a schedule valid (as the API server decides),
// which schedule time is due, what each concurrencyPolicy does about it, and which finished Jobs the
// history limits remove. Times are milliseconds since the epoch.
import { CronExpressionParser } from 'cron-parser';

// The descriptors Kubernetes' cron parser knows, as the 5-field schedules they stand for.
const descriptors: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const fieldNames = ['minute', 'hour', 'day of month', 'month', 'day of week'];
const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const dayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
// cron-parser refuses a day of month no month has ("0 0 31 2 *"); Kubernetes accepts it as never firing,
// and the chart's suspended restore CronJobs use exactly that.
const impossibleDay = 'Invalid explicit day of month definition';

export type ConcurrencyPolicy = 'Allow' | 'Forbid' | 'Replace';
const concurrencyPolicies: ConcurrencyPolicy[] = ['Allow', 'Forbid', 'Replace'];

export interface FieldProblem {
  field: string;
  message: string;
}

/** A valid schedule in its time zone; `expression` is undefined when no date ever matches it. */
export interface Schedule {
  expression: string | undefined;
  timeZone: string;
}

/** What the API server refuses in a CronJob spec, as field errors. */
export function cronJobSpecProblems(spec: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { schedule, timeZone } = spec;
  if (schedule === undefined || schedule === '')
    problems.push({ field: 'spec.schedule', message: 'Required value' });
  else {
    const problem = scheduleProblem(schedule);
    if (problem)
      problems.push({
        field: 'spec.schedule',
        message: `Invalid value: ${JSON.stringify(schedule)}: ${problem}`,
      });
  }
  const policy = spec.concurrencyPolicy;
  if (policy !== undefined && !concurrencyPolicies.includes(policy as ConcurrencyPolicy))
    problems.push({
      field: 'spec.concurrencyPolicy',
      message: `Unsupported value: ${JSON.stringify(policy)}: supported values: "Allow", "Forbid", "Replace"`,
    });
  for (const field of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) {
    const value = spec[field];
    if (value !== undefined && value !== null && !(Number.isInteger(value) && (value as number) >= 0))
      problems.push({
        field: `spec.${field}`,
        message: `Invalid value: ${JSON.stringify(value)}: must be a whole number greater than or equal to 0`,
      });
  }
  if (timeZone !== undefined && timeZone !== null) {
    const problem = timeZoneProblem(timeZone);
    if (problem)
      problems.push({
        field: 'spec.timeZone',
        message: `Invalid value: ${JSON.stringify(timeZone)}: ${problem}`,
      });
  }
  return problems;
}

function scheduleProblem(schedule: unknown): string | undefined {
  if (typeof schedule !== 'string') return 'the schedule must be a string such as "0 0 * * *"';
  if (schedule.includes('TZ')) return 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead';
  const text = schedule.trim();
  if (text.startsWith('@every'))
    return '@every schedules are not simulated by the sandbox (Kubernetes accepts them): use 5 fields such as "0 * * * *"';
  if (text.startsWith('@'))
    return descriptors[text]
      ? undefined
      : `unrecognized descriptor ${text}: use ${Object.keys(descriptors).join(', ')} or 5 fields`;
  const fields = text.split(/\s+/);
  if (fields.length !== 5)
    return `expected exactly 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`;
  for (const [i, field] of fields.entries()) {
    const names = i === 3 ? monthNames : i === 4 ? dayNames : [];
    const bad = field.split(/[,/-]/).find((token) => !isToken(token, names));
    if (bad !== undefined)
      return `"${bad}" in the ${fieldNames[i]} field is not a cron value (numbers, names, *, ?, a-b, a,b, */n)`;
  }
  try {
    CronExpressionParser.parse(text, { tz: 'UTC' });
  } catch (e) {
    const message = (e as Error).message;
    if (message !== impossibleDay) return message;
  }
  return undefined;
}

// Kubernetes' parser knows numbers, *, ? and month/day names; cron-parser's extensions (L, W, #, H) are not
// Kubernetes schedules.
const isToken = (token: string, names: string[]): boolean =>
  token === '*' || token === '?' || /^\d+$/.test(token) || names.includes(token.toLowerCase());

function timeZoneProblem(timeZone: unknown): string | undefined {
  if (typeof timeZone !== 'string' || timeZone === '' || timeZone.toLowerCase() === 'local')
    return 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones';
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return undefined;
  } catch {
    return `unknown time zone ${timeZone}`;
  }
}

/** The schedule of a CronJob spec the API server accepted; the time zone defaults to UTC. */
export function scheduleOf(spec: Record<string, unknown>): Schedule {
  const text = String(spec.schedule).trim();
  const timeZone = typeof spec.timeZone === 'string' ? spec.timeZone : 'UTC';
  const expression = descriptors[text] ?? text;
  try {
    CronExpressionParser.parse(expression, { tz: timeZone });
    return { expression, timeZone };
  } catch (e) {
    if ((e as Error).message === impossibleDay) return { expression: undefined, timeZone };
    throw e;
  }
}

/** How many missed times make the controller warn (and still start only the most recent), as Kubernetes. */
export const tooManyMissed = 100;

/**
 * The most recent schedule time in (after, now] and how many there are (counted up to tooManyMissed + 1).
 * Like Kubernetes, a schedule time equal to `after` is not due again.
 */
export function dueTime(schedule: Schedule, after: number, now: number): { latest?: number; count: number } {
  if (schedule.expression === undefined || now <= after) return { count: 0 };
  // Iterating backwards from now finds the latest quickly even after a long pause (a "* * * * *" schedule
  // a year behind); +1 ms makes a time exactly at `now` count.
  const times = CronExpressionParser.parse(schedule.expression, {
    currentDate: new Date(now + 1),
    tz: schedule.timeZone,
  });
  let latest: number | undefined;
  let count = 0;
  while (count <= tooManyMissed && times.hasPrev()) {
    const time = times.prev().getTime();
    if (time <= after) break;
    latest ??= time;
    count++;
  }
  return { latest, count };
}

export interface CronJobState {
  schedule: Schedule;
  suspend: boolean;
  concurrencyPolicy: ConcurrencyPolicy;
  startingDeadlineSeconds?: number;
  /** metadata.creationTimestamp. */
  createdAt: number;
  /** status.lastScheduleTime. */
  lastScheduleTime?: number;
  /** Names of the CronJob's Jobs that have not finished. */
  active: string[];
}

export type CronDecision =
  | { action: 'wait' }
  /** Forbid: a Job is still running; the time stays due and starts once it ends, if still in the deadline. */
  | { action: 'skip'; scheduled: number }
  /** Start a Job for `scheduled`, deleting `replace` first (Replace); `missed` counts the due times. */
  | { action: 'start'; scheduled: number; replace: string[]; missed: number };

/** What the controller does now for one CronJob. */
export function decide(state: CronJobState, now: number): CronDecision {
  if (state.suspend) return { action: 'wait' };
  // Due times run from the last one scheduled (or the creation); startingDeadlineSeconds drops older ones.
  let after = state.lastScheduleTime ?? state.createdAt;
  if (state.startingDeadlineSeconds !== undefined)
    after = Math.max(after, now - state.startingDeadlineSeconds * 1000);
  const due = dueTime(state.schedule, after, now);
  if (due.latest === undefined) return { action: 'wait' };
  if (state.concurrencyPolicy === 'Forbid' && state.active.length > 0)
    return { action: 'skip', scheduled: due.latest };
  return {
    action: 'start',
    scheduled: due.latest,
    replace: state.concurrencyPolicy === 'Replace' ? [...state.active] : [],
    missed: due.count,
  };
}

/** The Job name the Kubernetes CronJob controller uses: `<cronjob>-<scheduled time in minutes since epoch>`. */
export const jobNameFor = (cronJob: string, scheduled: number): string =>
  `${cronJob}-${Math.floor(scheduled / 60_000)}`;

export interface FinishedJob {
  name: string;
  succeeded: boolean;
  /** status.startTime. */
  startedAt: number;
}

/**
 * The finished Jobs beyond successfulJobsHistoryLimit / failedJobsHistoryLimit, oldest first (by start time,
 * then name); an unset limit keeps them all.
 */
export function jobsToPrune(
  finished: FinishedJob[],
  limits: { successful?: number; failed?: number },
): string[] {
  const oldestBeyond = (jobs: FinishedJob[], limit: number | undefined): string[] =>
    limit === undefined
      ? []
      : [...jobs]
          .sort((a, b) => a.startedAt - b.startedAt || a.name.localeCompare(b.name))
          .slice(0, Math.max(0, jobs.length - limit))
          .map((job) => job.name);
  return [
    ...oldestBeyond(
      finished.filter((job) => job.succeeded),
      limits.successful,
    ),
    ...oldestBeyond(
      finished.filter((job) => !job.succeeded),
      limits.failed,
    ),
  ];
}

/** RFC 3339 in the CronJob's time zone, as the scheduled-timestamp annotation carries it ("Z" for UTC). */
export function rfc3339In(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    })
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  );
  // Go's RFC 3339 writes a zero offset as "Z"; Intl says "GMT" or "GMT+00:00" for it.
  const offset = String(parts.timeZoneName)
    .replace('GMT', '')
    .replace(/^(\+00:00)?$/, 'Z');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}
