// The gate's outcome and exit code from its verdicts: pure, so every path is tested with plain data.
import type { RollbackReport } from '../rollback/types.js';
import type { VerificationResult } from '../verify/types.js';

export type GateOutcome =
  /** Every check passed. */
  | 'passed'
  /** A check failed (or inconclusive with on_inconclusive: fail); no rollback was due. */
  | 'failed'
  /** Inconclusive and on_inconclusive: hold: the release stays for a person to decide. */
  | 'held'
  /** A rollback is due but was not asked for (no --auto-rollback). */
  | 'rollback-required'
  /** The run's releases were rolled back. */
  | 'rolled-back'
  /** The rollback itself failed: releases may be on mixed revisions (see the report). */
  | 'rollback-failed';

const EXIT_FAIL = 3;
const EXIT_INCONCLUSIVE = 4;
const EXIT_ROLLBACK_FAILED = 2;

/**
 * Exit codes: 0 passed; 3 the verification failed (whatever happened next); 4 it was inconclusive (held, or
 * rolled back by policy); 2 a rollback was attempted and failed — the one case a person must act on at once.
 */
export function gateOutcome(
  verification: VerificationResult,
  rollback?: RollbackReport,
  afterRollback?: VerificationResult,
): { outcome: GateOutcome; exitCode: number; summary: string } {
  const verdictExit = verification.verdict === 'fail' ? EXIT_FAIL : EXIT_INCONCLUSIVE;
  const why = `${verification.verdict}: ${verification.reason}`;
  if (rollback?.outcome === 'failed') {
    const failed = rollback.releases.filter((r) => r.outcome === 'failed').map((r) => r.release);
    return {
      outcome: 'rollback-failed',
      exitCode: EXIT_ROLLBACK_FAILED,
      summary: `verification ${why}; the rollback FAILED at ${failed.join(', ')} and stopped: check the state of each release`,
    };
  }
  if (rollback) {
    const back = rollback.releases.filter((r) => r.outcome === 'rolled-back').map((r) => r.release);
    const after = afterRollback
      ? `; after the rollback verification ${afterRollback.verdict === 'pass' ? 'passed' : `is ${afterRollback.verdict}: ${afterRollback.reason}`}`
      : '';
    const what = back.length > 0 ? `rolled back ${back.join(', ')}` : 'nothing could be rolled back';
    return { outcome: 'rolled-back', exitCode: verdictExit, summary: `verification ${why}; ${what}${after}` };
  }
  switch (verification.decision) {
    case 'proceed':
      return { outcome: 'passed', exitCode: 0, summary: `verification passed: ${verification.reason}` };
    case 'hold':
      return {
        outcome: 'held',
        exitCode: EXIT_INCONCLUSIVE,
        summary: `verification ${why}; held (verification.on_inconclusive: hold): the release stays as it is for a person to decide`,
      };
    case 'fail':
      return {
        outcome: 'failed',
        exitCode: EXIT_FAIL,
        summary: `verification ${why}; no automatic rollback (${verification.verdict === 'fail' ? 'the failed checks match no enabled rollback.conditions' : 'verification.on_inconclusive: fail'})`,
      };
    case 'rollback':
      return {
        outcome: 'rollback-required',
        exitCode: verdictExit,
        summary: `verification ${why}; a rollback is due: run \`release-kit rollback --ledger <file>\` (or deploy with --auto-rollback)`,
      };
  }
}
