// Controllers of the workload kinds: Deployment -> ReplicaSets -> Pods (rolling updates by
// rollout.ts), StatefulSet -> ordered Pods with revisions (+ PVCs), Job -> Pod to completion.
import { isDeepStrictEqual } from 'node:util';
import { rfc3339 } from '../clock.js';
import {
  clone,
  controllerRef,
  isControlledBy,
  isMap,
  type KubeObject,
  randomSuffix,
  shortHash,
} from '../object.js';
import type { ControllerContext } from './context.js';
import { rolloutComplete, rolloutLimits, rolloutStep } from './rollout.js';

const num = (v: unknown, fallback = 0): number => (typeof v === 'number' ? v : fallback);
const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const revisionAnnotation = 'deployment.kubernetes.io/revision';

export const isPodReady = (pod: KubeObject): boolean =>
  Array.isArray(pod.status?.conditions) &&
  pod.status.conditions.some((c) => isMap(c) && c.type === 'Ready' && c.status === 'True');

const isTerminal = (pod: KubeObject): boolean =>
  pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

function podsOf(ctx: ControllerContext, owner: KubeObject): KubeObject[] {
  const podKind = ctx.kind('v1', 'Pod');
  return ctx.api.list(podKind, owner.metadata.namespace).filter((pod) => isControlledBy(pod, owner));
}

function podFromTemplate(
  owner: KubeObject,
  template: Record<string, unknown>,
  name: string,
  extraLabels: Record<string, string>,
): KubeObject {
  const meta = isMap(template.metadata) ? template.metadata : {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      labels: { ...(meta.labels as Record<string, string> | undefined), ...extraLabels },
      ...(isMap(meta.annotations) ? { annotations: meta.annotations as Record<string, string> } : {}),
      ownerReferences: [controllerRef(owner)],
    },
    spec: clone(isMap(template.spec) ? template.spec : {}),
  };
}

/** Keeps a condition's lastTransitionTime when its status did not change. */
function condition(
  previous: unknown,
  type: string,
  status: boolean,
  reason: string,
  message: string,
  progressed = false,
) {
  const old = (Array.isArray(previous) ? previous : []).find((c) => isMap(c) && c.type === type) as
    | Record<string, unknown>
    | undefined;
  const text = status ? 'True' : 'False';
  const same = old?.status === text && old.reason === reason;
  const stamp = now();
  return {
    type,
    status: text,
    lastUpdateTime: same && !progressed ? old.lastUpdateTime : stamp,
    lastTransitionTime: old?.status === text ? old.lastTransitionTime : stamp,
    reason,
    message,
  };
}

// --- ReplicaSet -----------------------------------------------------------------------------------

