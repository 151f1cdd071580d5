// The deploy lock: two deploys of one namespace (one environment) must not interleave. The lock is the
// `release-kit.io/deploy-lock` annotation (src/helm's format) on the ConfigMap `release-kit-lock` of the
// namespace. A holder that dies stops blocking others when its lock expires.
//
// Releasing the lock writes it back expired instead of deleting it: the record of who deployed last
// stays, and a rerun by the same holder (a re-run GitHub job, the same user again) may repair a release
// its own killed helm left pending at once (see planRepair's holder rule).
import { ApiException } from '@kubernetes/client-node';
import { UserError } from '../errors.js';
import { type DeployLock, deployLockAnnotation, formatDeployLock, parseDeployLock } from '../helm/index.js';
import { type AnnotatedObject, readAnnotation, writeAnnotation } from '../kube/annotation-lock.js';
import type { KubeClient } from '../kube/client.js';
import { type Logger, log } from '../log.js';

export const lockConfigMapName = 'release-kit-lock';

export type LockDecision = { take: true } | { take: false; reason: string; hint: string };

/** Pure: may `holder` take the lock now, given the one found (if any)? */
export function decideLock(
  found: DeployLock | undefined,
  holder: string,
  now: Date,
  where: string,
): LockDecision {
  if (!found || found.expiresAt <= now) return { take: true };
  const who = found.holder === holder ? `${holder} (this same holder, in another run)` : found.holder;
  return {
    take: false,
    reason: `another deploy holds the deploy lock of ${where}: ${who}, since ${found.acquiredAt.toISOString()}, until ${found.expiresAt.toISOString()}`,
    hint: `wait for it to finish; if it died, the lock expires at ${found.expiresAt.toISOString()}, or remove it: kubectl annotate configmap ${lockConfigMapName} -n ${where.replace(/^namespace /, '')} ${deployLockAnnotation}-`,
  };
}

export interface HeldLock {
  lock: DeployLock;
  /** The lock found before this run took it (expired, or released by an earlier run). */
  previous?: DeployLock;
  /** Writes the lock back expired; false when it was no longer this run's (left as it is). */
  release(): Promise<boolean>;
}

export async function acquireDeployLock(
  client: KubeClient,
  namespace: string,
  holder: string,
  ttlMs: number,
  now: () => Date = () => new Date(),
): Promise<HeldLock> {
  const ref: AnnotatedObject = { namespace, name: lockConfigMapName, annotation: deployLockAnnotation };
  const where = `namespace ${namespace}`;
  // A lost race (409) is retried from a fresh read: the winner then shows up as a live lock.
  for (let attempt = 0; attempt < 5; attempt++) {
    const state = await kubeCall(() => readAnnotation(client, ref), namespace);
    const previous =
      state.value === undefined
        ? undefined
        : parseDeployLock(state.value, `ConfigMap ${lockConfigMapName} in ${where}`);
    const at = now();
    const decision = decideLock(previous, holder, at, where);
    if (!decision.take) throw new UserError(decision.reason, decision.hint);
    const lock: DeployLock = { holder, acquiredAt: at, expiresAt: new Date(at.getTime() + ttlMs) };
    if (await kubeCall(() => writeAnnotation(client, ref, state, formatDeployLock(lock)), namespace)) {
      log.debug(`took the deploy lock of ${where} until ${lock.expiresAt.toISOString()}`);
      return {
        lock,
        ...(previous ? { previous } : {}),
        release: () => releaseLock(client, ref, lock, now),
      };
    }
  }
  throw new UserError(
    `could not take the deploy lock of ${where}: it kept changing under this run`,
    'another deploy is starting at the same time; run again once it has finished',
  );
}

/** Writes the lock back expired (the record of its last holder stays), unless someone else changed it meanwhile. */
export async function releaseLock(
  client: KubeClient,
  ref: AnnotatedObject,
  lock: DeployLock,
  now: () => Date,
  logger: Logger = log,
): Promise<boolean> {
  const state = await readAnnotation(client, ref);
  const current = state.value === undefined ? undefined : parseDeployLock(state.value, ref.name);
  if (current?.holder !== lock.holder || current.acquiredAt.getTime() !== lock.acquiredAt.getTime()) {
    logger.warn(`the deploy lock of namespace ${ref.namespace} is no longer this run's; left as it is`);
    return false;
  }
  const released = formatDeployLock({ ...lock, expiresAt: now() });
  if (await writeAnnotation(client, ref, state, released)) return true;
  logger.warn(`the deploy lock of namespace ${ref.namespace} changed while being released; left as it is`);
  return false;
}

/**
 * Kubernetes API failures a user can act on become UserErrors naming the namespace and what the call was
 * for (`purpose`: deploy takes the lock, repair only reads and renews the one its run holds).
 */
export async function kubeCall<T>(
  fn: () => Promise<T>,
  namespace: string,
  purpose = 'take the deploy lock',
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof UserError) throw e;
    if (e instanceof ApiException) {
      if (e.code === 401 || e.code === 403) {
        throw new UserError(
          `the Kubernetes API refused the request to ${purpose} of namespace ${namespace} (HTTP ${e.code})`,
          'the kubeconfig identity needs get, create and update on ConfigMaps (and get, create on Namespaces) there',
        );
      }
      throw e;
    }
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw new UserError(
      `cannot reach the Kubernetes API server to ${purpose} of namespace ${namespace}: ${cause}`,
      "check the kubeconfig's server address and that the cluster is up and reachable from here",
    );
  }
}
