// In-memory object storage: one resourceVersion counter for the whole cluster (as etcd's revision), a
// bounded event log so watches can resume from a resourceVersion, and fan-out to watchers.
import { clone, type KubeObject } from './object.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  /** `group/plural` of the object. */
  resource: string;
  object: KubeObject;
  rv: number;
}

const logLimit = 5000;

const objectKey = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;

export class ObjectStore {
  private revision = 1;
  private readonly resources = new Map<string, Map<string, KubeObject>>();
  private readonly log: StoreEvent[] = [];
  private readonly listeners = new Set<(event: StoreEvent) => void>();

  get resourceVersion(): number {
    return this.revision;
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.resources.get(resource)?.get(objectKey(namespace, name));
    return found && clone(found);
  }

  /** Every object of a resource, in one namespace or all (namespace undefined), sorted by namespace/name. */
  list(resource: string, namespace?: string): KubeObject[] {
    const all = [...(this.resources.get(resource)?.entries() ?? [])].sort(([a], [b]) => (a < b ? -1 : 1));
    return all
      .map(([, obj]) => obj)
      .filter((obj) => namespace === undefined || obj.metadata.namespace === namespace)
      .map((obj) => clone(obj));
  }

  /** Stores a new or changed object, stamping a fresh resourceVersion; returns the stored copy. */
  put(resource: string, object: KubeObject): KubeObject {
    const objects = this.resources.get(resource) ?? new Map<string, KubeObject>();
    this.resources.set(resource, objects);
    const key = objectKey(object.metadata.namespace, object.metadata.name);
    const type: EventType = objects.has(key) ? 'MODIFIED' : 'ADDED';
    const stored = clone(object);
    stored.metadata.resourceVersion = String(++this.revision);
    objects.set(key, stored);
    this.emit({ type, resource, object: stored, rv: this.revision });
    return clone(stored);
  }

  delete(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const objects = this.resources.get(resource);
    const key = objectKey(namespace, name);
    const existing = objects?.get(key);
    if (!objects || !existing) return undefined;
    objects.delete(key);
    const gone = clone(existing);
    gone.metadata.resourceVersion = String(++this.revision);
    this.emit({ type: 'DELETED', resource, object: gone, rv: this.revision });
    return clone(gone);
  }

  /** Every stored object of every resource (for garbage collection by owner uid). */
  *entries(): Generator<[string, KubeObject]> {
    for (const [resource, objects] of this.resources)
      for (const obj of objects.values()) yield [resource, obj];
  }

  /** Events after `rv`, or undefined when the log no longer reaches back that far (a watch gets 410). */
  eventsSince(rv: number): StoreEvent[] | undefined {
    const first = this.log[0];
    if (first && rv < first.rv - 1) return undefined;
    return this.log.filter((event) => event.rv > rv);
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: StoreEvent): void {
    this.log.push(event);
    if (this.log.length > logLimit) this.log.splice(0, this.log.length - logLimit);
    for (const listener of this.listeners) listener(event);
  }
}
