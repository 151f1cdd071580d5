// The kinds the simulated API server serves, and the discovery and OpenAPI documents that describe
// them. One version per group is enough for the clients we serve (helm, kubectl, client-node).

export interface Kind {
  group: string; // '' for core
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Subresources served next to the object (`status`, `scale`). */
  subresources?: string[];
  /** Discovery categories (`all` makes `kubectl get all` list the kind). */
  categories?: string[];
}

const k = (
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<Kind> = {},
): Kind => ({ group, version, kind, plural, singular: kind.toLowerCase(), namespaced, ...extra });

const status = ['status'];
const all = ['all'];
const scalable = ['status', 'scale'];

export const builtinKinds: Kind[] = [
  k('', 'v1', 'Namespace', 'namespaces', false, { shortNames: ['ns'], subresources: status }),
  k('', 'v1', 'Node', 'nodes', false, { shortNames: ['no'], subresources: status }),
  k('', 'v1', 'Pod', 'pods', true, { categories: all, shortNames: ['po'], subresources: status }),
  k('', 'v1', 'Service', 'services', true, { categories: all, shortNames: ['svc'], subresources: status }),
  k('', 'v1', 'Endpoints', 'endpoints', true, { shortNames: ['ep'] }),
  k('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  k('', 'v1', 'Secret', 'secrets', true),
  k('', 'v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  k('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, {
    shortNames: ['pvc'],
    subresources: status,
  }),
  k('', 'v1', 'PersistentVolume', 'persistentvolumes', false, { shortNames: ['pv'], subresources: status }),
  k('', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  k('', 'v1', 'LimitRange', 'limitranges', true, { shortNames: ['limits'] }),
  k('', 'v1', 'ResourceQuota', 'resourcequotas', true, { shortNames: ['quota'], subresources: status }),
  k('apps', 'v1', 'Deployment', 'deployments', true, {
    categories: all,
    shortNames: ['deploy'],
    subresources: scalable,
  }),
  k('apps', 'v1', 'ReplicaSet', 'replicasets', true, {
    categories: all,
    shortNames: ['rs'],
    subresources: scalable,
  }),
  k('apps', 'v1', 'StatefulSet', 'statefulsets', true, {
    categories: all,
    shortNames: ['sts'],
    subresources: scalable,
  }),
  k('apps', 'v1', 'DaemonSet', 'daemonsets', true, {
    categories: all,
    shortNames: ['ds'],
    subresources: status,
  }),
  k('apps', 'v1', 'ControllerRevision', 'controllerrevisions', true),
  k('batch', 'v1', 'Job', 'jobs', true, { categories: all, subresources: status }),
  k('batch', 'v1', 'CronJob', 'cronjobs', true, {
    categories: all,
    shortNames: ['cj'],
    subresources: status,
  }),
  k('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, {
    categories: all,
    shortNames: ['hpa'],
    subresources: status,
  }),
  k('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, {
    shortNames: ['pdb'],
    subresources: status,
  }),
  k('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, { shortNames: ['netpol'] }),
  k('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, { shortNames: ['ing'], subresources: status }),
  k('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  k('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  k('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  k('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  k('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false, { shortNames: ['sc'] }),
  k('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, {
    shortNames: ['crd', 'crds'],
    subresources: status,
  }),
];

/** The Prometheus Operator kinds, served when the sandbox is started with `prometheusOperatorCrds`. */
export const prometheusOperatorKinds: Kind[] = [
  k('monitoring.coreos.com', 'v1', 'ServiceMonitor', 'servicemonitors', true, { shortNames: ['smon'] }),
  k('monitoring.coreos.com', 'v1', 'PodMonitor', 'podmonitors', true, { shortNames: ['pmon'] }),
  k('monitoring.coreos.com', 'v1', 'PrometheusRule', 'prometheusrules', true, { shortNames: ['promrule'] }),
];

export const apiVersionOf = (kind: Kind): string =>
  kind.group ? `${kind.group}/${kind.version}` : kind.version;

/** The kind a CustomResourceDefinition object declares (its storage version), or undefined when malformed. */
export function kindFromCrd(crd: Record<string, unknown>): Kind | undefined {
  const spec = crd.spec as
    | {
        group?: string;
        names?: { kind?: string; plural?: string; singular?: string; shortNames?: string[] };
        scope?: string;
        versions?: { name?: string; served?: boolean; storage?: boolean; subresources?: object }[];
      }
    | undefined;
  const version = spec?.versions?.find((v) => v.storage) ?? spec?.versions?.[0];
  if (!spec?.group || !spec.names?.kind || !spec.names.plural || !version?.name) return undefined;
  return {
    group: spec.group,
    version: version.name,
    kind: spec.names.kind,
    plural: spec.names.plural,
    singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
    namespaced: spec.scope !== 'Cluster',
    shortNames: spec.names.shortNames,
    subresources: version.subresources && 'status' in version.subresources ? status : undefined,
  };
}

/** The registry of served kinds: built-ins plus CRDs registered while the sandbox runs. */
export class KindRegistry {
  private readonly kinds = new Map<string, Kind>();

  constructor(initial: Kind[]) {
    for (const kind of initial) this.add(kind);
  }

  add(kind: Kind): void {
    this.kinds.set(`${kind.group}/${kind.plural}`, kind);
  }

  remove(group: string, plural: string): void {
    this.kinds.delete(`${group}/${plural}`);
  }

  byResource(group: string, version: string, plural: string): Kind | undefined {
    const kind = this.kinds.get(`${group}/${plural}`);
    return kind && kind.version === version ? kind : undefined;
  }

  byKind(apiVersion: string, kindName: string): Kind | undefined {
    return this.all().find((kind) => apiVersionOf(kind) === apiVersion && kind.kind === kindName);
  }

  all(): Kind[] {
    return [...this.kinds.values()];
  }

  /** group -> version, for the groups currently served (core excluded). */
  groups(): Map<string, string> {
    const groups = new Map<string, string>();
    for (const kind of this.kinds.values()) if (kind.group) groups.set(kind.group, kind.version);
    return groups;
  }
}

const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Legacy (non-aggregated) discovery: the answer client-go accepts when aggregated discovery is absent. */
export function resourceList(registry: KindRegistry, group: string, version: string) {
  const resources: object[] = [];
  for (const kind of registry.all()) {
    if (kind.group !== group || kind.version !== version) continue;
    resources.push({
      name: kind.plural,
      singularName: kind.singular,
      namespaced: kind.namespaced,
      kind: kind.kind,
      verbs,
      ...(kind.shortNames ? { shortNames: kind.shortNames } : {}),
      ...(kind.categories ? { categories: kind.categories } : {}),
    });
    for (const sub of kind.subresources ?? []) {
      resources.push({
        name: `${kind.plural}/${sub}`,
        singularName: '',
        namespaced: kind.namespaced,
        kind: sub === 'scale' ? 'Scale' : kind.kind,
        ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1' } : {}),
        verbs: ['get', 'patch', 'update'],
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

export function groupList(registry: KindRegistry) {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...registry.groups()].map(([name, version]) => {
      const gv = { groupVersion: `${name}/${version}`, version };
      return { name, versions: [gv], preferredVersion: gv };
    }),
  };
}

/**
 * A minimal OpenAPI v3 document per group-version. Its only purpose: every PATCH operation lists the
 * `fieldValidation` parameter, which tells helm/kubectl the server validates fields itself, so they skip
 * client-side schema validation (which would need the full protobuf OpenAPI v2 document).
 */
export function openApiIndex(registry: KindRegistry, hash: string) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  const gvs = new Set(registry.all().map((kind) => openApiGroupVersionPath(kind)));
  for (const gv of gvs) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}` };
  return { paths };
}

const openApiGroupVersionPath = (kind: Kind): string =>
  kind.group ? `apis/${kind.group}/${kind.version}` : `api/${kind.version}`;

export function openApiDocument(registry: KindRegistry, gvPath: string) {
  const paths: Record<string, object> = {};
  for (const kind of registry.all()) {
    if (openApiGroupVersionPath(kind) !== gvPath) continue;
    const base = `/${gvPath}${kind.namespaced ? '/namespaces/{namespace}' : ''}/${kind.plural}/{name}`;
    paths[base] = {
      patch: {
        operationId: `patch${kind.kind}`,
        parameters: [
          { name: 'dryRun', in: 'query', schema: { type: 'string' } },
          { name: 'fieldManager', in: 'query', schema: { type: 'string' } },
          { name: 'fieldValidation', in: 'query', schema: { type: 'string' } },
          { name: 'force', in: 'query', schema: { type: 'boolean' } },
        ],
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group: kind.group, version: kind.version, kind: kind.kind },
      },
    };
  }
  if (Object.keys(paths).length === 0) return undefined;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes (release-kit sandbox, simulated)', version: 'v1.33.0' },
    paths,
    components: { schemas: {} },
  };
}
