// Scaling Deployments and StatefulSets through the scale subresource, for the restore flow's "stop services"
// and "start services" steps: read how many replicas each workload of some releases runs, set a count, and
// wait until the pods are gone (0) or ready again.
import {
  PatchStrategy,
  setHeaderOptions,
  type V1Deployment,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import { UserError } from '../errors.js';
import type { KubeClient } from './client.js';

/** The workloads the restore flow scales. */
export type ScalableKind = 'Deployment' | 'StatefulSet';

export interface WorkloadReplicas {
  name: string;
  /** The Helm release owning it (its app.kubernetes.io/instance label). */
  release: string;
  replicas: number;
}

/** Every Deployment of the given releases with its desired replica count, sorted by name. */
export function deploymentsOf(
  client: KubeClient,
  namespace: string,
  releases: readonly string[],
): Promise<WorkloadReplicas[]> {
  return workloadsOf(client, namespace, releases, 'Deployment');
}

/** Every StatefulSet of the given releases (the stores) with its desired replica count, sorted by name. */
export function statefulSetsOf(
  client: KubeClient,
  namespace: string,
  releases: readonly string[],
): Promise<WorkloadReplicas[]> {
  return workloadsOf(client, namespace, releases, 'StatefulSet');
}

async function workloadsOf(
  client: KubeClient,
  namespace: string,
  releases: readonly string[],
  kind: ScalableKind,
): Promise<WorkloadReplicas[]> {
  const found: WorkloadReplicas[] = [];
  for (const release of releases) {
    const query = { namespace, labelSelector: `app.kubernetes.io/instance=${release}` };
    const list =
      kind === 'Deployment'
        ? await client.apps.listNamespacedDeployment(query)
        : await client.apps.listNamespacedStatefulSet(query);
    for (const d of list.items) {
      found.push({ name: d.metadata?.name ?? '', release, replicas: d.spec?.replicas ?? 1 });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** `kubectl scale`: a merge patch of the scale subresource (what the HPA and kubectl use). */
export async function scaleWorkload(
  client: KubeClient,
  namespace: string,
  name: string,
  replicas: number,
  kind: ScalableKind = 'Deployment',
): Promise<void> {
  const request = { name, namespace, body: { spec: { replicas } } };
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  if (kind === 'Deployment') await client.apps.patchNamespacedDeploymentScale(request, merge);
  else await client.apps.patchNamespacedStatefulSetScale(request, merge);
}

/**
 * True once a Deployment or StatefulSet runs exactly `replicas` pods of its current template, all ready.
 * Pure.
 */
export function reachedReplicas(d: V1Deployment | V1StatefulSet, replicas: number): boolean {
  const s = d.status ?? {};
  if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) return false;
  if (replicas === 0) return (s.replicas ?? 0) === 0;
  return (
    (s.replicas ?? 0) === replicas &&
    (s.readyReplicas ?? 0) >= replicas &&
    (s.updatedReplicas ?? 0) >= replicas
  );
}

/** Waits until every named workload has reached its count; names the ones that did not at the deadline. */
export async function waitForReplicas(
  client: KubeClient,
  namespace: string,
  targets: readonly { name: string; replicas: number }[],
  o: { timeoutMs: number; pollMs?: number; kind?: ScalableKind },
): Promise<void> {
  const kind = o.kind ?? 'Deployment';
  const deadline = Date.now() + o.timeoutMs;
  let pending = [...targets];
  for (;;) {
    const still: typeof pending = [];
    for (const t of pending) {
      const d =
        kind === 'Deployment'
          ? await client.apps.readNamespacedDeployment({ name: t.name, namespace })
          : await client.apps.readNamespacedStatefulSet({ name: t.name, namespace });
      if (!reachedReplicas(d, t.replicas)) still.push(t);
    }
    pending = still;
    if (pending.length === 0) return;
    if (Date.now() > deadline) {
      throw new UserError(
        `${kind}s did not reach their replica counts within ${Math.round(o.timeoutMs / 1000)} s: ${pending
          .map((t) => `${t.name} (want ${t.replicas})`)
          .join(', ')}`,
        `look at them: kubectl -n ${namespace} get ${kind.toLowerCase()}s,pods`,
      );
    }
    await new Promise((r) => setTimeout(r, o.pollMs ?? 250));
  }
}
