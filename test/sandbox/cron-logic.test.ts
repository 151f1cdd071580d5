// The CronJob controller's decisions on plain data: schedule validation as the API server does it, due
// times, concurrency policies, starting deadlines and history limits.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ManualClock, rfc3339 } from '../../src/sandbox/clock.js';
import {
  type CronJobState,
  cronJobSpecProblems,
  decide,
  dueTime,
  jobNameFor,
  jobsToPrune,
  rfc3339In,
  scheduleOf,
  tooManyMissed,
} from '../../src/sandbox/controllers/schedule.js';

const at = (iso: string): number => Date.parse(iso);
const minute = 60_000;
const day = 24 * 60 * minute;
const daily = scheduleOf({ schedule: '0 0 * * *', timeZone: 'Etc/UTC' });
const midnight = at('2030-01-02T00:00:00Z');

const state = (overrides: Partial<CronJobState> = {}): CronJobState => ({
  schedule: daily,
  suspend: false,
  concurrencyPolicy: 'Allow',
  createdAt: at('2030-01-01T23:59:00Z'),
  active: [],
  ...overrides,
});

describe('schedule validation (what the API server refuses)', () => {
  it.each([
    '0 0 * * *', // the chart's daily data backups
    '0 0 * * 0', // weekly config backups, Sunday 00:00
    '0 0 31 2 *', // the suspended restore CronJobs: valid, never fires
    '*/15 9-17 * JAN-MAR mon-fri',
    '0 0 ? * *',
    '@daily',
    '@weekly',
  ])('accepts %j', (schedule) => {
    expect(cronJobSpecProblems({ schedule, timeZone: 'Etc/UTC' })).toEqual([]);
  });

  it.each([
    [undefined, 'spec.schedule: Required value'],
    ['', 'spec.schedule: Required value'],
    ['bad', 'expected exactly 5 fields'],
    ['* * * *', 'found 4'],
    ['0 0 0 * * *', 'found 6'],
    ['61 * * * *', 'got value 61 expected range 0-59'],
    ['0 0 L * *', '"L" in the day of month field is not a cron value'],
    ['0 0 * * 1#2', '"1#2" in the day of week field'],
    ['@fortnightly', 'unrecognized descriptor @fortnightly'],
    ['@every 1h', '@every schedules are not simulated'],
    ['CRON_TZ=UTC 0 0 * * *', 'use timeZone field instead'],
    [42, 'must be a string'],
  ])('refuses %j naming spec.schedule', (schedule, message) => {
    const problems = cronJobSpecProblems({ schedule });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe('spec.schedule');
    expect(`${problems[0]?.field}: ${problems[0]?.message}`).toContain(message);
  });

  it('refuses an unknown or implicit time zone naming spec.timeZone', () => {
    expect(cronJobSpecProblems({ schedule: '0 0 * * *', timeZone: 'Mars/Olympus' })).toEqual([
      { field: 'spec.timeZone', message: 'Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus' },
    ]);
    expect(cronJobSpecProblems({ schedule: '0 0 * * *', timeZone: 'Local' })[0]?.message).toContain(
      'explicit time zone',
    );
    expect(cronJobSpecProblems({ schedule: '0 0 * * *', timeZone: 'Europe/Berlin' })).toEqual([]);
  });

  it('refuses an unknown concurrencyPolicy and negative deadlines or limits', () => {
    expect(
      cronJobSpecProblems({
        schedule: '0 0 * * *',
        concurrencyPolicy: 'Sometimes',
        startingDeadlineSeconds: -1,
        failedJobsHistoryLimit: 1.5,
        successfulJobsHistoryLimit: 0,
      }),
    ).toEqual([
      {
        field: 'spec.concurrencyPolicy',
        message: 'Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
      },
      {
        field: 'spec.startingDeadlineSeconds',
        message: 'Invalid value: -1: must be a whole number greater than or equal to 0',
      },
      {
        field: 'spec.failedJobsHistoryLimit',
        message: 'Invalid value: 1.5: must be a whole number greater than or equal to 0',
      },
    ]);
  });
});

