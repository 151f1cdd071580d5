// Deciding what to do about a release left pending (pending-install/-upgrade/-rollback) by a helm
// that was killed mid-operation. Pure: history + clock + lock in, a plan with its reason out.
//
// A CI runner cannot see other runners' processes, so "nobody is working on it" is inferred from two
// signals: the deploy lock (an annotation release-kit's deploy writes while it runs helm) and the age
// of the pending revision. helm stamps a revision when it creates it and not while it waits, so the
// stale threshold must exceed the longest --timeout any deployer of the release uses.
import { UserError } from '../errors.js';
import { isPending, type Revision } from './types.js';

/** The annotation release-kit's deploy writes while it changes releases; its value is formatDeployLock(). */
export const deployLockAnnotation = 'release-kit.io/deploy-lock';

export interface DeployLock {
  /** Who holds it, e.g. `github-run-123-attempt-1`. */
  holder: string;
  acquiredAt: Date;
  /** A holder that died stops blocking others at this time. */
  expiresAt: Date;
}

export function formatDeployLock(lock: DeployLock): string {
  return JSON.stringify({
    holder: lock.holder,
    acquired_at: lock.acquiredAt.toISOString(),
    expires_at: lock.expiresAt.toISOString(),
  });
}

/** Reads the annotation value; `where` names the annotated object in the error (e.g. `namespace prod`). */
export function parseDeployLock(value: string, where: string): DeployLock {
  const bad = (detail: string) =>
    new UserError(
      `the ${deployLockAnnotation} annotation on ${where} is not a valid deploy lock: ${detail}`,
      `remove the annotation if no release-kit deploy is running (kubectl annotate ... ${deployLockAnnotation}-)`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    throw bad('not JSON');
  }
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  if (typeof r.holder !== 'string' || r.holder === '') throw bad('holder should be a non-empty string');
  const time = (key: string): Date => {
    const d = typeof r[key] === 'string' ? new Date(r[key] as string) : undefined;
    if (!d || Number.isNaN(d.getTime())) throw bad(`${key} should be an ISO 8601 time`);
    return d;
  };
  return { holder: r.holder, acquiredAt: time('acquired_at'), expiresAt: time('expires_at') };
}

export interface RepairOptions {
  /** A pending revision last updated longer ago than this is taken as abandoned. */
  staleAfterMs: number;
  /** The deploy lock found on the cluster, if any. */
  lock?: DeployLock;
  /** This run's lock holder id: a pending release under our own lock was left by us, so it is abandoned. */
  holder?: string;
}

export type RepairPlan =
  | { action: 'none'; reason: string }
  /** Pending, but someone may still be working on it: leave it alone (try again at retryAt). */
  | { action: 'blocked'; reason: string; pending: Revision; retryAt: Date }
  | { action: 'rollback'; reason: string; pending: Revision; toRevision: number }
  /** Pending and never deployed: nothing to roll back to. */
  | { action: 'uninstall'; reason: string; pending: Revision };

const minutes = (ms: number): string => `${Math.round(ms / 6000) / 10} min`;

export function planRepair(history: readonly Revision[], now: Date, options: RepairOptions): RepairPlan {
  if (!(Number.isFinite(options.staleAfterMs) && options.staleAfterMs > 0)) {
    throw new UserError(
      `invalid stale threshold ${options.staleAfterMs} ms for pending releases`,
      'give a positive duration, longer than the longest helm timeout used for the release',
    );
  }
  const sorted = [...history].sort((a, b) => a.revision - b.revision);
  const pending = sorted.at(-1);
  if (!pending) return { action: 'none', reason: 'the release has no revisions' };
  if (!isPending(pending.status)) {
    return {
      action: 'none',
      reason: `revision ${pending.revision} is ${pending.status}, nothing is pending`,
    };
  }

  const stuck = `revision ${pending.revision} has been ${pending.status} since ${pending.updated.toISOString()}`;
  const { lock } = options;
  const ownLock = lock !== undefined && options.holder !== undefined && lock.holder === options.holder;
  if (lock && !ownLock && now < lock.expiresAt) {
    return {
      action: 'blocked',
      reason: `${stuck}, and ${lock.holder} holds the deploy lock until ${lock.expiresAt.toISOString()}: it may still be working on it`,
      pending,
      retryAt: lock.expiresAt,
    };
  }
  const age = now.getTime() - pending.updated.getTime();
  let why: string;
  if (ownLock) {
    why = 'this run holds the deploy lock, so no other release-kit deploy can be running helm on it';
  } else {
    if (age < options.staleAfterMs) {
      return {
        action: 'blocked',
        reason: `${stuck} (${minutes(age)} ago), younger than the ${minutes(options.staleAfterMs)} stale threshold: another helm may still be running`,
        pending,
        retryAt: new Date(pending.updated.getTime() + options.staleAfterMs),
      };
    }
    why = `its last update is ${minutes(age)} old, past the ${minutes(options.staleAfterMs)} stale threshold, and no live deploy lock is held`;
  }

  // The revision helm would have superseded is still `deployed`; `superseded` covers a history where
  // helm got that far before it died.
  const earlier = sorted.filter((r) => r.revision < pending.revision);
  const target =
    earlier.findLast((r) => r.status === 'deployed') ?? earlier.findLast((r) => r.status === 'superseded');
  if (target) {
    return {
      action: 'rollback',
      reason: `${stuck}; ${why}: rolling back to revision ${target.revision}, the last deployed one`,
      pending,
      toRevision: target.revision,
    };
  }
  return {
    action: 'uninstall',
    reason: `${stuck}; ${why}: the release was never deployed, so it is uninstalled`,
    pending,
  };
}
