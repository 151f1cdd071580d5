// The semantics of the Kubernetes REST verbs on top of the store, shared by the HTTP server and the
// controllers: validation, metadata (uid, resourceVersion, generation), defaulting, the four patch
// types, status/scale subresources, cascading deletion and Kubernetes-style errors.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { type Clock, rfc3339, systemClock } from './clock.js';
import { cronJobSpecProblems } from './controllers/schedule.js';
import { applyDefaults } from './defaults.js';
import { apiVersionOf, builtinKinds, type Kind, type KindRegistry, kindFromCrd } from './kinds.js';
import { clone, isMap, type KubeObject, randomSuffix } from './object.js';
import { applyJsonPatch, applyMergePatch, applyPatchFor, applyStrategicMerge, PatchError } from './patch.js';
import {
  fromLabelSelector,
  matches,
  matchesFields,
  parseFieldSelector,
  parseLabelSelector,
  type SelectorError,
} from './selectors.js';
import type { ObjectStore } from './store.js';

/** An error answered as a Kubernetes `Status` object. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  toStatus() {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const patchTypes: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

export interface WriteOptions {
  subresource?: string;
  fieldManager?: string;
  dryRun?: boolean;
}

export interface ListOptions {
  labelSelector?: string | null;
  fieldSelector?: string | null;
}

const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const resourceOf = (kind: Kind): string => `${kind.group}/${kind.plural}`;
const qualified = (kind: Kind): string => (kind.group ? `${kind.plural}.${kind.group}` : kind.plural);

// What a write to the main resource may not change: status belongs to the status subresource.
const withoutStatus = (obj: KubeObject): Record<string, unknown> => {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
};

export class Api {
  /** The last configuration each field manager applied, per object uid (server-side apply). */
  private readonly applied = new Map<string, Map<string, unknown>>();
  private nextClusterIp = 10;

  constructor(
    readonly store: ObjectStore,
    readonly kinds: KindRegistry,
    /** The cluster's wall clock: creation and event timestamps (and `kubectl get` ages) follow it. */
    readonly clock: Clock = systemClock,
  ) {}

  private now(): string {
    return rfc3339(this.clock.now());
  }

  kindOf(obj: KubeObject): Kind | undefined {
    return this.kinds.byKind(obj.apiVersion, obj.kind);
  }

  get(kind: Kind, namespace: string | undefined, name: string): KubeObject {
    const found = this.store.get(resourceOf(kind), kind.namespaced ? namespace : undefined, name);
    if (!found) throw this.notFound(kind, name);
    return found;
  }

  find(kind: Kind, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(resourceOf(kind), kind.namespaced ? namespace : undefined, name);
  }

  list(kind: Kind, namespace: string | undefined, options: ListOptions = {}): KubeObject[] {
    let labels: ReturnType<typeof parseLabelSelector>;
    let fields: ReturnType<typeof parseFieldSelector>;
    try {
      labels = parseLabelSelector(options.labelSelector);
      fields = parseFieldSelector(options.fieldSelector);
    } catch (e) {
      throw new ApiError(400, 'BadRequest', (e as SelectorError).message);
    }
    return this.store
      .list(resourceOf(kind), kind.namespaced ? namespace : undefined)
      .filter((obj) => matches(labels, obj.metadata.labels) && matchesFields(fields, obj));
  }

  /** Objects of a kind in a namespace whose labels a LabelSelector object selects. */
  select(kind: Kind, namespace: string | undefined, selector: unknown): KubeObject[] {
    const requirements = fromLabelSelector(selector);
    if (requirements.length === 0) return [];
    return this.store
      .list(resourceOf(kind), namespace)
      .filter((obj) => matches(requirements, obj.metadata.labels));
  }

  create(kind: Kind, namespace: string | undefined, body: unknown, options: WriteOptions = {}): KubeObject {
    const obj = this.checkBody(kind, namespace, body);
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
    this.validate(kind, obj, undefined);
    if (kind.namespaced) this.requireNamespace(meta.namespace ?? '');
    if (this.find(kind, meta.namespace, meta.name))
      throw new ApiError(409, 'AlreadyExists', `${qualified(kind)} "${meta.name}" already exists`, {
        name: meta.name,
        group: kind.group,
        kind: kind.plural,
      });
    meta.uid = randomUUID();
    meta.creationTimestamp = this.now();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    if (obj.spec !== undefined) meta.generation = 1;
    applyDefaults(obj);
    this.onCreate(kind, obj);
    if (options.dryRun) return obj;
    const stored = this.store.put(resourceOf(kind), obj);
    if (kind.kind === 'CustomResourceDefinition') this.registerCrd(stored);
    return stored;
  }

  replace(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions = {},
  ): KubeObject {
    const obj = this.checkBody(kind, namespace, body);
    if (obj.metadata.name !== name)
      throw new ApiError(
        400,
        'BadRequest',
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
      );
    const existing = this.get(kind, namespace, name);
    const rv = obj.metadata.resourceVersion;
    if (rv && rv !== existing.metadata.resourceVersion)
      throw new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualified(kind)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name, group: kind.group, kind: kind.plural },
      );
    return this.write(kind, existing, obj, options);
  }

  patch(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    options: WriteOptions = {},
  ): { object: KubeObject; created: boolean } {
    const existing = this.find(kind, namespace, name);
    const manager = options.fieldManager ?? '';
    if (!existing) {
      if (type !== 'apply' || options.subresource) throw this.notFound(kind, name);
      // Server-side apply creates what is missing.
      const created = this.create(kind, namespace, patch, options);
      if (!options.dryRun) this.rememberApplied(created, manager, patch);
      return { object: created, created: true };
    }
    const base = options.subresource === 'scale' ? this.scaleOf(existing) : existing;
    let result: unknown;
    try {
      if (type === 'json') result = applyJsonPatch(base, patch);
      else if (type === 'merge') result = applyMergePatch(base, patch);
      else if (type === 'strategic') {
        // Strategic merge needs the Go types' patch metadata: built-in kinds only, as on a real apiserver.
        if (!builtinKinds.some((builtin) => builtin.group === kind.group))
          throw new ApiError(
            415,
            'UnsupportedMediaType',
            `strategic merge patch is not supported for ${qualified(kind)}: use a merge patch`,
          );
        result = applyStrategicMerge(base, patch);
      } else {
        if (!isMap(patch)) throw new PatchError('an apply patch must be an object');
        const previous = existing.metadata.uid
          ? this.applied.get(existing.metadata.uid)?.get(manager)
          : undefined;
        result = applyStrategicMerge(base, applyPatchFor(previous ?? {}, patch));
      }
    } catch (e) {
      if (e instanceof PatchError)
        throw new ApiError(422, 'Invalid', `the patch cannot be applied: ${e.message}`);
      throw e;
    }
    if (!isMap(result))
      throw new ApiError(422, 'Invalid', 'the patch cannot be applied: the result is not an object');
    const updated =
      options.subresource === 'scale'
        ? this.fromScale(existing, result)
        : this.write(kind, existing, result, options);
    if (type === 'apply' && !options.dryRun) this.rememberApplied(updated, manager, patch);
    return { object: updated, created: false };
  }

  /** Deletes an object; dependents (by ownerReference) go too unless the policy is Orphan. */
  delete(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    propagationPolicy = 'Background',
  ): KubeObject {
    const existing = this.get(kind, namespace, name);
    const gone = this.store.delete(resourceOf(kind), existing.metadata.namespace, name) ?? existing;
    const uid = existing.metadata.uid ?? '';
    this.applied.delete(uid);
    if (kind.kind === 'CustomResourceDefinition') this.unregisterCrd(existing);
    if (kind.kind === 'Namespace') this.deleteNamespaceContents(name);
    for (const [resource, obj] of [...this.store.entries()]) {
      const refs = obj.metadata.ownerReferences ?? [];
      if (!refs.some((ref) => ref.uid === uid)) continue;
      const dependentKind = this.kinds.all().find((k) => resourceOf(k) === resource);
      if (!dependentKind) continue;
      if (propagationPolicy === 'Orphan') {
        const orphan = clone(obj);
        orphan.metadata.ownerReferences = refs.filter((ref) => ref.uid !== uid);
        this.store.put(resource, orphan);
      } else if (this.find(dependentKind, obj.metadata.namespace, obj.metadata.name)) {
        this.delete(dependentKind, obj.metadata.namespace, obj.metadata.name, propagationPolicy);
      }
    }
    return gone;
  }

  /** Writes status only (what controllers do), skipping the write when nothing changed. */
  updateStatus(kind: Kind, obj: KubeObject, status: Record<string, unknown>): KubeObject {
    const current = this.get(kind, obj.metadata.namespace, obj.metadata.name);
    if (isDeepStrictEqual(current.status ?? {}, status)) return current;
    return this.store.put(resourceOf(kind), { ...current, status });
  }

  /** The `Scale` view of a scalable object (the /scale subresource). */
  scaleOf(obj: KubeObject): KubeObject {
    const spec = obj.spec ?? {};
    const status = obj.status ?? {};
    const selector = fromLabelSelector(spec.selector)
      .map((r) => ('values' in r ? `${r.key}=${r.values[0]}` : r.key))
      .join(',');
    return {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: {
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        creationTimestamp: obj.metadata.creationTimestamp,
      },
      spec: { replicas: spec.replicas ?? 0 },
      status: { replicas: status.replicas ?? 0, selector },
    };
  }

  private fromScale(existing: KubeObject, scale: Record<string, unknown>): KubeObject {
    const replicas = isMap(scale.spec) ? scale.spec.replicas : undefined;
    if (typeof replicas !== 'number' || replicas < 0 || !Number.isInteger(replicas))
      throw new ApiError(
        422,
        'Invalid',
        `Scale.autoscaling "${existing.metadata.name}" is invalid: spec.replicas: Invalid value`,
      );
    const kind = this.kindOf(existing) as Kind;
    const updated = this.write(kind, existing, { ...existing, spec: { ...existing.spec, replicas } }, {});
    return this.scaleOf(updated);
  }

  /** Shared by PUT and PATCH: keeps server-owned metadata, applies the subresource rules and generation. */
  private write(
    kind: Kind,
    existing: KubeObject,
    incoming: Record<string, unknown>,
    options: WriteOptions,
  ): KubeObject {
    const obj = clone(incoming) as KubeObject;
    if (!isMap(obj.metadata)) obj.metadata = { name: existing.metadata.name };
    let next: KubeObject;
    if (options.subresource === 'status') {
      next = { ...existing, status: obj.status };
    } else {
      next = { ...obj, apiVersion: existing.apiVersion, kind: existing.kind };
      next.metadata = {
        ...obj.metadata,
        name: existing.metadata.name,
        namespace: existing.metadata.namespace,
        uid: existing.metadata.uid,
        creationTimestamp: existing.metadata.creationTimestamp,
        generation: existing.metadata.generation,
      };
      for (const key of Object.keys(next.metadata))
        if (next.metadata[key] === undefined) delete next.metadata[key];
      if (kind.subresources?.includes('status')) next.status = existing.status;
      applyDefaults(next);
      if (kind.kind === 'Service') this.keepClusterIp(existing, next);
      this.validate(kind, next, existing);
      if (!isDeepStrictEqual(withoutStatus(next), withoutStatus(existing)) && existing.metadata.generation)
        next.metadata.generation = existing.metadata.generation + 1;
    }
    if (next.status === undefined) delete next.status;
    if (options.dryRun) return next;
    if (
      isDeepStrictEqual(
        { ...next, metadata: { ...next.metadata, resourceVersion: '' } },
        { ...existing, metadata: { ...existing.metadata, resourceVersion: '' } },
      )
    )
      return existing; // a no-op write keeps the resourceVersion, as the apiserver does
    return this.store.put(resourceOf(kind), next);
  }

  private checkBody(kind: Kind, namespace: string | undefined, body: unknown): KubeObject {
    if (!isMap(body)) throw new ApiError(400, 'BadRequest', 'the request body must be a JSON object');
    const obj = clone(body) as KubeObject;
    if (obj.kind !== undefined && obj.kind !== kind.kind)
      throw new ApiError(
        400,
        'BadRequest',
        `the kind of the object (${String(obj.kind)}) does not match the URL (${kind.kind})`,
      );
    if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersionOf(kind))
      throw new ApiError(
        400,
        'BadRequest',
        `the API version of the object (${String(obj.apiVersion)}) does not match the URL (${apiVersionOf(kind)})`,
      );
    obj.kind = kind.kind;
    obj.apiVersion = apiVersionOf(kind);
    if (!isMap(obj.metadata)) obj.metadata = { name: '' };
    if (kind.namespaced) {
      if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace)
        throw new ApiError(
          400,
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      obj.metadata.namespace = namespace ?? obj.metadata.namespace;
    } else delete obj.metadata.namespace;
    return obj;
  }

  private validate(kind: Kind, obj: KubeObject, existing: KubeObject | undefined): void {
    const causes: { field: string; message: string }[] = [];
    const name = obj.metadata.name;
    if (!name)
      causes.push({ field: 'metadata.name', message: 'Required value: name or generateName is required' });
    else if (name.length > 253 || !dns1123.test(name))
      causes.push({
        field: 'metadata.name',
        message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
      });
    const spec = obj.spec ?? {};
    if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].includes(kind.kind)) {
      const template = isMap(spec.template) ? spec.template : {};
      const labels = isMap(template.metadata)
        ? (template.metadata.labels as Record<string, string>)
        : undefined;
      const selector = fromLabelSelector(spec.selector);
      if (selector.length === 0) causes.push({ field: 'spec.selector', message: 'Required value' });
      else if (!matches(selector, labels))
        causes.push({
          field: 'spec.template.metadata.labels',
          message: `Invalid value: ${JSON.stringify(labels ?? {})}: \`selector\` does not match template \`labels\``,
        });
      if (existing && !isDeepStrictEqual(existing.spec?.selector, spec.selector))
        causes.push({ field: 'spec.selector', message: 'Invalid value: field is immutable' });
    }
    const podSpec = kind.kind === 'Pod' ? spec : isMap(spec.template) ? spec.template.spec : undefined;
    if (podSpec !== undefined) {
      const containers = isMap(podSpec) ? podSpec.containers : undefined;
      if (!Array.isArray(containers) || containers.length === 0)
        causes.push({
          field: `${kind.kind === 'Pod' ? '' : 'spec.template.'}spec.containers`,
          message: 'Required value',
        });
      else
        for (const [i, c] of containers.entries())
          if (!isMap(c) || !c.image)
            causes.push({ field: `spec.template.spec.containers[${i}].image`, message: 'Required value' });
    }
    if (kind.kind === 'CronJob') causes.push(...cronJobSpecProblems(spec));
    if (causes.length > 0)
      throw new ApiError(
        422,
        'Invalid',
        `${kind.kind}.${kind.group || 'core'} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
        {
          name,
          group: kind.group,
          kind: kind.kind,
          causes: causes.map((c) => ({ reason: 'FieldValueInvalid', ...c })),
        },
      );
  }

  private requireNamespace(namespace: string): void {
    const nsKind = this.kinds.byKind('v1', 'Namespace') as Kind;
    if (!namespace) throw new ApiError(400, 'BadRequest', 'a namespaced object needs a namespace');
    if (!this.find(nsKind, undefined, namespace))
      throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, {
        name: namespace,
        kind: 'namespaces',
      });
  }

  private notFound(kind: Kind, name: string): ApiError {
    return new ApiError(404, 'NotFound', `${qualified(kind)} "${name}" not found`, {
      name,
      group: kind.group,
      kind: kind.plural,
    });
  }

  /** Work the apiserver itself does at creation: namespace phase, Service IP allocation, CRD status. */
  private onCreate(kind: Kind, obj: KubeObject): void {
    if (kind.kind === 'Namespace') {
      obj.spec = { finalizers: ['kubernetes'] };
      obj.status = { phase: 'Active' };
      obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name };
    }
    if (kind.kind === 'Service') {
      const spec = obj.spec as Record<string, unknown>;
      if (spec.type !== 'ExternalName' && !spec.clusterIP) {
        const n = this.nextClusterIp++;
        spec.clusterIP = `10.96.${Math.floor(n / 256) % 256}.${n % 256}`;
      }
      if (spec.clusterIP && spec.clusterIP !== 'None') spec.clusterIPs = [spec.clusterIP];
      obj.status =
        spec.type === 'LoadBalancer'
          ? { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } }
          : { loadBalancer: {} };
    }
    if (kind.kind === 'CustomResourceDefinition') {
      const established = kindFromCrd(obj) !== undefined;
      obj.status = {
        conditions: [
          { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', lastTransitionTime: this.now() },
          {
            type: 'Established',
            status: established ? 'True' : 'False',
            reason: 'InitialNamesAccepted',
            lastTransitionTime: this.now(),
          },
        ],
      };
    }
  }

  private keepClusterIp(existing: KubeObject, next: KubeObject): void {
    const spec = next.spec as Record<string, unknown>;
    const old = existing.spec ?? {};
    if (!spec.clusterIP && old.clusterIP) spec.clusterIP = old.clusterIP;
    if (!spec.clusterIPs && old.clusterIPs) spec.clusterIPs = old.clusterIPs;
  }

  private rememberApplied(obj: KubeObject, manager: string, applied: unknown): void {
    const uid = obj.metadata.uid ?? '';
    const managers = this.applied.get(uid) ?? new Map<string, unknown>();
    managers.set(manager, clone(applied));
    this.applied.set(uid, managers);
  }

  private registerCrd(crd: KubeObject): void {
    const kind = kindFromCrd(crd);
    if (kind) this.kinds.add(kind);
  }

  private unregisterCrd(crd: KubeObject): void {
    const kind = kindFromCrd(crd);
    if (!kind) return;
    for (const obj of this.store.list(resourceOf(kind)))
      this.store.delete(resourceOf(kind), obj.metadata.namespace, obj.metadata.name);
    this.kinds.remove(kind.group, kind.plural);
  }

  private deleteNamespaceContents(namespace: string): void {
    for (const kind of this.kinds.all()) {
      if (!kind.namespaced) continue;
      for (const obj of this.store.list(resourceOf(kind), namespace))
        if (this.find(kind, namespace, obj.metadata.name)) this.delete(kind, namespace, obj.metadata.name);
    }
  }

  /** Records a core/v1 Event about an object, as controllers and the kubelet do. */
  recordEvent(about: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const eventKind = this.kinds.byKind('v1', 'Event') as Kind;
    const namespace = about.metadata.namespace ?? 'default';
    const timestamp = this.now();
    this.store.put(resourceOf(eventKind), {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${about.metadata.name}.${randomSuffix(10)}`,
        namespace,
        uid: randomUUID(),
        creationTimestamp: timestamp,
      },
      involvedObject: {
        apiVersion: about.apiVersion,
        kind: about.kind,
        name: about.metadata.name,
        namespace,
        uid: about.metadata.uid,
      },
      type,
      reason,
      message,
      count: 1,
      firstTimestamp: timestamp,
      lastTimestamp: timestamp,
      source: { component: 'release-kit-sandbox' },
      reportingComponent: 'release-kit-sandbox',
    });
  }
}