export function reconcileReplicaSets(ctx: ControllerContext): void {
  const rsKind = ctx.kind('apps/v1', 'ReplicaSet');
  const podKind = ctx.kind('v1', 'Pod');
  for (const rs of ctx.api.list(rsKind, undefined)) {
    const spec = rs.spec ?? {};
    const want = num(spec.replicas, 1);
    const pods = podsOf(ctx, rs).filter((p) => !isTerminal(p));
    const template = isMap(spec.template) ? spec.template : {};
    for (let i = pods.length; i < want; i++) {
      const pod = ctx.api.create(
        podKind,
        rs.metadata.namespace,
        podFromTemplate(rs, template, `${rs.metadata.name}-${randomSuffix()}`, {}),
      );
      ctx.api.recordEvent(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
    }
    if (pods.length > want) {
      // Remove not-ready pods first, then the youngest.
      const victims = [...pods]
        .sort(
          (a, b) =>
            Number(isPodReady(a)) - Number(isPodReady(b)) ||
            (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''),
        )
        .slice(0, pods.length - want);
      for (const pod of victims) {
        ctx.api.delete(podKind, pod.metadata.namespace, pod.metadata.name);
        ctx.api.recordEvent(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      }
    }
    const live = podsOf(ctx, rs).filter((p) => !isTerminal(p));
    const ready = live.filter(isPodReady).length;
    ctx.api.updateStatus(rsKind, rs, {
      replicas: live.length,
      fullyLabeledReplicas: live.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation,
    });
  }
}

// --- Deployment -----------------------------------------------------------------------------------

export function reconcileDeployments(ctx: ControllerContext): void {
  const deployKind = ctx.kind('apps/v1', 'Deployment');
  const rsKind = ctx.kind('apps/v1', 'ReplicaSet');
  for (const deploy of ctx.api.list(deployKind, undefined)) {
    const spec = deploy.spec ?? {};
    const replicas = num(spec.replicas, 1);
    const template = isMap(spec.template) ? spec.template : {};
    const hash = shortHash(template);
    const owned = ctx.api.list(rsKind, deploy.metadata.namespace).filter((rs) => isControlledBy(rs, deploy));
    const revisionOf = (rs: KubeObject) => Number(rs.metadata.annotations?.[revisionAnnotation] ?? 0);
    const maxRevision = Math.max(0, ...owned.map(revisionOf));
    let newRs = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const withHash = (labels: unknown) => ({
      ...(labels as Record<string, string>),
      'pod-template-hash': hash,
    });
    if (!newRs) {
      const templateMeta = isMap(template.metadata) ? template.metadata : {};
      const selector = isMap(spec.selector) ? spec.selector : {};
      newRs = ctx.api.create(rsKind, deploy.metadata.namespace, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${deploy.metadata.name}-${hash}`,
          namespace: deploy.metadata.namespace,
          labels: withHash(templateMeta.labels),
          annotations: { [revisionAnnotation]: String(maxRevision + 1) },
          ownerReferences: [controllerRef(deploy)],
        },
        spec: {
          replicas: 0,
          selector: { ...selector, matchLabels: withHash(selector.matchLabels) },
          template: { ...template, metadata: { ...templateMeta, labels: withHash(templateMeta.labels) } },
        },
      });
      ctx.api.recordEvent(
        deploy,
        'Normal',
        'ScalingReplicaSet',
        `Created new replica set "${newRs.metadata.name}"`,
      );
      owned.push(newRs);
    } else if (revisionOf(newRs) !== maxRevision && owned.length > 1) {
      // Rolling back to an older template makes that ReplicaSet the newest revision again.
      newRs = ctx.api.patch(rsKind, newRs.metadata.namespace, newRs.metadata.name, 'merge', {
        metadata: { annotations: { [revisionAnnotation]: String(maxRevision + 1) } },
      }).object;
    }
    const state = (rs: KubeObject) => ({
      name: rs.metadata.name,
      replicas: num(rs.spec?.replicas),
      current: num(rs.status?.replicas),
      available: num(rs.status?.availableReplicas),
    });
    const newName = newRs.metadata.name;
    const olds = owned
      .filter((rs) => rs.metadata.name !== newName)
      .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
    const strategy = isMap(spec.strategy) ? spec.strategy : undefined;
    const limits = rolloutLimits(replicas, strategy);
    const next = rolloutStep({
      replicas,
      recreate: strategy?.type === 'Recreate',
      limits,
      newSet: state(newRs),
      oldSets: olds.map(state),
    });
    for (const rs of owned) {
      const want = next.get(rs.metadata.name) ?? num(rs.spec?.replicas);
      if (want === num(rs.spec?.replicas)) continue;
      ctx.api.patch(rsKind, rs.metadata.namespace, rs.metadata.name, 'merge', { spec: { replicas: want } });
      ctx.api.recordEvent(
        deploy,
        'Normal',
        'ScalingReplicaSet',
        `Scaled ${want > num(rs.spec?.replicas) ? 'up' : 'down'} replica set ${rs.metadata.name} to ${want}`,
      );
    }
    // Old ReplicaSets beyond revisionHistoryLimit go once they are empty.
    const empty = olds.filter(
      (rs) => (next.get(rs.metadata.name) ?? 0) === 0 && num(rs.status?.replicas) === 0,
    );
    for (const rs of empty.slice(0, Math.max(0, empty.length - num(spec.revisionHistoryLimit, 10))))
      ctx.api.delete(rsKind, rs.metadata.namespace, rs.metadata.name);

    const fresh = ctx.api.list(rsKind, deploy.metadata.namespace).filter((rs) => isControlledBy(rs, deploy));
    const sum = (field: string) => fresh.reduce((n, rs) => n + num(rs.status?.[field]), 0);
    const newStatus = fresh.find((rs) => rs.metadata.name === newName)?.status ?? {};
    const counts = {
      replicas: sum('replicas'),
      updatedReplicas: num(newStatus.replicas),
      readyReplicas: sum('readyReplicas'),
      availableReplicas: sum('availableReplicas'),
    };
    const previous = deploy.status?.conditions;
    const lastProgress = (Array.isArray(previous) ? previous : []).find(
      (c) => isMap(c) && c.type === 'Progressing',
    ) as Record<string, unknown> | undefined;
    // Progress = any count moved or a different ReplicaSet is rolling out; the deadline counts from it.
    const before = deploy.status ?? {};
    const progressed =
      Object.entries(counts).some(([key, value]) => num(before[key]) !== value) ||
      !String(lastProgress?.message ?? '').includes(`"${newName}"`);
    const complete = rolloutComplete(replicas, counts);
    const deadline = num(spec.progressDeadlineSeconds, 600) * 1000;
    const stalled =
      !complete &&
      !progressed &&
      ctx.now() - Date.parse(String(lastProgress?.lastUpdateTime ?? now())) > deadline;
    const progressing = complete
      ? condition(
          previous,
          'Progressing',
          true,
          'NewReplicaSetAvailable',
          `ReplicaSet "${newName}" has successfully progressed.`,
        )
      : stalled
        ? condition(
            previous,
            'Progressing',
            false,
            'ProgressDeadlineExceeded',
            `ReplicaSet "${newName}" has timed out progressing.`,
          )
        : condition(
            previous,
            'Progressing',
            true,
            'ReplicaSetUpdated',
            `ReplicaSet "${newName}" is progressing.`,
            progressed,
          );
    const availableOk = counts.availableReplicas >= replicas - limits.maxUnavailable;
    const status: Record<string, unknown> = {
      observedGeneration: deploy.metadata.generation,
      ...counts,
      unavailableReplicas: Math.max(0, replicas - counts.availableReplicas),
      conditions: [
        condition(
          previous,
          'Available',
          availableOk,
          availableOk ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
          availableOk
            ? 'Deployment has minimum availability.'
            : 'Deployment does not have minimum availability.',
        ),
        progressing,
      ],
    };
    if (status.unavailableReplicas === 0) delete status.unavailableReplicas;
    if (isDeepStrictEqual(withoutTimes(before), withoutTimes(status))) continue;
    ctx.api.updateStatus(deployKind, deploy, status);
  }
}

const withoutTimes = (status: Record<string, unknown>): unknown =>
  JSON.parse(
    JSON.stringify(status, (key, value) =>
      key === 'lastUpdateTime' || key === 'lastTransitionTime' ? undefined : value,
    ),
  );

// --- StatefulSet ----------------------------------------------------------------------------------

const ordinalOf = (pod: KubeObject): number => Number(/-(\d+)$/.exec(pod.metadata.name)?.[1] ?? -1);

export function reconcileStatefulSets(ctx: ControllerContext): void {
  const stsKind = ctx.kind('apps/v1', 'StatefulSet');
  const podKind = ctx.kind('v1', 'Pod');
  const pvcKind = ctx.kind('v1', 'PersistentVolumeClaim');
  for (const sts of ctx.api.list(stsKind, undefined)) {
    const spec = sts.spec ?? {};
    const name = sts.metadata.name;
    const namespace = sts.metadata.namespace;
    const replicas = num(spec.replicas, 1);
    const template = isMap(spec.template) ? spec.template : {};
    const updateRevision = `${name}-${shortHash(template)}`;
    const currentRevision = String(sts.status?.currentRevision ?? updateRevision);
    const ordered = spec.podManagementPolicy !== 'Parallel';
    const strategy = isMap(spec.updateStrategy) ? spec.updateStrategy : {};
    const partition = isMap(strategy.rollingUpdate) ? num(strategy.rollingUpdate.partition) : 0;
    const pods = new Map(podsOf(ctx, sts).map((pod) => [ordinalOf(pod), pod]));
    const revisionOf = (pod: KubeObject) => pod.metadata.labels?.['controller-revision-hash'];

    const act = (): void => {
      // Failed pods are replaced (the only automatic repair a StatefulSet does).
      for (const [, pod] of pods)
        if (pod.status?.phase === 'Failed') return void ctx.api.delete(podKind, namespace, pod.metadata.name);
      for (let i = 0; i < replicas; i++) {
        const pod = pods.get(i);
        if (!pod) {
          // New pods get the update revision below the partition only when they were at it already.
          const revision = i >= partition ? updateRevision : currentRevision;
          createStsPod(ctx, sts, i, revision, revision === updateRevision ? template : undefined);
          if (ordered) return;
          continue;
        }
        // OrderedReady: nothing moves while a lower ordinal is not running and ready (as in Kubernetes,
        // a broken pod blocks even a rollback until it is deleted).
        if (ordered && !isPodReady(pod)) return;
      }
      for (const [ordinal, pod] of [...pods].sort(([a], [b]) => b - a)) {
        if (ordinal < replicas) continue;
        ctx.api.delete(podKind, namespace, pod.metadata.name);
        if (ordered) return;
      }
      if (strategy.type !== 'RollingUpdate') return;
      for (let i = replicas - 1; i >= partition; i--) {
        const pod = pods.get(i);
        if (!pod) return;
        if (revisionOf(pod) !== updateRevision)
          return void ctx.api.delete(podKind, namespace, pod.metadata.name);
        if (!isPodReady(pod)) return;
      }
    };
    act();
    for (const [i] of pods) ensureClaims(ctx, sts, i, pvcKind);

    const live = podsOf(ctx, sts);
    const ready = live.filter(isPodReady).length;
    const updated = live.filter((p) => revisionOf(p) === updateRevision).length;
    const allUpdated = updated === live.length && live.length === replicas && ready === replicas;
    const current = allUpdated ? updateRevision : currentRevision;
    ctx.api.updateStatus(stsKind, sts, {
      observedGeneration: sts.metadata.generation,
      replicas: live.length,
      readyReplicas: ready,
      availableReplicas: ready,
      currentReplicas: live.filter((p) => revisionOf(p) === current).length,
      updatedReplicas: updated,
      currentRevision: current,
      updateRevision,
      collisionCount: 0,
    });
  }
}

function createStsPod(
  ctx: ControllerContext,
  sts: KubeObject,
  ordinal: number,
  revision: string,
  template: Record<string, unknown> | undefined,
): void {
  const spec = sts.spec ?? {};
  // An old-revision pod is rebuilt from the current template too: revisions are not stored as objects.
  const source = template ?? (isMap(spec.template) ? spec.template : {});
  const name = `${sts.metadata.name}-${ordinal}`;
  const pod = podFromTemplate(sts, source, name, {
    'controller-revision-hash': revision,
    'statefulset.kubernetes.io/pod-name': name,
    'apps.kubernetes.io/pod-index': String(ordinal),
  });
  const podSpec = pod.spec as Record<string, unknown>;
  podSpec.hostname = name;
  if (spec.serviceName) podSpec.subdomain = spec.serviceName;
  ctx.api.create(ctx.kind('v1', 'Pod'), sts.metadata.namespace, pod);
  ctx.api.recordEvent(
    sts,
    'Normal',
    'SuccessfulCreate',
    `create Pod ${name} in StatefulSet ${sts.metadata.name} successful`,
  );
}

function ensureClaims(
  ctx: ControllerContext,
  sts: KubeObject,
  ordinal: number,
  pvcKind: ReturnType<ControllerContext['kind']>,
): void {
  const templates = Array.isArray(sts.spec?.volumeClaimTemplates)
    ? sts.spec.volumeClaimTemplates.filter(isMap)
    : [];
  for (const claim of templates) {
    const meta = isMap(claim.metadata) ? claim.metadata : {};
    const name = `${String(meta.name)}-${sts.metadata.name}-${ordinal}`;
    if (ctx.api.find(pvcKind, sts.metadata.namespace, name)) continue;
    ctx.api.create(pvcKind, sts.metadata.namespace, {
      metadata: { name, labels: { ...(meta.labels as Record<string, string> | undefined) } },
      spec: clone(isMap(claim.spec) ? claim.spec : {}),
    });
  }
}

// --- Job ------------------------------------------------------------------------------------------

export function reconcileJobs(ctx: ControllerContext): void {
  const jobKind = ctx.kind('batch/v1', 'Job');
  const podKind = ctx.kind('v1', 'Pod');
  // A Job's times follow the cluster clock, so a CronJob's lastSuccessfulTime (a completionTime) does too.
  const now = () => rfc3339(ctx.clock.now());
  for (const job of ctx.api.list(jobKind, undefined)) {
    const spec = job.spec ?? {};
    const previous = job.status ?? {};
    const conditions = Array.isArray(previous.conditions) ? previous.conditions.filter(isMap) : [];
    if (conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True'))
      continue;
    if (spec.suspend === true) continue;
    const pods = podsOf(ctx, job);
    const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length;
    const failed = pods.filter((p) => p.status?.phase === 'Failed').length;
    const active = pods.filter((p) => !isTerminal(p)).length;
    const completions = num(spec.completions, 1);
    const backoffLimit = num(spec.backoffLimit, 6);
    const status: Record<string, unknown> = {
      startTime: previous.startTime ?? now(),
      active,
      ready: pods.filter(isPodReady).length,
      succeeded,
      failed,
      terminating: 0,
      uncountedTerminatedPods: {},
    };
    const transition = (type: string, reason: string, message: string) => ({
      type,
      status: 'True',
      lastProbeTime: now(),
      lastTransitionTime: now(),
      reason,
      message,
    });
    if (succeeded >= completions) {
      status.active = 0;
      status.completionTime = now();
      status.conditions = [
        transition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'),
        transition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods'),
      ];
      ctx.api.recordEvent(job, 'Normal', 'Completed', 'Job completed');
    } else if (failed > backoffLimit) {
      status.active = 0;
      status.conditions = [
        transition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
        transition('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
      ];
      ctx.api.recordEvent(
        job,
        'Warning',
        'BackoffLimitExceeded',
        'Job has reached the specified backoff limit',
      );
    } else if (active === 0) {
      const template = isMap(spec.template) ? spec.template : {};
      ctx.api.create(
        podKind,
        job.metadata.namespace,
        podFromTemplate(job, template, `${job.metadata.name}-${randomSuffix()}`, {}),
      );
      status.active = 1;
    }
    ctx.api.updateStatus(jobKind, job, status);
  }
}
