import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import {
  type DeployLock,
  formatDeployLock,
  parseDeployLock,
  planRepair,
  type ReleaseStatus,
  type Revision,
  releaseStatuses,
} from '../../src/helm/index.js';

const now = new Date('2026-03-01T12:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const rev = (revision: number, status: ReleaseStatus, updatedMinutesAgo = 60): Revision => ({
  revision,
  status,
  updated: minutesAgo(updatedMinutesAgo),
  chart: 'api-0.1.0',
  appVersion: '1.0.0',
  description: '',
});
const staleAfterMs = 15 * 60_000;
const lock = (holder: string, expiresInMinutes: number): DeployLock => ({
  holder,
  acquiredAt: minutesAgo(30),
  expiresAt: new Date(now.getTime() + expiresInMinutes * 60_000),
});

describe('planRepair', () => {
  it('does nothing for a release that is not pending', () => {
    expect(planRepair([rev(1, 'superseded'), rev(2, 'deployed')], now, { staleAfterMs })).toEqual({
      action: 'none',
      reason: 'revision 2 is deployed, nothing is pending',
    });
    expect(planRepair([], now, { staleAfterMs }).action).toBe('none');
  });

  it('rolls a stale pending upgrade back to the last deployed revision', () => {
    const history = [
      rev(1, 'superseded'),
      rev(2, 'deployed'),
      rev(3, 'failed'),
      rev(4, 'pending-upgrade', 20),
    ];
    const plan = planRepair(history, now, { staleAfterMs });
    expect(plan).toMatchObject({ action: 'rollback', toRevision: 2, pending: { revision: 4 } });
    expect(plan.reason).toBe(
      'revision 4 has been pending-upgrade since 2026-03-01T11:40:00.000Z; its last update is 20 min old, past the 15 min stale threshold, and no live deploy lock is held: rolling back to revision 2, the last deployed one',
    );
  });

  it('reads history in any order', () => {
    const plan = planRepair([rev(3, 'pending-rollback', 30), rev(1, 'deployed'), rev(2, 'failed')], now, {
      staleAfterMs,
    });
    expect(plan).toMatchObject({ action: 'rollback', toRevision: 1 });
  });

  it('falls back to the last superseded revision when none is deployed', () => {
    const plan = planRepair(
      [rev(1, 'superseded'), rev(2, 'superseded'), rev(3, 'pending-upgrade', 30)],
      now,
      {
        staleAfterMs,
      },
    );
    expect(plan).toMatchObject({ action: 'rollback', toRevision: 2 });
  });

  it('uninstalls a stale release that never deployed', () => {
    expect(planRepair([rev(1, 'pending-install', 30)], now, { staleAfterMs })).toMatchObject({
      action: 'uninstall',
      reason: expect.stringMatching(/never deployed, so it is uninstalled$/),
    });
    expect(planRepair([rev(1, 'failed'), rev(2, 'pending-upgrade', 30)], now, { staleAfterMs }).action).toBe(
      'uninstall',
    );
  });

  it('leaves a recent pending revision alone: another helm may be running', () => {
    const plan = planRepair([rev(1, 'deployed'), rev(2, 'pending-upgrade', 5)], now, { staleAfterMs });
    expect(plan).toMatchObject({ action: 'blocked', retryAt: minutesAgo(-10) });
    expect(plan.reason).toMatch(
      /\(5 min ago\), younger than the 15 min stale threshold: another helm may still be running/,
    );
  });

  it('leaves a pending release alone while someone else holds a live deploy lock, however old', () => {
    const plan = planRepair([rev(1, 'deployed'), rev(2, 'pending-upgrade', 600)], now, {
      staleAfterMs,
      lock: lock('run-7', 5),
      holder: 'run-8',
    });
    expect(plan).toMatchObject({ action: 'blocked', retryAt: lock('x', 5).expiresAt });
    expect(plan.reason).toMatch(/run-7 holds the deploy lock until 2026-03-01T12:05:00.000Z/);
  });

  it('ignores an expired lock and judges by age', () => {
    const history = [rev(1, 'deployed'), rev(2, 'pending-upgrade', 20)];
    expect(planRepair(history, now, { staleAfterMs, lock: lock('run-7', -1), holder: 'run-8' }).action).toBe(
      'rollback',
    );
  });

  it('repairs at once under its own lock: no other deploy can be running', () => {
    const plan = planRepair([rev(1, 'deployed'), rev(2, 'pending-upgrade', 1)], now, {
      staleAfterMs,
      lock: lock('run-8', 30),
      holder: 'run-8',
    });
    expect(plan).toMatchObject({ action: 'rollback', toRevision: 1 });
    expect(plan.reason).toMatch(/this run holds the deploy lock/);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a stale threshold of %d ms', (ms) => {
    expect(() => planRepair([], now, { staleAfterMs: ms })).toThrow(UserError);
  });

  const statusArb = fc.constantFrom(...releaseStatuses);
  test.prop([fc.array(statusArb, { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 120 })])(
    'only ever touches a pending release, and rolls back only to an earlier deployed or superseded revision',
    (statuses, age) => {
      const history = statuses.map((s, i) => rev(i + 1, s, i === statuses.length - 1 ? age : 200));
      const plan = planRepair(history, now, { staleAfterMs });
      const latest = history.at(-1) as Revision;
      if (!latest.status.startsWith('pending-')) expect(plan.action).toBe('none');
      else if (age < 15) expect(plan.action).toBe('blocked');
      if (plan.action === 'rollback') {
        const target = history.find((r) => r.revision === plan.toRevision);
        expect(target && target.revision < latest.revision).toBe(true);
        expect(['deployed', 'superseded']).toContain(target?.status);
      }
      if (plan.action === 'uninstall')
        expect(history.some((r) => r.status === 'deployed' || r.status === 'superseded')).toBe(false);
    },
  );
});

describe('deploy lock annotation', () => {
  it('round-trips', () => {
    const l = lock('github-run-123-attempt-1', 10);
    expect(parseDeployLock(formatDeployLock(l), 'namespace memory')).toEqual(l);
  });

  it.each([
    ['not json', /not JSON/],
    [
      '{"acquired_at":"2026-03-01T00:00:00Z","expires_at":"2026-03-01T01:00:00Z"}',
      /holder should be a non-empty string/,
    ],
    [
      '{"holder":"a","acquired_at":"yesterday","expires_at":"2026-03-01T01:00:00Z"}',
      /acquired_at should be an ISO 8601 time/,
    ],
    ['{"holder":"a","acquired_at":"2026-03-01T00:00:00Z"}', /expires_at should be an ISO 8601 time/],
  ])('says what is wrong with %j and where', (value, problem) => {
    const err = (() => {
      try {
        parseDeployLock(value, 'namespace memory');
      } catch (e) {
        return e as UserError;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect(err?.message).toMatch(/release-kit\.io\/deploy-lock annotation on namespace memory/);
    expect(err?.message).toMatch(problem);
    expect(err?.hint).toMatch(/remove the annotation/);
  });
});
