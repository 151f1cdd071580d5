// Server-side printing: `kubectl get` asks for a meta.k8s.io Table and prints its columns as they are,
// so the columns users know (READY, STATUS, RESTARTS, UP-TO-DATE…) come from here.
import type { Kind } from './kinds.js';
import { isMap, type KubeObject } from './object.js';

type Cell = string | number;
type Column = {
  name: string;
  type: string;
  format?: string;
  priority?: number;
  /** `nowMs`: the cluster's wall clock, for ages. */
  cell: (obj: KubeObject, nowMs: number) => Cell;
};

export function age(timestamp: string | undefined, nowMs = Date.now()): string {
  if (!timestamp) return '<unknown>';
  const seconds = Math.max(0, Math.floor((nowMs - Date.parse(timestamp)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h` : `${Math.floor(hours / 24)}d`;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const status = (obj: KubeObject): Record<string, unknown> => obj.status ?? {};
const spec = (obj: KubeObject): Record<string, unknown> => obj.spec ?? {};
const containerStatuses = (obj: KubeObject): Record<string, unknown>[] =>
  (Array.isArray(status(obj).containerStatuses) ? (status(obj).containerStatuses as unknown[]) : []).filter(
    isMap,
  );

/** The STATUS column of a pod, as kubectl shows it (waiting reason wins over the phase). */
export function podStatusText(pod: KubeObject): string {
  for (const cs of containerStatuses(pod)) {
    const state = isMap(cs.state) ? cs.state : {};
    if (isMap(state.waiting) && state.waiting.reason) return String(state.waiting.reason);
    if (isMap(state.terminated) && state.terminated.reason && pod.status?.phase !== 'Succeeded')
      return String(state.terminated.reason);
  }
  if (pod.status?.phase === 'Succeeded') return 'Completed';
  return String(pod.status?.phase ?? 'Pending');
}

const name: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name };
const ageColumn: Column = {
  name: 'Age',
  type: 'string',
  cell: (o, nowMs) => age(o.metadata.creationTimestamp, nowMs),
};

const columns: Record<string, Column[]> = {
  Pod: [
    name,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => {
        const all = containerStatuses(o);
        const total = Array.isArray(spec(o).containers)
          ? (spec(o).containers as unknown[]).length
          : all.length;
        return `${all.filter((c) => c.ready).length}/${total}`;
      },
    },
    { name: 'Status', type: 'string', cell: podStatusText },
    {
      name: 'Restarts',
      type: 'string',
      cell: (o) => containerStatuses(o).reduce((n, c) => n + num(c.restartCount), 0),
    },
    ageColumn,
    { name: 'IP', type: 'string', priority: 1, cell: (o) => String(status(o).podIP ?? '<none>') },
  ],
  Deployment: [
    name,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => `${num(status(o).readyReplicas)}/${num(spec(o).replicas)}`,
    },
    { name: 'Up-to-date', type: 'integer', cell: (o) => num(status(o).updatedReplicas) },
    { name: 'Available', type: 'integer', cell: (o) => num(status(o).availableReplicas) },
    ageColumn,
  ],
  StatefulSet: [
    name,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => `${num(status(o).readyReplicas)}/${num(spec(o).replicas)}`,
    },
    ageColumn,
  ],
  ReplicaSet: [
    name,
    { name: 'Desired', type: 'integer', cell: (o) => num(spec(o).replicas) },
    { name: 'Current', type: 'integer', cell: (o) => num(status(o).replicas) },
    { name: 'Ready', type: 'integer', cell: (o) => num(status(o).readyReplicas) },
    ageColumn,
  ],
  Service: [
    name,
    { name: 'Type', type: 'string', cell: (o) => String(spec(o).type ?? 'ClusterIP') },
    { name: 'Cluster-IP', type: 'string', cell: (o) => String(spec(o).clusterIP ?? '<none>') },
    {
      name: 'Port(s)',
      type: 'string',
      cell: (o) =>
        (Array.isArray(spec(o).ports) ? (spec(o).ports as unknown[]) : [])
          .filter(isMap)
          .map((p) => `${p.port}/${p.protocol ?? 'TCP'}`)
          .join(',') || '<none>',
    },
    ageColumn,
  ],
  Job: [
    name,
    {
      name: 'Status',
      type: 'string',
      cell: (o) => {
        const conditions = Array.isArray(status(o).conditions)
          ? (status(o).conditions as unknown[]).filter(isMap)
          : [];
        const done = conditions.find(
          (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
        );
        return done ? String(done.type) : 'Running';
      },
    },
    {
      name: 'Completions',
      type: 'string',
      cell: (o) => `${num(status(o).succeeded)}/${num(spec(o).completions) || 1}`,
    },
    ageColumn,
  ],
  CronJob: [
    name,
    { name: 'Schedule', type: 'string', cell: (o) => String(spec(o).schedule ?? '') },
    { name: 'Timezone', type: 'string', cell: (o) => String(spec(o).timeZone ?? '<none>') },
    { name: 'Suspend', type: 'string', cell: (o) => String(spec(o).suspend === true) },
    {
      name: 'Active',
      type: 'integer',
      cell: (o) => (Array.isArray(status(o).active) ? (status(o).active as unknown[]).length : 0),
    },
    {
      name: 'Last Schedule',
      type: 'string',
      cell: (o, nowMs) =>
        status(o).lastScheduleTime ? age(String(status(o).lastScheduleTime), nowMs) : '<none>',
    },
    ageColumn,
  ],
  HorizontalPodAutoscaler: [
    name,
    {
      name: 'Reference',
      type: 'string',
      cell: (o) => {
        const ref = isMap(spec(o).scaleTargetRef) ? (spec(o).scaleTargetRef as Record<string, unknown>) : {};
        return `${ref.kind}/${ref.name}`;
      },
    },
    { name: 'MinPods', type: 'integer', cell: (o) => num(spec(o).minReplicas) },
    { name: 'MaxPods', type: 'integer', cell: (o) => num(spec(o).maxReplicas) },
    { name: 'Replicas', type: 'integer', cell: (o) => num(status(o).currentReplicas) },
    ageColumn,
  ],
  Namespace: [
    name,
    { name: 'Status', type: 'string', cell: (o) => String(status(o).phase ?? '') },
    ageColumn,
  ],
};

export function toTable(kind: Kind, objects: KubeObject[], resourceVersion: string, nowMs = Date.now()) {
  const cols = columns[kind.kind] ?? [name, ageColumn];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: cols.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.name,
      priority: c.priority ?? 0,
    })),
    rows: objects.map((obj) => ({
      cells: cols.map((c) => c.cell(obj, nowMs)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata },
    })),
  };
}
