// The verify and rollback commands as steps the CLI and the actions share: inputs already typed, results as data.

import { parseDuration } from '../config/index.js';
import type { Ledger } from '../deploy/ledger.js';
import { UserError } from '../errors.js';
import { createHelm } from '../helm/index.js';
import { log } from '../log.js';
import {
  configReleases,
  executeRollback,
  planAutomaticRollback,
  planManual,
  type RollbackHelm,
  type RollbackReport,
  rollbackSettings,
} from '../rollback/index.js';
import { type Baseline, systemClock, type VerificationResult } from '../verify/index.js';
import { type GateContext, releasesToVerify, settingsAfterRollback, verifyReleases } from './gate.js';

/** Exit codes of a verification: 0 pass, 3 fail, 4 inconclusive. */
export const verdictExitCode = (result: VerificationResult): number =>
  result.verdict === 'pass' ? 0 : result.verdict === 'fail' ? 3 : 4;

/** `release-kit verify`: the ledger's releases, or every release of the config. */
export async function runVerify(
  ctx: GateContext,
  ledger?: Ledger,
  baseline?: Baseline,
): Promise<{ result: VerificationResult; exitCode: number }> {
  const releases = ledger ? releasesToVerify(ledger) : configReleases(ctx.config).map((r) => r.release);
  const result = await verifyReleases({ ...ctx, namespace: ctx.namespace ?? ledger?.namespace }, releases, {
    baseline,
    title: ledger ? `Verification of deploy run ${ledger.runId}` : 'Verification',
  });
  return { result, exitCode: verdictExitCode(result) };
}

export interface RollbackStepInput extends GateContext {
  /** Roll back what this deploy run changed… */
  ledger?: Ledger;
  /** …or these components (to `toRevision`, default their previous deployed revision). */
  components?: string[];
  toRevision?: number;
  reason?: string;
  /** Do not verify after the rollback. */
  skipVerify: boolean;
  helm?: RollbackHelm;
  helmBinary?: string;
}

export interface RollbackStepResult {
  rollback: RollbackReport;
  verification?: VerificationResult;
  /** 0 done (and verified), 2 the rollback failed, 3 verification after it failed, 4 it was inconclusive. */
  exitCode: number;
}

/** Which releases a rollback request names; exactly one of ledger and components. */
function checkMode(input: RollbackStepInput): 'ledger' | 'components' {
  const hasComponents = (input.components?.length ?? 0) > 0;
  if (input.ledger && hasComponents) {
    throw new UserError(
      'both a ledger and components were given',
      'roll back either what one deploy run changed (ledger) or the components you name, not both',
    );
  }
  if (!input.ledger && !hasComponents) {
    throw new UserError(
      'nothing to roll back: neither a ledger nor components were given',
      'pass --ledger FILE (what a deploy run changed) or --components a,b (CLI); ledger or components (action)',
    );
  }
  if (input.ledger && input.toRevision !== undefined) {
    throw new UserError(
      'a target revision goes with one named component, not with a ledger',
      'a ledger rollback returns each release to the revision it had before that run',
    );
  }
  return input.ledger ? 'ledger' : 'components';
}

/** `release-kit rollback`: plan (refusing bad requests before any change), roll back, then verify unless skipped. */
export async function runRollback(input: RollbackStepInput): Promise<RollbackStepResult> {
  const mode = checkMode(input);
  const settings = rollbackSettings(input.config);
  const clock = input.clock ?? systemClock;
  // Parse the verification settings too before any change: a config that cannot verify is refused up front.
  const rateWindowMs = parseDuration(input.config.verification?.rate_window, 'verification.rate_window');
  const helm = input.helm ?? (await createHelm({ binary: input.helmBinary, kubeconfig: input.kubeconfig }));
  const namespace = input.namespace ?? input.ledger?.namespace;
  const plan =
    mode === 'ledger'
      ? planAutomaticRollback(
          input.ledger as Ledger,
          settings,
          'manual_trigger',
          input.reason?.trim() || `rollback of deploy run ${(input.ledger as Ledger).runId}`,
        )
      : await planManual(
          input.config,
          { components: input.components ?? [], toRevision: input.toRevision, reason: input.reason ?? '' },
          helm,
          namespace,
        );
  const rollback = await log.group('Rollback', () => executeRollback(plan, { helm, clock, settings }));
  if (rollback.outcome === 'failed') return { rollback, exitCode: 2 };
  const released = rollback.releases.map((r) => r.release);
  if (input.skipVerify || released.length === 0) {
    if (input.skipVerify) log.info('verification after the rollback skipped (skip-verify)');
    return { rollback, exitCode: 0 };
  }
  const verification = await verifyReleases({ ...input, namespace, clock }, released, {
    title: 'Verification after the rollback',
    adjust: (s) => settingsAfterRollback(s, rateWindowMs),
  });
  return { rollback, verification, exitCode: verdictExitCode(verification) };
}
