// The defaults a real apiserver fills in. They matter to clients: helm's legacy wait checks StatefulSets
// only with updateStrategy RollingUpdate, helm 4's watcher needs progressDeadlineSeconds, and three-way
// patches are computed against the defaulted live object.
import { isMap, type KubeObject } from './object.js';

type Map_ = Record<string, unknown>;

const setDefault = (target: Map_, key: string, value: unknown): void => {
  if (target[key] === undefined || target[key] === null) target[key] = value;
};

const child = (target: Map_, key: string): Map_ => {
  if (!isMap(target[key])) target[key] = {};
  return target[key] as Map_;
};

function defaultContainer(container: unknown): void {
  if (!isMap(container)) return;
  const image = String(container.image ?? '');
  const tag = /:([^/:@]+)$/.exec(image)?.[1];
  setDefault(container, 'imagePullPolicy', !tag || tag === 'latest' ? 'Always' : 'IfNotPresent');
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  setDefault(container, 'resources', {});
  for (const port of Array.isArray(container.ports) ? container.ports : []) {
    if (isMap(port)) setDefault(port, 'protocol', 'TCP');
  }
}

export function defaultPodSpec(spec: Map_): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'securityContext', {});
  for (const list of ['containers', 'initContainers']) {
    const containers = spec[list];
    if (Array.isArray(containers)) containers.forEach(defaultContainer);
  }
  if (spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
}

function defaultTemplate(spec: Map_): void {
  const template = child(spec, 'template');
  child(template, 'metadata');
  defaultPodSpec(child(template, 'spec'));
}

const byKind: Record<string, (obj: KubeObject, spec: Map_) => void> = {
  Deployment: (_obj, spec) => {
    setDefault(spec, 'replicas', 1);
    setDefault(spec, 'revisionHistoryLimit', 10);
    setDefault(spec, 'progressDeadlineSeconds', 600);
    const strategy = child(spec, 'strategy');
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const rolling = child(strategy, 'rollingUpdate');
      setDefault(rolling, 'maxSurge', '25%');
      setDefault(rolling, 'maxUnavailable', '25%');
    }
    defaultTemplate(spec);
  },
  ReplicaSet: (_obj, spec) => {
    setDefault(spec, 'replicas', 1);
    defaultTemplate(spec);
  },
  StatefulSet: (_obj, spec) => {
    setDefault(spec, 'replicas', 1);
    setDefault(spec, 'podManagementPolicy', 'OrderedReady');
    setDefault(spec, 'revisionHistoryLimit', 10);
    const strategy = child(spec, 'updateStrategy');
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') setDefault(child(strategy, 'rollingUpdate'), 'partition', 0);
    setDefault(spec, 'persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' });
    defaultTemplate(spec);
  },
  DaemonSet: (_obj, spec) => {
    setDefault(spec, 'revisionHistoryLimit', 10);
    defaultTemplate(spec);
  },
  Job: (obj, spec) => {
    setDefault(spec, 'parallelism', 1);
    setDefault(spec, 'completions', 1);
    setDefault(spec, 'backoffLimit', 6);
    setDefault(spec, 'completionMode', 'NonIndexed');
    setDefault(spec, 'suspend', false);
    // The Job controller selects its pods by the Job's uid, as the real apiserver arranges it.
    const uid = obj.metadata.uid ?? '';
    if (!spec.selector && !spec.manualSelector) {
      spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
      const meta = child(child(spec, 'template'), 'metadata');
      const labels = child(meta, 'labels');
      setDefault(labels, 'batch.kubernetes.io/controller-uid', uid);
      setDefault(labels, 'batch.kubernetes.io/job-name', obj.metadata.name);
      setDefault(labels, 'controller-uid', uid);
      setDefault(labels, 'job-name', obj.metadata.name);
    }
    defaultTemplate(spec);
  },
  CronJob: (_obj, spec) => {
    setDefault(spec, 'concurrencyPolicy', 'Allow');
    setDefault(spec, 'suspend', false);
    setDefault(spec, 'successfulJobsHistoryLimit', 3);
    setDefault(spec, 'failedJobsHistoryLimit', 1);
    const jobSpec = child(child(spec, 'jobTemplate'), 'spec');
    setDefault(jobSpec, 'backoffLimit', 6);
    defaultTemplate(jobSpec);
  },
  Pod: (_obj, spec) => defaultPodSpec(spec),
  Service: (_obj, spec) => {
    setDefault(spec, 'type', 'ClusterIP');
    setDefault(spec, 'sessionAffinity', 'None');
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    setDefault(spec, 'ipFamilies', ['IPv4']);
    if (spec.type === 'LoadBalancer' || spec.type === 'NodePort')
      setDefault(spec, 'externalTrafficPolicy', 'Cluster');
    for (const port of Array.isArray(spec.ports) ? spec.ports : []) {
      if (!isMap(port)) continue;
      setDefault(port, 'protocol', 'TCP');
      setDefault(port, 'targetPort', port.port);
    }
  },
  HorizontalPodAutoscaler: (_obj, spec) => setDefault(spec, 'minReplicas', 1),
  PersistentVolumeClaim: (_obj, spec) => setDefault(spec, 'volumeMode', 'Filesystem'),
  NetworkPolicy: (_obj, spec) => {
    if (!Array.isArray(spec.policyTypes))
      spec.policyTypes = Array.isArray(spec.egress) ? ['Ingress', 'Egress'] : ['Ingress'];
  },
};

/** Fills in the apiserver defaults of an object in place (metadata is the caller's concern). */
export function applyDefaults(obj: KubeObject): void {
  if (obj.kind === 'Secret') {
    // stringData is write-only: the apiserver folds it into data (base64) and never returns it.
    const data: Map_ = isMap(obj.data) ? obj.data : {};
    if (isMap(obj.stringData))
      for (const [key, value] of Object.entries(obj.stringData))
        data[key] = Buffer.from(String(value)).toString('base64');
    delete obj.stringData;
    if (Object.keys(data).length > 0) obj.data = data;
    setDefault(obj, 'type', 'Opaque');
    return;
  }
  const fill = byKind[obj.kind];
  if (!fill) return;
  if (!isMap(obj.spec)) obj.spec = {};
  fill(obj, obj.spec);
}
