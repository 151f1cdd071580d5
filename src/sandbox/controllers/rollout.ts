// Rollout arithmetic of the Deployment controller, as pure functions: how many pods the new and old
// ReplicaSets should have next, honouring maxSurge and maxUnavailable (RollingUpdate) or Recreate.

/** An int-or-percent (`1`, `"25%"`) of a total; surge rounds up, unavailability rounds down. */
export function resolveIntOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(String(value ?? '0'));
  if (!m) return Number(value) || 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export interface RolloutLimits {
  maxSurge: number;
  maxUnavailable: number;
}

/** maxSurge/maxUnavailable of a Deployment; both zero would deadlock, so unavailability becomes 1. */
export function rolloutLimits(
  replicas: number,
  strategy: Record<string, unknown> | undefined,
): RolloutLimits {
  if (strategy?.type === 'Recreate') return { maxSurge: 0, maxUnavailable: replicas };
  const rolling = (strategy?.rollingUpdate ?? {}) as Record<string, unknown>;
  const maxSurge = resolveIntOrPercent(rolling.maxSurge ?? '25%', replicas, true);
  let maxUnavailable = resolveIntOrPercent(rolling.maxUnavailable ?? '25%', replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, replicas) };
}

export interface SetState {
  name: string;
  /** spec.replicas */
  replicas: number;
  /** pods that exist (status.replicas) */
  current: number;
  /** ready pods (status.availableReplicas; minReadySeconds is not simulated) */
  available: number;
}

export interface RolloutInput {
  replicas: number;
  recreate: boolean;
  limits: RolloutLimits;
  newSet: SetState;
  /** Older ReplicaSets, oldest first. */
  oldSets: SetState[];
}

/** The desired spec.replicas of every ReplicaSet after one controller step. */
export function rolloutStep(input: RolloutInput): Map<string, number> {
  const { replicas, limits, newSet, oldSets } = input;
  const next = new Map<string, number>([
    [newSet.name, newSet.replicas],
    ...oldSets.map((s) => [s.name, s.replicas] as const),
  ]);
  if (input.recreate) {
    for (const old of oldSets) next.set(old.name, 0);
    const oldPodsGone = oldSets.every((s) => s.current === 0);
    next.set(newSet.name, oldPodsGone ? replicas : 0);
    return next;
  }
  if (oldSets.every((s) => s.replicas === 0)) {
    next.set(newSet.name, replicas);
    return next;
  }
  // Scale the new set up within the surge budget.
  let newReplicas = Math.min(newSet.replicas, replicas);
  const total = () => newReplicas + oldSets.reduce((n, s) => n + (next.get(s.name) ?? 0), 0);
  const room = replicas + limits.maxSurge - total();
  if (room > 0) newReplicas = Math.min(replicas, newReplicas + room);
  next.set(newSet.name, newReplicas);

  // Scale old sets down while enough pods stay available: unhealthy old pods first, then healthy ones.
  const minAvailable = replicas - limits.maxUnavailable;
  const newUnavailable = Math.max(0, newSet.current - newSet.available);
  let budget = total() - minAvailable - newUnavailable;
  for (const old of oldSets) {
    if (budget <= 0) break;
    const unhealthy = Math.max(0, old.replicas - old.available);
    const cut = Math.min(budget, unhealthy);
    next.set(old.name, old.replicas - cut);
    budget -= cut;
  }
  const available =
    newSet.available + oldSets.reduce((n, s) => n + Math.min(s.available, next.get(s.name) ?? 0), 0);
  let scaleDown = available - minAvailable;
  for (const old of oldSets) {
    if (scaleDown <= 0) break;
    const current = next.get(old.name) ?? 0;
    const cut = Math.min(scaleDown, current);
    next.set(old.name, current - cut);
    scaleDown -= cut;
  }
  return next;
}

/** True when the Deployment's rollout is complete (the Progressing=NewReplicaSetAvailable state). */
export const rolloutComplete = (
  replicas: number,
  status: { replicas: number; updatedReplicas: number; availableReplicas: number },
): boolean =>
  status.updatedReplicas === replicas &&
  status.replicas === replicas &&
  status.availableReplicas === replicas;