describe('due times', () => {
  it('a daily midnight schedule is due at 00:00 UTC, not before, and once', () => {
    const created = at('2030-01-01T23:59:00Z');
    expect(dueTime(daily, created, midnight - 1000)).toEqual({ count: 0 });
    expect(dueTime(daily, created, midnight)).toEqual({ latest: midnight, count: 1 });
    expect(dueTime(daily, created, midnight + 5 * minute)).toEqual({ latest: midnight, count: 1 });
    // Once scheduled, the same time is never due again.
    expect(dueTime(daily, midnight, midnight + 23 * 60 * minute)).toEqual({ count: 0 });
  });

  it('follows the time zone and descriptors', () => {
    const newYork = scheduleOf({ schedule: '@daily', timeZone: 'America/New_York' });
    expect(dueTime(newYork, midnight - day, midnight).latest).toBe(at('2030-01-01T05:00:00Z'));
    expect(scheduleOf({ schedule: '@hourly' })).toEqual({ expression: '0 * * * *', timeZone: 'UTC' });
  });

  it('a schedule no date matches is never due', () => {
    const never = scheduleOf({ schedule: '0 0 31 2 *', timeZone: 'Etc/UTC' });
    expect(never.expression).toBeUndefined();
    expect(dueTime(never, 0, midnight)).toEqual({ count: 0 });
  });

  it('counts missed times only up to the warning threshold, after a long pause', () => {
    const everyMinute = scheduleOf({ schedule: '* * * * *' });
    expect(dueTime(everyMinute, midnight - 365 * day, midnight)).toEqual({
      latest: midnight,
      count: tooManyMissed + 1,
    });
  });
});

describe('decisions', () => {
  it('starts the Job of the due time; names it after the scheduled minute', () => {
    expect(decide(state(), midnight - 1)).toEqual({ action: 'wait' });
    expect(decide(state(), midnight + 30_000)).toEqual({
      action: 'start',
      scheduled: midnight,
      replace: [],
      missed: 1,
    });
    expect(jobNameFor('redis-backup', midnight)).toBe(`redis-backup-${midnight / minute}`);
    expect(decide(state({ lastScheduleTime: midnight }), midnight + 30_000)).toEqual({ action: 'wait' });
  });

  it('suspend never fires', () => {
    expect(decide(state({ suspend: true }), midnight + 10 * day)).toEqual({ action: 'wait' });
  });

  it('Forbid skips while a Job runs, Replace replaces it, Allow runs both', () => {
    const busy = { lastScheduleTime: midnight, active: ['cj-1'] };
    const next = midnight + day;
    expect(decide(state({ ...busy, concurrencyPolicy: 'Forbid' }), next)).toEqual({
      action: 'skip',
      scheduled: next,
    });
    expect(decide(state({ ...busy, concurrencyPolicy: 'Replace' }), next)).toMatchObject({
      action: 'start',
      replace: ['cj-1'],
    });
    expect(decide(state({ ...busy, concurrencyPolicy: 'Allow' }), next)).toMatchObject({
      action: 'start',
      replace: [],
    });
  });

  it('startingDeadlineSeconds: a time missed by more than the deadline is skipped', () => {
    const late = midnight + 2 * 3600_000;
    expect(decide(state({ startingDeadlineSeconds: 3600 }), late)).toEqual({ action: 'wait' });
    expect(decide(state({ startingDeadlineSeconds: 3 * 3600 }), late)).toMatchObject({ scheduled: midnight });
    expect(decide(state(), late)).toMatchObject({ scheduled: midnight });
  });

  // A controller loop on plain data: random clock moves, Jobs finishing at random; what it starts.
  const run = (
    policy: CronJobState['concurrencyPolicy'],
    steps: { advance: number; finish: boolean }[],
    startingDeadlineSeconds?: number,
  ) => {
    let now = at('2030-01-01T12:00:00Z');
    const cron = state({ concurrencyPolicy: policy, createdAt: now, startingDeadlineSeconds });
    const started: { scheduled: number; now: number; active: number }[] = [];
    for (const step of steps) {
      now += step.advance;
      if (step.finish) cron.active = [];
      const decision = decide(cron, now);
      if (decision.action !== 'start') continue;
      cron.active = [
        ...cron.active.filter((name) => !decision.replace.includes(name)),
        jobNameFor('cj', decision.scheduled),
      ];
      cron.lastScheduleTime = decision.scheduled;
      started.push({ scheduled: decision.scheduled, now, active: cron.active.length });
    }
    return started;
  };
  const steps = fc.array(fc.record({ advance: fc.integer({ min: 0, max: 3 * day }), finish: fc.boolean() }), {
    maxLength: 40,
  });

  test.prop([fc.constantFrom('Forbid' as const, 'Replace' as const), steps])(
    'never two active Jobs under Forbid or Replace',
    (policy, s) => {
      for (const start of run(policy, s)) expect(start.active).toBe(1);
    },
  );

  test.prop([fc.constantFrom('Allow' as const, 'Forbid' as const, 'Replace' as const), steps])(
    'starts only schedule times, each once, in order, never in the future',
    (policy, s) => {
      const started = run(policy, s);
      for (const [i, start] of started.entries()) {
        expect(start.scheduled % day).toBe(0);
        expect(start.scheduled).toBeLessThanOrEqual(start.now);
        if (i > 0) expect(start.scheduled).toBeGreaterThan(started[i - 1]?.scheduled ?? 0);
      }
    },
  );

  test.prop([steps, fc.integer({ min: 1, max: 2 * 86_400 })])(
    'never starts a time older than startingDeadlineSeconds',
    (s, deadline) => {
      for (const start of run('Allow', s, deadline))
        expect(start.now - start.scheduled).toBeLessThanOrEqual(deadline * 1000);
    },
  );
});

