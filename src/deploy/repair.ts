// Repairing what a cancelled or failed deploy run left behind: releases whose newest revision is still
// pending-* because the run's helm was killed mid-upgrade or mid-install (helm would otherwise refuse
// the next deploy with "another operation is in progress"), and the deploy lock it still holds.
//
// Only a run that holds the deploy lock may repair: no other release-kit deploy can then be running helm
// on the namespace, so planRepair's own-lock rule lets it roll back (or uninstall) at once. Under anyone
// else's lock, or none, nothing is touched. Afterwards the lock is released as deploy releases it
// (written back expired), so the next run need not wait for it to expire.
import { loadReleaseConfig } from '../config/index.js';
import { describeError, UserError } from '../errors.js';
import {
  createHelm,
  type DeployLock,
  deployLockAnnotation,
  formatDeployLock,
  type Helm,
  isPending,
  parseDeployLock,
  type ReleaseStatus,
} from '../helm/index.js';
import { type AnnotatedObject, readAnnotation, writeAnnotation } from '../kube/annotation-lock.js';
import { createKubeClient, type KubeClient } from '../kube/client.js';
import { type Logger, log } from '../log.js';
import { planRelease } from '../plan/index.js';
import { checkNamespace } from './inputs.js';
import { kubeCall, lockConfigMapName, releaseLock } from './lock.js';
import { defaultTimeoutSeconds } from './run.js';

export interface RepairRunOptions {
  /** Release configuration file. */
  config: string;
  environment?: string;
  /** Kubeconfig file; KUBECONFIG or ~/.kube/config when absent. */
  kubeconfig?: string;
  /** Overrides the config's namespace. */
  namespace?: string;
  /** helm executable; `helm` on PATH by default. */
  helm?: string;
  /** The deploy run whose leftovers are repaired, as it took the lock (e.g. `github:owner/repo/runs/123`). */
  holder: string;
  /** helm --timeout of each rollback or uninstall, in seconds (default 300). */
  timeoutSeconds?: number;
  now?: () => Date;
}

export interface ReleaseRepair {
  release: string;
  /** The release's status before the repair ('not-installed' when helm does not know it). */
  status: ReleaseStatus | 'not-installed';
  /** repaired: rolled back or uninstalled; failed: helm failed to; left: pending, but not repaired. */
  outcome: 'not-pending' | 'repaired' | 'failed' | 'left';
  action?: 'rollback' | 'uninstall';
  toRevision?: number;
  /** Why it was (or was not) repaired, or why the repair failed. */
  detail: string;
}

export interface RepairResult {
  namespace: string;
  holder: string;
  /** Whether this holder held the deploy lock; when false nothing was changed. */
  lockHeld: boolean;
  /** Who the deploy lock found on the cluster names, if there was one. */
  lockHolder?: string;
  lockReleased: boolean;
  /** Every planned release (empty when the lock was not held: none was looked at). */
  releases: ReleaseRepair[];
  outcome: 'nothing-to-repair' | 'repaired' | 'failed';
}

/** Pure: the lock found on the cluster if it is this holder's. An expired one still is: nobody took it since. */
export function heldLock(found: DeployLock | undefined, holder: string): DeployLock | undefined {
  return found?.holder === holder ? found : undefined;
}

/** Pure: one line saying what the repair did. */
export function repairHeadline(result: RepairResult): string {
  const where = `namespace ${result.namespace}`;
  if (!result.lockHeld) {
    const who = result.lockHolder ? `It is held by ${result.lockHolder}.` : 'There is no deploy lock.';
    return `The deploy lock of ${where} is not held by this run (${result.holder}): nothing to repair. ${who}`;
  }
  const count = (o: ReleaseRepair['outcome']) => result.releases.filter((r) => r.outcome === o).length;
  const released = result.lockReleased
    ? 'released the deploy lock'
    : 'could not release the deploy lock (it expires by itself)';
  if (result.outcome === 'nothing-to-repair') return `No release of ${where} is pending; ${released}.`;
  const failed = count('failed');
  return `Repaired ${count('repaired')} pending releases of ${where}${failed ? `, ${failed} failed` : ''}; ${released}.`;
}

/**
 * Pure: the headline, one line per release that was pending (helm's multi-line errors folded into it), then,
 * when a release could not be repaired, what to do about it.
 */
export function formatRepairReport(result: RepairResult): string {
  const lines = result.releases
    .filter((r) => r.outcome !== 'not-pending')
    .map((r) => `  ${r.release} (${r.status}): ${r.outcome}: ${r.detail.replace(/\s*\n\s*/g, ' ')}`);
  return [repairHeadline(result), ...lines, ...nextSteps(result)].join('\n');
}

/** Pure: what a person does about the releases the repair could not fix; nothing when there are none. */
function nextSteps(result: RepairResult): string[] {
  const stuck = result.releases.filter((r) => r.outcome === 'failed' || r.outcome === 'left');
  if (stuck.length === 0) return [];
  const first = stuck[0]?.release as string;
  return [
    `What to do: look at ${stuck.map((r) => r.release).join(', ')} (helm history ${first} -n ${result.namespace}) and fix what the error names (pods that never become ready, a timeout too short for the rollout);`,
    `then deploy again (a failed release is upgraded as usual), or, while one is still pending, run release-kit repair --holder ${result.holder} again.`,
  ];
}

