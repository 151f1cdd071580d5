// Rollout health of the releases' workloads, read from the cluster as the `KubeSignal` the verification engine
// judges: desired and ready replicas of each Deployment/StatefulSet and the pods that cannot run.
// The reading (I/O) is split from the interpretation (pure functions over the API objects).
import type { V1Deployment, V1LabelSelector, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { UserError } from '../errors.js';
import type { KubeSignal } from '../verify/types.js';
import type { KubeClient } from './client.js';

export type WorkloadKind = 'Deployment' | 'StatefulSet';

/** One workload of a release; `id` (`Deployment/api-deployment`) is what checks and reports name it by. */
export interface WorkloadRef {
  id: string;
  kind: WorkloadKind;
  name: string;
  /** The Helm release that owns it (its `app.kubernetes.io/instance` label). */
  release: string;
}

/** Container states that will not resolve by waiting: the pod is failing, not starting. */
const FAILING_WAITING = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

/** Why a pod counts as failing (CrashLoopBackOff, ImagePullBackOff, OOMKilled, Failed…), or undefined. */
export function failingReason(pod: V1Pod): string | undefined {
  if (pod.status?.phase === 'Failed') return pod.status.reason ?? 'Failed';
  for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = c.state?.waiting?.reason;
    if (waiting && FAILING_WAITING.has(waiting)) return waiting;
    // A container killed for memory and restarted is failing even while it briefly runs again.
    const last = c.lastState?.terminated?.reason;
    if (last === 'OOMKilled' && (c.restartCount ?? 0) > 0) return 'OOMKilled';
  }
  return undefined;
}

/**
 * The signal of one workload. Ready counts only pods of the current template (`updatedReplicas`), so old pods
 * that are still serving during a rollout do not make a broken new version look healthy.
 */
export function kubeSignalOf(
  kind: WorkloadKind,
  workload: V1Deployment | V1StatefulSet,
  pods: V1Pod[],
): KubeSignal {
  const name = workload.metadata?.name ?? '';
  const status = workload.status;
  const current =
    status?.observedGeneration === undefined ||
    workload.metadata?.generation === undefined ||
    status.observedGeneration >= workload.metadata.generation;
  const ready = current ? Math.min(status?.readyReplicas ?? 0, status?.updatedReplicas ?? 0) : 0;
  const failingPods = pods.flatMap((pod) => {
    const reason = failingReason(pod);
    return reason ? [{ name: pod.metadata?.name ?? '', reason }] : [];
  });
  return {
    kind: 'kube',
    workload: `${kind}/${name}`,
    desiredReplicas: workload.spec?.replicas ?? 1,
    readyReplicas: ready,
    failingPods,
  };
}

/** Whether a pod's labels match a workload's selector (matchLabels and matchExpressions). */
export function matchesSelector(
  labels: Record<string, string> | undefined,
  selector: V1LabelSelector | undefined,
): boolean {
  if (!selector) return false;
  const own = labels ?? {};
  const plain = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => own[k] === v);
  return (
    plain &&
    (selector.matchExpressions ?? []).every((e) => {
      const has = Object.hasOwn(own, e.key);
      const value = own[e.key];
      switch (e.operator) {
        case 'In':
          return has && (e.values ?? []).includes(value as string);
        case 'NotIn':
          return !has || !(e.values ?? []).includes(value as string);
        case 'Exists':
          return has;
        case 'DoesNotExist':
          return !has;
        default:
          return false;
      }
    })
  );
}

/** Parses `Deployment/name` (a check's workload) into its kind and name. */
export function parseWorkloadId(id: string): { kind: WorkloadKind; name: string } {
  const m = /^(Deployment|StatefulSet)\/([a-z0-9][-a-z0-9.]*)$/.exec(id);
  if (!m) {
    throw new UserError(`"${id}" does not name a workload`, 'write Deployment/<name> or StatefulSet/<name>');
  }
  return { kind: m[1] as WorkloadKind, name: m[2] as string };
}

export interface WorkloadReader {
  /** The Deployments and StatefulSets of the given Helm releases, sorted by id. */
  list(releases: readonly string[]): Promise<WorkloadRef[]>;
  /** The current signal of one workload (`Deployment/api-deployment`). */
  signal(id: string): Promise<KubeSignal>;
}

const instanceLabel = 'app.kubernetes.io/instance';

interface Snapshot {
  deployments: V1Deployment[];
  statefulSets: V1StatefulSet[];
  pods: V1Pod[];
}

/** The signal of `id` in a snapshot of the namespace; a workload that is gone has nothing ready. */
export function signalFromSnapshot(snapshot: Snapshot, id: string): KubeSignal {
  const { kind, name } = parseWorkloadId(id);
  const all: (V1Deployment | V1StatefulSet)[] =
    kind === 'Deployment' ? snapshot.deployments : snapshot.statefulSets;
  const workload = all.find((w) => w.metadata?.name === name);
  if (!workload) {
    return {
      kind: 'kube',
      workload: id,
      desiredReplicas: 1,
      readyReplicas: 0,
      failingPods: [{ name: id, reason: 'NotFound' }],
    };
  }
  const pods = snapshot.pods.filter((p) => matchesSelector(p.metadata?.labels, workload.spec?.selector));
  return kubeSignalOf(kind, workload, pods);
}

/**
 * Reads workloads of one namespace through the Kubernetes API. The checks of one evaluation round share one
 * snapshot (three list calls) taken at most `maxAgeMs` earlier, instead of two calls per workload.
 */
export function workloadReader(
  client: KubeClient,
  namespace: string,
  options: { maxAgeMs?: number; now?: () => number } = {},
): WorkloadReader {
  const maxAgeMs = options.maxAgeMs ?? 500;
  const now = options.now ?? Date.now;
  let cached: { at: number; snapshot: Promise<Snapshot> } | undefined;
  const snapshot = (): Promise<Snapshot> => {
    if (cached && now() - cached.at <= maxAgeMs) return cached.snapshot;
    const taking = Promise.all([
      client.apps.listNamespacedDeployment({ namespace }),
      client.apps.listNamespacedStatefulSet({ namespace }),
      client.core.listNamespacedPod({ namespace }),
    ]).then(([d, s, p]) => ({ deployments: d.items, statefulSets: s.items, pods: p.items }));
    cached = { at: now(), snapshot: taking };
    // A failed snapshot is not reused: the next check asks again.
    taking.catch(() => {
      if (cached?.snapshot === taking) cached = undefined;
    });
    return taking;
  };
  return {
    async list(releases) {
      const s = await snapshot();
      const refs = [
        ...s.deployments.map((w) => ref('Deployment', w)),
        ...s.statefulSets.map((w) => ref('StatefulSet', w)),
      ].filter((r) => releases.includes(r.release));
      return refs.sort((a, b) => a.id.localeCompare(b.id));
    },
    async signal(id) {
      return signalFromSnapshot(await snapshot(), id);
    },
  };
}

function ref(kind: WorkloadKind, w: V1Deployment | V1StatefulSet): WorkloadRef {
  const name = w.metadata?.name ?? '';
  return { id: `${kind}/${name}`, kind, name, release: w.metadata?.labels?.[instanceLabel] ?? '' };
}
