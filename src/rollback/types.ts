// The vocabulary of rollback: what to roll back (a plan, pure data) and what happened (a report).
import type { RollbackCondition } from '../config/types.js';
import type { ReleaseStatus } from '../helm/types.js';

/**
 * Why a rollback runs: one of the seed's conditions (`rollback.conditions`), or an inconclusive verification
 * that `verification.on_inconclusive: rollback` turns into one.
 */
export type RollbackTrigger = RollbackCondition | 'inconclusive_policy';

/** One release to return to an earlier revision. */
export interface RollbackTarget {
  component: string;
  release: string;
  namespace: string;
  wave: number;
  /** The revision in place before the rollback, when known. */
  fromRevision: number | null;
  toRevision: number;
}

/** A release the plan leaves alone, and why (roll-forward-only, nothing earlier to return to). */
export interface SkippedRelease {
  component: string;
  release: string;
  reason: string;
}

export interface RollbackPlan {
  trigger: RollbackTrigger;
  /** The person's or the verification's reason, kept for the report. */
  reason: string;
  /** Run one after another, `pause_time` apart; the releases of one batch roll back together. */
  batches: RollbackTarget[][];
  skipped: SkippedRelease[];
}

/** What `helm history` says about a release after the rollback ran (or stopped). */
export type ReleaseState =
  | { known: true; revision: number; status: ReleaseStatus; description: string }
  | { known: false; error: string };

export type TargetOutcome = 'rolled-back' | 'failed' | 'not-started';

export interface TargetResult extends RollbackTarget {
  outcome: TargetOutcome;
  /** helm's error, for a failed target. */
  error?: string;
  state: ReleaseState;
}

export interface RollbackReport {
  trigger: RollbackTrigger;
  reason: string;
  /** `failed` as soon as one target failed: the rollback stopped there. */
  outcome: 'rolled-back' | 'failed' | 'nothing-to-do';
  releases: TargetResult[];
  skipped: SkippedRelease[];
  startedAt: number;
  endedAt: number;
}

/** The rollback settings of a config (`rollback.settings`, `rollback.roll_forward_only`), in engine units. */
export interface RollbackSettings {
  timeoutSeconds: number;
  batchSize: number;
  pauseMs: number;
  rollForwardOnly: string[];
  conditions: RollbackCondition[];
}
