// The one translation from a ReleaseConfig to engine settings and checks. Tests and the bench build
// VerificationSettings by hand instead (fast periods, short windows).
import type { ReleaseConfig } from '../config/types.js';
import { parseDuration } from '../config/units.js';
import { UserError } from '../errors.js';
import type { Check, VerificationSettings } from './types.js';

/** Milliseconds of a duration that must be longer than zero (a zero window or threshold judges nothing). */
export function positiveDuration(text: unknown, field: string): number {
  const ms = parseDuration(text, field);
  if (ms > 0) return ms;
  throw new UserError(
    `${field}: ${JSON.stringify(text)} is not a positive duration`,
    'give a duration longer than 0, e.g. 30s or 5m',
  );
}

function number(
  value: unknown,
  field: string,
  rule: { min: number; max?: number; integer?: boolean },
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= rule.min &&
    (rule.max === undefined || value <= rule.max) &&
    (!rule.integer || Number.isInteger(value));
  if (ok) return value;
  const kind = rule.integer ? 'an integer' : 'a number';
  const range = rule.max === undefined ? `>= ${rule.min}` : `between ${rule.min} and ${rule.max}`;
  throw new UserError(
    `${field}: ${JSON.stringify(value)} is not ${kind} ${range}`,
    `set ${field} in the release config`,
  );
}

/**
 * Engine settings from `deployment.health_check`, `verification` and `rollback`. Throws a UserError naming the
 * field when a value is unusable, including a window too short for a failing check ever to be detected.
 */
export function verificationSettings(config: ReleaseConfig): VerificationSettings {
  const hc = config.deployment?.health_check ?? ({} as Partial<ReleaseConfig['deployment']['health_check']>);
  const v = config.verification ?? ({} as Partial<ReleaseConfig['verification']>);
  const rollback = config.rollback ?? ({} as Partial<ReleaseConfig['rollback']>);
  const at = 'deployment.health_check';
  const seconds = (value: unknown, field: string, min: number) => number(value, field, { min }) * 1000;
  const settings: VerificationSettings = {
    initialDelayMs: seconds(hc.initial_delay, `${at}.initial_delay`, 0),
    periodMs: seconds(hc.period, `${at}.period`, 1),
    timeoutMs: seconds(hc.timeout, `${at}.timeout`, 1),
    successThreshold: number(hc.success_threshold, `${at}.success_threshold`, { min: 1, integer: true }),
    failureThreshold: number(hc.failure_threshold, `${at}.failure_threshold`, { min: 1, integer: true }),
    windowMs: positiveDuration(v.window, 'verification.window'),
    errorRateThreshold: number(rollback.error_rate_threshold, 'rollback.error_rate_threshold', {
      min: 0,
      max: 1,
    }),
    maxErrorRateIncrease: number(v.max_error_rate_increase, 'verification.max_error_rate_increase', {
      min: 0,
      max: 1,
    }),
    minRequestRate: number(v.min_request_rate, 'verification.min_request_rate', { min: 0 }),
    onInconclusive: v.on_inconclusive as VerificationSettings['onInconclusive'],
    rollbackOn: [...(rollback.conditions ?? [])],
  };
  if (!['rollback', 'hold', 'fail'].includes(settings.onInconclusive)) {
    throw new UserError(
      `verification.on_inconclusive: ${JSON.stringify(v.on_inconclusive)} is not a policy`,
      'use rollback, hold or fail',
    );
  }
  if (v.latency_threshold !== undefined) {
    settings.latencyThresholdSeconds =
      positiveDuration(v.latency_threshold, 'verification.latency_threshold') / 1000;
  }
  if (settings.timeoutMs > settings.periodMs) {
    throw new UserError(
      `${at}.timeout (${hc.timeout}s) is longer than ${at}.period (${hc.period}s)`,
      'a measurement must finish before the next one starts: lower the timeout or raise the period',
    );
  }
  // The window must leave room for enough consecutive evaluations both to fail and to pass.
  const needed = Math.max(settings.failureThreshold, settings.successThreshold);
  const lastNeededAt = settings.initialDelayMs + (needed - 1) * settings.periodMs;
  if (settings.windowMs < lastNeededAt) {
    throw new UserError(
      `verification.window (${v.window}) is shorter than initial_delay + (max(failure_threshold, success_threshold) - 1) * period = ${lastNeededAt / 1000}s: a check could never reach its threshold`,
      `make verification.window at least ${lastNeededAt / 1000}s or shorten ${at}`,
    );
  }
  return settings;
}

/** The scrape jobs verification watches: every `scrape_configs` job and every job with its own queries. */
export function verifiedJobs(config: ReleaseConfig): string[] {
  const prometheus = config.monitoring?.prometheus;
  const jobs = (prometheus?.scrape_configs ?? []).map((s) => s.job_name);
  return [...new Set([...jobs, ...Object.keys(prometheus?.queries ?? {})])];
}

/**
 * The Prometheus checks of a config: an error ratio per job, plus a latency check per job when
 * `verification.latency_threshold` is set. Kubernetes checks are added by the deploy step, which knows the workloads.
 */
export function prometheusChecks(config: ReleaseConfig): Check[] {
  const latency = config.verification?.latency_threshold !== undefined;
  return verifiedJobs(config).flatMap((job): Check[] => [
    { id: `${job}:error_ratio`, kind: 'error_ratio', job },
    ...(latency ? [{ id: `${job}:latency`, kind: 'latency' as const, job }] : []),
  ]);
}

/** The check id of a workload's rollout health, e.g. `kube:Deployment/api`. */
export const kubeCheck = (workload: string): Check => ({ id: `kube:${workload}`, kind: 'kube', workload });
