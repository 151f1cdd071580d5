// Plain-data builders for engine tests: seed-like settings and scripted measurement sources.
import type { Check, MeasurementSource, Observation, VerificationSettings } from '../../src/verify/types.js';
import type { FakeClock } from './fake-clock.js';

/** The seed's numbers (health_check 30/10/5/1/3, window 5m, threshold 5 %, +1 point over baseline). */
export const seedSettings = (over: Partial<VerificationSettings> = {}): VerificationSettings => ({
  initialDelayMs: 30_000,
  periodMs: 10_000,
  timeoutMs: 5_000,
  successThreshold: 1,
  failureThreshold: 3,
  windowMs: 300_000,
  errorRateThreshold: 0.05,
  maxErrorRateIncrease: 0.01,
  minRequestRate: 0.5,
  latencyThresholdSeconds: 0.5,
  onInconclusive: 'hold',
  rollbackOn: ['health_check_failed', 'error_rate_threshold', 'manual_trigger'],
  ...over,
});

export const apiErrors: Check = { id: 'api:error_ratio', kind: 'error_ratio', job: 'api' };
export const apiLatency: Check = { id: 'api:latency', kind: 'latency', job: 'api' };
export const apiRollout: Check = { id: 'kube:Deployment/api', kind: 'kube', workload: 'Deployment/api' };

export const ratio = (value: number, requestRate = 20): Observation => ({
  kind: 'error_ratio',
  ratio: value,
  requestRate,
  query: 'sum(rate(...))',
});
export const latency = (seconds: number, requestRate = 20): Observation => ({
  kind: 'latency',
  seconds,
  requestRate,
  query: 'histogram_quantile(...)',
});
export const rollout = (ready: number, desired = 3, failingPods: { name: string; reason: string }[] = []) =>
  ({
    kind: 'kube',
    workload: 'Deployment/api',
    readyReplicas: ready,
    desiredReplicas: desired,
    failingPods,
  }) as const;

/**
 * A source whose answer depends on the check and on the seconds elapsed since `clock` was created.
 * `calls` records every (check id, second) it was asked about.
 */
export function scripted(
  clock: FakeClock,
  answer: (check: Check, second: number) => Observation | Promise<Observation>,
): MeasurementSource & { calls: { check: string; second: number }[] } {
  const start = clock.now();
  const calls: { check: string; second: number }[] = [];
  return {
    calls,
    async measure(check) {
      const second = (clock.now() - start) / 1000;
      calls.push({ check: check.id, second });
      return answer(check, second);
    },
  };
}
