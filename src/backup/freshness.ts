// Is the newest good backup recent enough for its schedule? Pure: the schedule, the snapshot time and
// the clock come in as data. A run is due once its scheduled time plus a grace period (the time a
// backup may take) has passed; a snapshot older than the latest due run means a run was missed.
import { CronExpressionParser } from 'cron-parser';
import { UserError } from '../errors.js';

export interface FreshnessInput {
  /** Cron schedule of the backup (UTC, as CronJobs run by default). */
  schedule: string;
  /** The field the schedule came from, for error messages. */
  field: string;
  /** Time of the newest good snapshot, if any. */
  last?: Date;
  now: Date;
  /** How long a run may take before its snapshot is expected (default 1 h). */
  graceMs?: number;
}

export interface Freshness {
  status: 'fresh' | 'stale' | 'missing';
  /** The latest scheduled run the newest snapshot should be at least as new as. */
  dueRun: Date;
  /** When the missed run's snapshot was expected (dueRun + grace); set unless fresh. */
  overdueSince?: Date;
  message: string;
}

export function backupFreshness(input: FreshnessInput): Freshness {
  const grace = input.graceMs ?? 60 * 60 * 1000;
  let dueRun: Date;
  try {
    const runs = CronExpressionParser.parse(input.schedule, {
      currentDate: new Date(input.now.getTime() - grace),
      tz: 'UTC',
    });
    dueRun = runs.prev().toDate();
  } catch (e) {
    throw new UserError(
      `${input.field} ${JSON.stringify(input.schedule)} is not a cron schedule: ${(e as Error).message}`,
      'use five fields: minute hour day-of-month month day-of-week, e.g. "0 0 * * *"',
    );
  }
  const overdueSince = new Date(dueRun.getTime() + grace);
  if (!input.last) {
    return {
      status: 'missing',
      dueRun,
      overdueSince,
      message: `no backup exists; one was due by ${overdueSince.toISOString()}`,
    };
  }
  if (input.last.getTime() >= dueRun.getTime()) {
    return {
      status: 'fresh',
      dueRun,
      message: `newest backup ${input.last.toISOString()} covers the run of ${dueRun.toISOString()}`,
    };
  }
  return {
    status: 'stale',
    dueRun,
    overdueSince,
    message: `newest backup is from ${input.last.toISOString()}, but the run of ${dueRun.toISOString()} (${input.schedule}) left no snapshot by ${overdueSince.toISOString()}`,
  };
}
