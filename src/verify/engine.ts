// The analysis engine: evaluates every check each `period` from `initial_delay` to the end of the window, the way
// a Kubernetes probe counts consecutive failures, and reduces the evaluations to a verdict and a decision.
// Pure logic over a Clock and a MeasurementSource: no timers, sockets or processes of its own.
import type { InconclusivePolicy, RollbackCondition } from '../config/types.js';
import { judge, toMeasurement } from './judge.js';
import type {
  Baseline,
  Check,
  CheckResult,
  Clock,
  Decision,
  Measurement,
  MeasurementSource,
  Observation,
  Verdict,
  VerificationResult,
  VerificationSettings,
} from './types.js';

export interface VerifyInput {
  settings: VerificationSettings;
  checks: Check[];
  source: MeasurementSource;
  clock: Clock;
  baseline?: Baseline;
}

/** Which rollback condition a failing check of each kind stands for. */
const triggerOf = (check: Check): RollbackCondition =>
  check.kind === 'error_ratio' ? 'error_rate_threshold' : 'health_check_failed';

interface CheckState {
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  last?: Measurement;
  failedBy?: Measurement;
}

/**
 * Asks the source for one observation, giving up after `timeoutMs` on the clock. A thrown error or a timeout
 * becomes an `unavailable` observation: it is reported, never mistaken for health.
 */
export async function observe(
  source: MeasurementSource,
  check: Check,
  clock: Clock,
  timeoutMs: number,
): Promise<Observation> {
  const stop = new AbortController();
  const timedOut = clock.sleep(timeoutMs, stop.signal).then(
    (): Observation => ({
      kind: 'unavailable',
      cause: 'timeout',
      reason: `no answer within deployment.health_check.timeout (${timeoutMs / 1000}s)`,
    }),
    () => new Promise<Observation>(() => {}), // aborted because the measurement won the race
  );
  const measured = source.measure(check, { timeoutMs, signal: stop.signal }).catch(
    (e: unknown): Observation => ({
      kind: 'unavailable',
      cause: 'error',
      reason: `measuring failed: ${e instanceof Error ? e.message : String(e)}`,
    }),
  );
  try {
    return await Promise.race([measured, timedOut]);
  } finally {
    stop.abort();
  }
}

/**
 * Runs the verification window. A check fails after `failureThreshold` consecutive failing evaluations and the
 * run stops there; a success resets the count; an inconclusive evaluation neither resets nor extends a failure
 * streak, but does break a success streak. After the window a check passes only when its last
 * `successThreshold` evaluations succeeded.
 */
export async function runVerification(input: VerifyInput): Promise<VerificationResult> {
  const { settings, checks, source, clock, baseline } = input;
  const startedAt = clock.now();
  const measurements: Measurement[] = [];
  const states = new Map<string, CheckState>(
    checks.map((c) => [c.id, { consecutiveFailures: 0, consecutiveSuccesses: 0 }]),
  );
  const finish = (results: CheckResult[]): VerificationResult =>
    summarize(results, measurements, settings, startedAt, clock.now());

  if (checks.length === 0) {
    return finish([]);
  }
  for (
    let due = startedAt + settings.initialDelayMs;
    due <= startedAt + settings.windowMs;
    due += settings.periodMs
  ) {
    const wait = due - clock.now();
    if (wait > 0) await clock.sleep(wait);
    const time = clock.now();
    const observations = await Promise.all(
      checks.map((check) => observe(source, check, clock, settings.timeoutMs)),
    );
    checks.forEach((check, i) => {
      const state = states.get(check.id) as CheckState;
      const m = toMeasurement(
        check,
        time,
        judge(check, observations[i] as Observation, settings, baseline?.values[check.id]),
      );
      measurements.push(m);
      state.last = m;
      if (m.outcome === 'pass') {
        state.consecutiveFailures = 0;
        state.consecutiveSuccesses += 1;
      } else {
        state.consecutiveSuccesses = 0;
        if (m.outcome === 'fail') state.consecutiveFailures += 1;
        if (state.consecutiveFailures >= settings.failureThreshold) state.failedBy ??= m;
      }
    });
    if (checks.some((c) => states.get(c.id)?.failedBy)) break;
  }
  return finish(checks.map((check) => checkResult(check, states.get(check.id) as CheckState, settings)));
}

function checkResult(check: Check, state: CheckState, settings: VerificationSettings): CheckResult {
  if (state.failedBy) {
    return {
      check,
      verdict: 'fail',
      trigger: triggerOf(check),
      reason: `${settings.failureThreshold} consecutive failing evaluations; last: ${state.failedBy.reason}`,
    };
  }
  if (!state.last) {
    return { check, verdict: 'inconclusive', reason: 'never evaluated: the window ended first' };
  }
  if (state.consecutiveSuccesses >= settings.successThreshold) {
    return { check, verdict: 'pass', reason: state.last.reason };
  }
  if (state.last.outcome === 'pass') {
    return {
      check,
      verdict: 'inconclusive',
      reason: `only ${state.consecutiveSuccesses} of ${settings.successThreshold} required consecutive successes at the end of the window`,
    };
  }
  if (state.last.outcome === 'fail') {
    return {
      check,
      verdict: 'inconclusive',
      reason: `still failing at the end of the window (${state.consecutiveFailures} of ${settings.failureThreshold} failures): ${state.last.reason}`,
    };
  }
  return { check, verdict: 'inconclusive', reason: `last evaluation inconclusive: ${state.last.reason}` };
}

function summarize(
  checks: CheckResult[],
  measurements: Measurement[],
  settings: VerificationSettings,
  startedAt: number,
  endedAt: number,
): VerificationResult {
  const failed = checks.filter((c) => c.verdict === 'fail');
  const unsure = checks.filter((c) => c.verdict === 'inconclusive');
  let verdict: Verdict;
  let reason: string;
  if (failed.length > 0) {
    verdict = 'fail';
    reason = failed.map((c) => `${c.check.id}: ${c.reason}`).join('; ');
  } else if (checks.length === 0) {
    verdict = 'inconclusive';
    reason = 'there was nothing to verify (no checks)';
  } else if (unsure.length > 0) {
    verdict = 'inconclusive';
    reason = unsure.map((c) => `${c.check.id}: ${c.reason}`).join('; ');
  } else {
    verdict = 'pass';
    reason = `all ${checks.length} checks passed`;
  }
  const triggers = failed.flatMap((c) => (c.trigger ? [c.trigger] : []));
  return {
    verdict,
    decision: decide(verdict, settings.onInconclusive, triggers, settings.rollbackOn),
    reason,
    startedAt,
    endedAt,
    checks,
    measurements,
  };
}

/**
 * The next step of the pipeline. A failure rolls back only when one of its triggers is an enabled
 * `rollback.conditions` entry; otherwise the run fails and leaves the release as it is for a person to decide.
 */
export function decide(
  verdict: Verdict,
  onInconclusive: InconclusivePolicy,
  triggers: RollbackCondition[],
  rollbackOn: RollbackCondition[],
): Decision {
  if (verdict === 'pass') return 'proceed';
  if (verdict === 'inconclusive') return onInconclusive;
  return triggers.some((t) => rollbackOn.includes(t)) ? 'rollback' : 'fail';
}