describe('history limits', () => {
  const job = (name: string, succeeded: boolean, startedAt: number) => ({ name, succeeded, startedAt });

  it('removes the oldest finished Jobs beyond each limit', () => {
    const finished = [
      job('b-3', true, 3),
      job('b-1', true, 1),
      job('b-2', true, 2),
      job('f-1', false, 1),
      job('f-2', false, 2),
    ];
    expect(jobsToPrune(finished, { successful: 1, failed: 1 })).toEqual(['b-1', 'b-2', 'f-1']);
    expect(jobsToPrune(finished, { successful: 0, failed: 3 })).toEqual(['b-1', 'b-2', 'b-3']);
    expect(jobsToPrune(finished, {})).toEqual([]);
  });

  test.prop([
    fc.array(fc.record({ succeeded: fc.boolean(), startedAt: fc.nat(1000) }), { maxLength: 20 }),
    fc.nat(5),
    fc.nat(5),
  ])('keeps exactly the newest `limit` of each outcome', (raw, successful, failed) => {
    const finished = raw.map((j, i) => job(`j-${String(i).padStart(2, '0')}`, j.succeeded, j.startedAt));
    const pruned = new Set(jobsToPrune(finished, { successful, failed }));
    for (const [outcome, limit] of [
      [true, successful],
      [false, failed],
    ] as const) {
      const all = finished.filter((j) => j.succeeded === outcome);
      const kept = all.filter((j) => !pruned.has(j.name));
      expect(kept).toHaveLength(Math.min(limit, all.length));
      const oldestKept = Math.min(...kept.map((j) => j.startedAt));
      for (const j of all) if (pruned.has(j.name)) expect(j.startedAt).toBeLessThanOrEqual(oldestKept);
    }
  });
});

describe('time formats and the manual clock', () => {
  it('writes the scheduled timestamp in the CronJob time zone, as Kubernetes', () => {
    expect(rfc3339In(midnight, 'Etc/UTC')).toBe('2030-01-02T00:00:00Z');
    expect(rfc3339In(midnight, 'UTC')).toBe('2030-01-02T00:00:00Z');
    expect(rfc3339In(midnight, 'America/New_York')).toBe('2030-01-01T19:00:00-05:00');
    expect(rfc3339In(midnight, 'Asia/Kolkata')).toBe('2030-01-02T05:30:00+05:30');
    expect(rfc3339(midnight + 999)).toBe('2030-01-02T00:00:00Z');
  });

  it('a ManualClock moves only when told, tells listeners, and refuses a non-time', () => {
    const clock = new ManualClock('2030-01-01T23:59:00Z');
    let told = 0;
    const stop = clock.onChange(() => told++);
    clock.advance(minute);
    expect(clock.now()).toBe(midnight);
    clock.set(new Date(midnight + day));
    stop();
    clock.set(0);
    expect(told).toBe(2);
    expect(() => clock.set('tomorrow')).toThrow('"tomorrow" is not a time; use ISO 8601');
  });
});
