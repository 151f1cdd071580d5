// Backup freshness from the schedule and the newest snapshot: pure, with a fixed clock.
import { describe, expect, it } from 'vitest';
import { backupFreshness } from '../../src/backup/freshness.js';
import { UserError } from '../../src/errors.js';

const t = (iso: string) => new Date(iso);
const daily = { schedule: '0 0 * * *', field: 'backup.data_backup.schedule' };
const weekly = { schedule: '0 0 * * 0', field: 'backup.config_backup.schedule' };

describe('backup freshness', () => {
  it('is fresh when the newest snapshot covers the latest run that is due', () => {
    const f = backupFreshness({ ...daily, last: t('2025-03-30T00:00:05Z'), now: t('2025-03-30T09:00:00Z') });
    expect(f).toMatchObject({ status: 'fresh', dueRun: t('2025-03-30T00:00:00Z') });
  });

  it('gives a running backup its grace period before expecting its snapshot', () => {
    // Today's run started at 00:00 and may take an hour: yesterday's snapshot still counts at 00:30.
    const early = backupFreshness({
      ...daily,
      last: t('2025-03-29T00:00:07Z'),
      now: t('2025-03-30T00:30:00Z'),
    });
    expect(early).toMatchObject({ status: 'fresh', dueRun: t('2025-03-29T00:00:00Z') });
    const late = backupFreshness({
      ...daily,
      last: t('2025-03-29T00:00:07Z'),
      now: t('2025-03-30T01:00:01Z'),
    });
    expect(late).toMatchObject({
      status: 'stale',
      dueRun: t('2025-03-30T00:00:00Z'),
      overdueSince: t('2025-03-30T01:00:00Z'),
    });
    expect(late.message).toBe(
      'newest backup is from 2025-03-29T00:00:07.000Z, but the run of 2025-03-30T00:00:00.000Z (0 0 * * *) left no snapshot by 2025-03-30T01:00:00.000Z',
    );
  });

  it('alerts on a missed weekly run and on no backup at all', () => {
    // Sunday 30 March 2025: the weekly run of the 23rd is covered, the one of the 30th is missing by 02:00.
    const ok = backupFreshness({
      ...weekly,
      last: t('2025-03-23T00:10:00Z'),
      now: t('2025-03-29T23:00:00Z'),
    });
    expect(ok.status).toBe('fresh');
    const missed = backupFreshness({
      ...weekly,
      last: t('2025-03-23T00:10:00Z'),
      now: t('2025-03-30T02:00:00Z'),
    });
    expect(missed).toMatchObject({ status: 'stale', dueRun: t('2025-03-30T00:00:00Z') });
    const none = backupFreshness({ ...weekly, now: t('2025-03-30T02:00:00Z'), graceMs: 0 });
    expect(none).toMatchObject({ status: 'missing', overdueSince: t('2025-03-30T00:00:00Z') });
  });

  it('names the field of a schedule that is not cron', () => {
    const bad = () =>
      backupFreshness({ schedule: 'daily', field: 'backup.data_backup.schedule', now: new Date() });
    expect(bad).toThrow(UserError);
    expect(bad).toThrow(/^backup\.data_backup\.schedule "daily" is not a cron schedule/);
  });
});
