// Scaling Deployments through the scale subresource, for the restore flow's "stop services" and "start
// services" steps: read how many replicas each Deployment of some releases runs, set a count, and wait
// until the pods are gone (0) or ready again.
import { PatchStrategy, setHeaderOptions, type V1Deployment } from '@kubernetes/client-node';
import { UserError } from '../errors.js';
import type { KubeClient } from './client.js';

export interface DeploymentReplicas {
  name: string;
  /** The Helm release owning it (its app.kubernetes.io/instance label). */
  release: string;
  replicas: number;
}

/** Every Deployment of the given releases with its desired replica count, sorted by name. */
export async function deploymentsOf(
  client: KubeClient,
  namespace: string,
  releases: readonly string[],
): Promise<DeploymentReplicas[]> {
  const found: DeploymentReplicas[] = [];
  for (const release of releases) {
    const list = await client.apps.listNamespacedDeployment({
      namespace,
      labelSelector: `app.kubernetes.io/instance=${release}`,
    });
    for (const d of list.items) {
      found.push({ name: d.metadata?.name ?? '', release, replicas: d.spec?.replicas ?? 1 });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** `kubectl scale`: a merge patch of the scale subresource (what the HPA and kubectl use). */
export async function scaleDeployment(
  client: KubeClient,
  namespace: string,
  name: string,
  replicas: number,
): Promise<void> {
  await client.apps.patchNamespacedDeploymentScale(
    { name, namespace, body: { spec: { replicas } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

/** True once a Deployment runs exactly `replicas` pods of its current template, all ready. Pure. */
export function reachedReplicas(d: V1Deployment, replicas: number): boolean {
  const s = d.status ?? {};
  if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) return false;
  if (replicas === 0) return (s.replicas ?? 0) === 0;
  return (
    (s.replicas ?? 0) === replicas &&
    (s.readyReplicas ?? 0) >= replicas &&
    (s.updatedReplicas ?? 0) >= replicas
  );
}

/** Waits until every named Deployment has reached its count; names the ones that did not at the deadline. */
export async function waitForReplicas(
  client: KubeClient,
  namespace: string,
  targets: readonly { name: string; replicas: number }[],
  o: { timeoutMs: number; pollMs?: number },
): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  let pending = [...targets];
  for (;;) {
    const still: typeof pending = [];
    for (const t of pending) {
      const d = await client.apps.readNamespacedDeployment({ name: t.name, namespace });
      if (!reachedReplicas(d, t.replicas)) still.push(t);
    }
    pending = still;
    if (pending.length === 0) return;
    if (Date.now() > deadline) {
      throw new UserError(
        `Deployments did not reach their replica counts within ${Math.round(o.timeoutMs / 1000)} s: ${pending
          .map((t) => `${t.name} (want ${t.replicas})`)
          .join(', ')}`,
        `look at them: kubectl -n ${namespace} get deployments,pods`,
      );
    }
    await new Promise((r) => setTimeout(r, o.pollMs ?? 250));
  }
}
