// Controllers that only report status: HorizontalPodAutoscaler (clamps its target to min/max; there are
// no resource metrics in the simulation), PodDisruptionBudget, and PersistentVolumeClaim binding.

import { isMap, type KubeObject } from '../object.js';
import { fromLabelSelector, matches } from '../selectors.js';
import type { ControllerContext } from './context.js';
import { resolveIntOrPercent } from './rollout.js';
import { isPodReady } from './workloads.js';

const num = (v: unknown, fallback = 0): number => (typeof v === 'number' ? v : fallback);

export function reconcileAutoscalers(ctx: ControllerContext): void {
  const hpaKind = ctx.kind('autoscaling/v2', 'HorizontalPodAutoscaler');
  for (const hpa of ctx.api.list(hpaKind, undefined)) {
    const spec = hpa.spec ?? {};
    const ref = isMap(spec.scaleTargetRef) ? spec.scaleTargetRef : {};
    const targetKind = ctx.api.kinds.byKind(String(ref.apiVersion ?? 'apps/v1'), String(ref.kind ?? ''));
    const target = targetKind && ctx.api.find(targetKind, hpa.metadata.namespace, String(ref.name ?? ''));
    const min = num(spec.minReplicas, 1);
    const max = num(spec.maxReplicas, min);
    const previous = Array.isArray(hpa.status?.conditions) ? hpa.status.conditions.filter(isMap) : [];
    const cond = (type: string, ok: boolean, reason: string, message: string) => {
      const old = previous.find((c) => c.type === type);
      const status = ok ? 'True' : 'False';
      return {
        type,
        status,
        lastTransitionTime:
          old?.status === status
            ? old.lastTransitionTime
            : new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        reason,
        message,
      };
    };
    if (!targetKind || !target) {
      ctx.api.updateStatus(hpaKind, hpa, {
        observedGeneration: hpa.metadata.generation,
        currentReplicas: 0,
        desiredReplicas: 0,
        conditions: [
          cond(
            'AbleToScale',
            false,
            'FailedGetScale',
            `the HPA controller was unable to get the target's current scale: ${String(ref.kind)} "${String(ref.name)}" not found`,
          ),
        ],
      });
      continue;
    }
    const current = num(target.spec?.replicas, 1);
    const desired = Math.min(max, Math.max(min, current));
    if (desired !== current) {
      ctx.api.patch(targetKind, target.metadata.namespace, target.metadata.name, 'merge', {
        spec: { replicas: desired },
      });
      ctx.api.recordEvent(
        hpa,
        'Normal',
        'SuccessfulRescale',
        `New size: ${desired}; reason: ${desired > current ? 'Current number of replicas below Spec.MinReplicas' : 'Current number of replicas above Spec.MaxReplicas'}`,
      );
    }
    const limited = desired === min || desired === max;
    ctx.api.updateStatus(hpaKind, hpa, {
      observedGeneration: hpa.metadata.generation,
      currentReplicas: num(target.status?.replicas, current),
      desiredReplicas: desired,
      currentMetrics: [],
      conditions: [
        cond('AbleToScale', true, 'ReadyForNewScale', 'recommended size matches current size'),
        cond(
          'ScalingActive',
          false,
          'FailedGetResourceMetric',
          'the sandbox simulates no resource metrics: the HPA only keeps replicas within [minReplicas, maxReplicas]',
        ),
        cond(
          'ScalingLimited',
          limited,
          limited ? 'TooFewReplicas' : 'DesiredWithinRange',
          limited
            ? 'the desired replica count is at a limit'
            : 'the desired count is within the acceptable range',
        ),
      ],
    });
  }
}

export function reconcileDisruptionBudgets(ctx: ControllerContext): void {
  const pdbKind = ctx.kind('policy/v1', 'PodDisruptionBudget');
  const podKind = ctx.kind('v1', 'Pod');
  for (const pdb of ctx.api.list(pdbKind, undefined)) {
    const spec = pdb.spec ?? {};
    const selector = fromLabelSelector(spec.selector);
    const pods = ctx.api
      .list(podKind, pdb.metadata.namespace)
      .filter((p: KubeObject) => matches(selector, p.metadata.labels));
    const expected = pods.length;
    const healthy = pods.filter(isPodReady).length;
    const desired =
      spec.minAvailable !== undefined
        ? resolveIntOrPercent(spec.minAvailable, expected, true)
        : Math.max(0, expected - resolveIntOrPercent(spec.maxUnavailable ?? 0, expected, true));
    const allowed = Math.max(0, healthy - desired);
    const old = Array.isArray(pdb.status?.conditions) ? pdb.status.conditions.filter(isMap)[0] : undefined;
    const status = allowed > 0 ? 'True' : 'False';
    ctx.api.updateStatus(pdbKind, pdb, {
      observedGeneration: pdb.metadata.generation,
      expectedPods: expected,
      currentHealthy: healthy,
      desiredHealthy: desired,
      disruptionsAllowed: allowed,
      conditions: [
        {
          type: 'DisruptionAllowed',
          status,
          reason: allowed > 0 ? 'SufficientPods' : 'InsufficientPods',
          message: '',
          observedGeneration: pdb.metadata.generation,
          lastTransitionTime:
            old?.status === status
              ? old.lastTransitionTime
              : new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
      ],
    });
  }
}

/** Every claim binds at once (volumes hold no data in the simulation). */
export function reconcileClaims(ctx: ControllerContext): void {
  const pvcKind = ctx.kind('v1', 'PersistentVolumeClaim');
  for (const pvc of ctx.api.list(pvcKind, undefined)) {
    const spec = pvc.spec ?? {};
    const requests = isMap(spec.resources) && isMap(spec.resources.requests) ? spec.resources.requests : {};
    ctx.api.updateStatus(pvcKind, pvc, {
      phase: 'Bound',
      accessModes: spec.accessModes ?? ['ReadWriteOnce'],
      capacity: { storage: requests.storage ?? '1Gi' },
    });
  }
}