export async function runRepair(
  options: RepairRunOptions,
  deps: { logger?: Logger } = {},
): Promise<RepairResult> {
  const logger = deps.logger ?? log;
  const now = options.now ?? (() => new Date());
  const timeoutSeconds = options.timeoutSeconds ?? defaultTimeoutSeconds;
  if (!(Number.isInteger(timeoutSeconds) && timeoutSeconds > 0))
    throw new UserError(`invalid timeout ${timeoutSeconds}`, 'give whole seconds greater than 0');
  if (options.holder.trim() === '')
    throw new UserError(
      'the lock holder is empty',
      'give the holder id the deploy run took the lock with, e.g. github:owner/repo/runs/123',
    );

  // Inputs first: nothing below talks to the cluster until they all hold.
  const config = await loadReleaseConfig(options.config, { environment: options.environment });
  const namespace = options.namespace ?? config.namespace;
  checkNamespace(namespace, options.namespace ? 'the namespace' : 'the config namespace');
  const planned = planRelease(config).releases.map((r) => r.release);
  const kube = createKubeClient(options.kubeconfig);

  const ref: AnnotatedObject = { namespace, name: lockConfigMapName, annotation: deployLockAnnotation };
  const state = await kubeCall(() => readAnnotation(kube, ref), namespace, 'read the deploy lock');
  const found =
    state.value === undefined
      ? undefined
      : parseDeployLock(state.value, `ConfigMap ${lockConfigMapName} in namespace ${namespace}`);
  const base = { namespace, holder: options.holder, ...(found ? { lockHolder: found.holder } : {}) };
  const held = heldLock(found, options.holder);
  if (!held) {
    return { ...base, lockHeld: false, lockReleased: false, releases: [], outcome: 'nothing-to-repair' };
  }

  const helm = await createHelm({
    ...(options.helm ? { binary: options.helm } : {}),
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    namespace,
  });
  const listed = new Map((await helm.list({ namespace })).map((r) => [r.name, r]));
  const pending = planned.filter((name) => {
    const status = listed.get(name)?.status;
    return status !== undefined && isPending(status);
  });

  // Renewed for the repairs' length first: an expired lock of ours could otherwise be taken by another
  // deploy that would then repair the same releases at the same time.
  const ttlMs = (pending.length * (timeoutSeconds + 60) + 60) * 1000;
  const lock: DeployLock = { ...held, expiresAt: new Date(now().getTime() + ttlMs) };
  const renew = () => writeAnnotation(kube, ref, state, formatDeployLock(lock));
  if (!(await kubeCall(renew, namespace, 'renew the deploy lock'))) {
    throw new UserError(
      `the deploy lock of namespace ${namespace} changed while this run was renewing it to repair its releases`,
      'another deploy may have started; look at its lock and run the repair again if it is still this run',
    );
  }
  logger.info(
    `this run holds the deploy lock of namespace ${namespace}: ${pending.length} of its ${planned.length} releases are pending`,
  );

  const releases: ReleaseRepair[] = [];
  for (const release of planned) {
    const summary = listed.get(release);
    if (!summary || !isPending(summary.status)) {
      releases.push({
        release,
        status: summary?.status ?? 'not-installed',
        outcome: 'not-pending',
        detail: summary ? `revision ${summary.revision} is ${summary.status}` : 'not installed',
      });
      continue;
    }
    releases.push(await repairOne(helm, release, summary.status, lock, options.holder, timeoutSeconds, now));
  }

  const lockReleased = await releaseRenewedLock(kube, ref, lock, now, logger);
  const outcome = releases.some((r) => r.outcome === 'failed' || r.outcome === 'left')
    ? 'failed'
    : pending.length > 0
      ? 'repaired'
      : 'nothing-to-repair';
  return { ...base, lockHeld: true, lockReleased, releases, outcome };
}

async function repairOne(
  helm: Helm,
  release: string,
  status: ReleaseStatus,
  lock: DeployLock,
  holder: string,
  timeoutSeconds: number,
  now: () => Date,
): Promise<ReleaseRepair> {
  try {
    const { plan } = await helm.repairPending({
      release,
      lock,
      holder,
      // Never decisive here: under this run's own lock planRepair does not wait for staleness.
      staleAfterMs: (timeoutSeconds + 120) * 1000,
      now: now(),
      wait: true,
      timeoutSeconds,
    });
    if (plan.action === 'rollback' || plan.action === 'uninstall') {
      return {
        release,
        status,
        outcome: 'repaired',
        action: plan.action,
        ...(plan.action === 'rollback' ? { toRevision: plan.toRevision } : {}),
        detail: plan.reason,
      };
    }
    // 'none': helm finished between the listing and the history. 'blocked' cannot happen under this run's
    // own lock, but would leave the release as it is.
    return { release, status, outcome: plan.action === 'none' ? 'not-pending' : 'left', detail: plan.reason };
  } catch (e) {
    return { release, status, outcome: 'failed', detail: describeError(e) };
  }
}

/** Releases the lock as deploy does; a failure leaves it to expire by itself. */
async function releaseRenewedLock(
  kube: KubeClient,
  ref: AnnotatedObject,
  lock: DeployLock,
  now: () => Date,
  logger: Logger,
): Promise<boolean> {
  try {
    return await releaseLock(kube, ref, lock, now, logger);
  } catch (e) {
    logger.warn(
      `could not release the deploy lock: ${describeError(e)}; it expires at ${lock.expiresAt.toISOString()}`,
    );
    return false;
  }
}
