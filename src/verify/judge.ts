// Turns one observation into one measurement: pass, fail or inconclusive, always with a reason a person can act on.
import type { Check, Measurement, Observation, Outcome, VerificationSettings } from './types.js';

export interface Judgement {
  outcome: Outcome;
  reason: string;
  value?: number;
  query?: string;
}

const percent = (ratio: number): string => `${(ratio * 100).toFixed(2)}%`;
const perSecond = (rate: number): string => `${Number(rate.toPrecision(3))} req/s`;

/**
 * Judges one observation of `check`. Missing data, too little traffic and failed queries are inconclusive:
 * nothing but a number inside every threshold is a pass.
 * @param baselineValue the check's pre-deploy value, when one was captured.
 */
export function judge(
  check: Check,
  observation: Observation,
  settings: VerificationSettings,
  baselineValue?: number,
): Judgement {
  if (observation.kind === 'unavailable') {
    return { outcome: 'inconclusive', reason: observation.reason, query: observation.query };
  }
  if (observation.kind !== check.kind) {
    return {
      outcome: 'inconclusive',
      reason: `the measurement source answered check ${check.id} (${check.kind}) with a ${observation.kind} observation`,
    };
  }
  switch (observation.kind) {
    case 'error_ratio':
      return judgeErrorRatio(observation, settings, baselineValue);
    case 'latency':
      return judgeLatency(observation, settings);
    case 'kube':
      return judgeKube(observation);
  }
}

function trafficTooLow(requestRate: number, settings: VerificationSettings): string | undefined {
  if (!Number.isFinite(requestRate) || requestRate < settings.minRequestRate) {
    return `traffic ${perSecond(requestRate)} is below verification.min_request_rate ${perSecond(settings.minRequestRate)}: too little to judge`;
  }
  return undefined;
}

function judgeErrorRatio(
  o: Extract<Observation, { kind: 'error_ratio' }>,
  settings: VerificationSettings,
  baseline: number | undefined,
): Judgement {
  const base = { value: o.ratio, query: o.query };
  const lowTraffic = trafficTooLow(o.requestRate, settings);
  if (lowTraffic) return { ...base, outcome: 'inconclusive', reason: lowTraffic };
  if (!Number.isFinite(o.ratio) || o.ratio < 0) {
    return { ...base, outcome: 'inconclusive', reason: `error ratio ${o.ratio} is not a usable number` };
  }
  if (o.ratio > settings.errorRateThreshold) {
    return {
      ...base,
      outcome: 'fail',
      reason: `error ratio ${percent(o.ratio)} is above rollback.error_rate_threshold ${percent(settings.errorRateThreshold)}`,
    };
  }
  if (baseline !== undefined && o.ratio > baseline + settings.maxErrorRateIncrease) {
    return {
      ...base,
      outcome: 'fail',
      reason: `error ratio ${percent(o.ratio)} rose above the baseline ${percent(baseline)} by more than verification.max_error_rate_increase ${percent(settings.maxErrorRateIncrease)}`,
    };
  }
  const note = o.note ? ` (${o.note})` : '';
  const against = baseline === undefined ? '' : `, baseline ${percent(baseline)}`;
  return { ...base, outcome: 'pass', reason: `error ratio ${percent(o.ratio)}${note}${against}` };
}

function judgeLatency(
  o: Extract<Observation, { kind: 'latency' }>,
  settings: VerificationSettings,
): Judgement {
  const base = { value: o.seconds, query: o.query };
  const lowTraffic = trafficTooLow(o.requestRate, settings);
  if (lowTraffic) return { ...base, outcome: 'inconclusive', reason: lowTraffic };
  const limit = settings.latencyThresholdSeconds;
  if (limit === undefined) {
    return { ...base, outcome: 'inconclusive', reason: 'no verification.latency_threshold is configured' };
  }
  if (Number.isNaN(o.seconds) || o.seconds < 0) {
    return { ...base, outcome: 'inconclusive', reason: `latency ${o.seconds} is not a usable number` };
  }
  // +Inf is a real answer: requests slower than the largest histogram bucket.
  if (o.seconds > limit) {
    return {
      ...base,
      outcome: 'fail',
      reason: `latency ${formatSeconds(o.seconds)} is above verification.latency_threshold ${formatSeconds(limit)}`,
    };
  }
  return {
    ...base,
    outcome: 'pass',
    reason: `latency ${formatSeconds(o.seconds)} within ${formatSeconds(limit)}`,
  };
}

function judgeKube(o: Extract<Observation, { kind: 'kube' }>): Judgement {
  const base = { value: o.readyReplicas, query: o.workload };
  if (o.failingPods.length > 0) {
    const pods = o.failingPods.map((p) => `${p.name} (${p.reason})`).join(', ');
    return { ...base, outcome: 'fail', reason: `${o.workload}: failing pods ${pods}` };
  }
  if (o.readyReplicas < o.desiredReplicas) {
    return {
      ...base,
      outcome: 'fail',
      reason: `${o.workload}: ${o.readyReplicas}/${o.desiredReplicas} replicas ready`,
    };
  }
  return {
    ...base,
    outcome: 'pass',
    reason: `${o.workload}: ${o.readyReplicas}/${o.desiredReplicas} replicas ready`,
  };
}

/** A judgement stamped with its check and time, as the report keeps it. */
export const toMeasurement = (check: Check, time: number, j: Judgement): Measurement => ({
  check: check.id,
  time,
  outcome: j.outcome,
  reason: j.reason,
  ...(j.query === undefined ? {} : { query: j.query }),
  ...(j.value === undefined ? {} : { value: j.value }),
});

/** A latency for people: `4.95 ms`, `1.2 s` (three significant digits at most). */
export const formatSeconds = (seconds: number): string =>
  seconds < 1 ? `${Number((seconds * 1000).toPrecision(3))} ms` : `${Number(seconds.toPrecision(3))} s`;
