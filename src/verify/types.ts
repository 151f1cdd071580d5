// The vocabulary of post-deploy verification. Everything here is plain data so the engine can be driven by a
// fake clock and a scripted source in tests, and by Prometheus and the cluster in a real run.
import type { InconclusivePolicy, RollbackCondition } from '../config/types.js';

/** Time as the engine sees it. Milliseconds since the epoch. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with an AbortError when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** One thing to watch during the window. `id` is unique within a run and names the check in reports. */
export type Check =
  /** Share of 5xx responses of one scrape job (tier). */
  | { id: string; kind: 'error_ratio'; job: string }
  /** A latency quantile of one scrape job against `VerificationSettings.latencyThresholdSeconds`. */
  | { id: string; kind: 'latency'; job: string }
  /** Rollout health of one workload (e.g. `Deployment/api`), reported by the deploy step from the cluster. */
  | { id: string; kind: 'kube'; workload: string };

export type CheckKind = Check['kind'];

/** What the cluster says about one workload at one moment. */
export interface KubeSignal {
  kind: 'kube';
  workload: string;
  desiredReplicas: number;
  readyReplicas: number;
  /** Pods that are crashing or cannot start, with the reason (CrashLoopBackOff, ImagePullBackOff, OOMKilled…). */
  failingPods: { name: string; reason: string }[];
}

/** Why a measurement produced no usable number. Every one of these is inconclusive, never a pass. */
export type UnavailableCause =
  | 'no_data' // the query returned no series
  | 'no_traffic' // series exist but no requests were served in the window
  | 'nan'
  | 'http_error'
  | 'bad_response' // not JSON, or JSON of an unexpected shape
  | 'ambiguous' // the query returned several series where one number was expected
  | 'timeout'
  | 'unreachable'
  | 'error'; // the source itself threw

/** What a source saw for one check, before any judgement. */
export type Observation =
  | { kind: 'error_ratio'; ratio: number; requestRate: number; query: string; note?: string }
  | { kind: 'latency'; seconds: number; requestRate: number; query: string }
  | KubeSignal
  | { kind: 'unavailable'; cause: UnavailableCause; reason: string; query?: string };

export interface MeasureContext {
  /** Per-measurement budget (`deployment.health_check.timeout`). */
  timeoutMs: number;
  /** Aborted when the engine stops waiting for this measurement. */
  signal: AbortSignal;
}

/** Where measurements come from: Prometheus (src/prometheus/source.ts), the cluster, or a script in tests. */
export interface MeasurementSource {
  measure(check: Check, context: MeasureContext): Promise<Observation>;
}

export type Outcome = 'pass' | 'fail' | 'inconclusive';

/** One evaluation of one check, kept for the report whatever its outcome. */
export interface Measurement {
  check: string;
  /** The PromQL (or the workload) that was measured. */
  query?: string;
  value?: number;
  /** Milliseconds since the epoch, from the engine's clock. */
  time: number;
  outcome: Outcome;
  reason: string;
}

/** Pre-deploy values per check id; a check without a usable baseline value is compared to absolute thresholds only. */
export interface Baseline {
  takenAt: number;
  values: Record<string, number>;
  measurements: Measurement[];
}

export type Verdict = Outcome;
export type Decision = 'proceed' | 'rollback' | 'hold' | 'fail';

export interface CheckResult {
  check: Check;
  verdict: Verdict;
  reason: string;
  /** For a failed check: the `rollback.conditions` entry that this failure corresponds to. */
  trigger?: RollbackCondition;
}

export interface VerificationResult {
  verdict: Verdict;
  /** What the pipeline should do next: derived from the verdict, `on_inconclusive` and `rollback.conditions`. */
  decision: Decision;
  reason: string;
  startedAt: number;
  endedAt: number;
  checks: CheckResult[];
  measurements: Measurement[];
}

/** Everything the engine needs to know about timing and thresholds, in engine units (ms, ratios, seconds). */
export interface VerificationSettings {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
  /** Length of the whole run, counted from its start (the initial delay is part of it). */
  windowMs: number;
  /** Absolute ceiling on the error ratio (`rollback.error_rate_threshold`). */
  errorRateThreshold: number;
  /** Allowed absolute increase of the error ratio over the baseline (`verification.max_error_rate_increase`). */
  maxErrorRateIncrease: number;
  /** Requests per second below which a Prometheus measurement is inconclusive. */
  minRequestRate: number;
  latencyThresholdSeconds?: number;
  onInconclusive: InconclusivePolicy;
  /** `rollback.conditions`: a failure whose trigger is not listed here fails the run instead of rolling back. */
  rollbackOn: RollbackCondition[];
}
