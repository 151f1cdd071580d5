// A small NetworkPolicy evaluator for the policy tests: which pod may open a connection to which, in one
// namespace, following the Kubernetes rules (a pod selected by no policy of a direction is open in that
// direction; otherwise some rule of a selecting policy must match the peer). Ports are not modelled.
import type { K8sObject } from './render.js';

export interface Pod {
  name: string;
  labels: Record<string, string>;
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined;

const matches = (selector: Selector, labels: Record<string, string>): boolean => {
  if (selector?.matchExpressions?.length)
    throw new Error('matchExpressions are not modelled by this evaluator');
  return Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
};

// biome-ignore lint/suspicious/noExplicitAny: a NetworkPolicyPeer
const peerMatches = (peer: any, pod: Pod): boolean => {
  if (peer.ipBlock) return false; // pod-to-pod traffic inside the cluster
  // A namespaceSelector alone names other namespaces' pods; `{}` means every namespace (ours included).
  if (peer.namespaceSelector && Object.keys(peer.namespaceSelector).length > 0) return false;
  return matches(peer.podSelector, pod.labels);
};

function allowedIn(policies: K8sObject[], direction: 'Ingress' | 'Egress', self: Pod, peer: Pod): boolean {
  const selecting = policies.filter(
    (p) =>
      (p.spec.policyTypes ?? ['Ingress']).includes(direction) && matches(p.spec.podSelector, self.labels),
  );
  if (selecting.length === 0) return true;
  const key = direction === 'Ingress' ? 'from' : 'to';
  type Rule = { from?: unknown[]; to?: unknown[] };
  return selecting.some((p) =>
    ((p.spec[direction.toLowerCase()] ?? []) as Rule[]).some(
      (rule) => !rule[key] || rule[key].some((peerSpec) => peerMatches(peerSpec, peer)),
    ),
  );
}

export const canConnect = (policies: K8sObject[], from: Pod, to: Pod): boolean =>
  allowedIn(policies, 'Egress', from, to) && allowedIn(policies, 'Ingress', to, from);

/** Every "a -> b" pair of distinct pods (by name) that may connect. */
export function connectionGraph(policies: K8sObject[], pods: Pod[]): Set<string> {
  const edges = new Set<string>();
  for (const a of pods)
    for (const b of pods) if (a !== b && canConnect(policies, a, b)) edges.add(`${a.name} -> ${b.name}`);
  return edges;
}
