// The one translation from a ReleaseConfig to engine settings and checks. Tests and the bench build
// VerificationSettings by hand instead (fast periods, short windows).
import type { ReleaseConfig } from '../config/types.js';
import { UserError } from '../errors.js';
import type { Check, VerificationSettings } from './types.js';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Parses a duration such as `500ms`, `30s`, `5m` or `1m30s` into milliseconds; `field` names it in errors. */
export function parseDuration(text: unknown, field: string): number {
  const source = String(text);
  if (typeof text === 'string' && /^(\d+(ms|s|m|h|d|w))+$/.test(text)) {
    let total = 0;
    for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) {
      total += Number(amount) * (UNIT_MS[unit as string] as number);
    }
    if (total > 0) return total;
  }
  throw new UserError(
    `${field}: "${source}" is not a positive duration`,
    'write a number with a unit (ms, s, m, h, d, w), e.g. 30s, 5m or 1m30s',
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
    windowMs: parseDuration(v.window, 'verification.window'),
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
      parseDuration(v.latency_threshold, 'verification.latency_threshold') / 1000;
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
