import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { captureBaseline } from '../../src/verify/baseline.js';
import { decide, runVerification } from '../../src/verify/engine.js';
import type { Check, Observation, VerificationSettings } from '../../src/verify/types.js';
import { FakeClock } from './fake-clock.js';
import {
  apiErrors,
  apiLatency,
  apiRollout,
  latency,
  ratio,
  rollout,
  scripted,
  seedSettings,
} from './helpers.js';

async function run(
  answer: (check: Check, second: number) => Observation | Promise<Observation>,
  options: { settings?: VerificationSettings; checks?: Check[]; baselineRatio?: number } = {},
) {
  const clock = new FakeClock();
  const source = scripted(clock, answer);
  const baseline =
    options.baselineRatio === undefined
      ? undefined
      : { takenAt: clock.now(), values: { [apiErrors.id]: options.baselineRatio }, measurements: [] };
  const result = await runVerification({
    settings: options.settings ?? seedSettings(),
    checks: options.checks ?? [apiErrors],
    source,
    clock,
    baseline,
  });
  return { result, calls: source.calls, seconds: (result.endedAt - result.startedAt) / 1000 };
}

const unavailable = (cause: 'no_data' | 'nan' | 'unreachable' | 'timeout', reason: string): Observation => ({
  kind: 'unavailable',
  cause,
  reason,
});

describe('runVerification with the seed health_check (30/10/5/1/3) over a 5m window', () => {
  test('a healthy tier passes after the whole window, evaluated every period from initial_delay', async () => {
    const { result, calls, seconds } = await run(() => ratio(0.01));
    expect(result.verdict).toBe('pass');
    expect(result.decision).toBe('proceed');
    expect(seconds).toBe(300);
    expect(calls.map((c) => c.second)).toEqual(Array.from({ length: 28 }, (_, i) => 30 + 10 * i));
    expect(result.measurements).toHaveLength(28);
    expect(result.measurements[0]).toMatchObject({
      check: 'api:error_ratio',
      outcome: 'pass',
      value: 0.01,
      query: 'sum(rate(...))',
      time: result.startedAt + 30_000,
    });
  });

  test('initial_delay is honoured: a bad start during the delay is never measured', async () => {
    const { result, calls } = await run((_c, s) => (s < 30 ? ratio(0.9) : ratio(0)));
    expect(calls[0]?.second).toBe(30);
    expect(result.verdict).toBe('pass');
  });

  test('fails after exactly failure_threshold consecutive bad periods and stops there', async () => {
    const { result, calls, seconds } = await run((_c, s) => (s >= 100 ? ratio(0.2) : ratio(0.01)));
    expect(result.verdict).toBe('fail');
    expect(result.decision).toBe('rollback');
    expect(seconds).toBe(120); // bad at 100, 110, 120: the third one ends the run
    expect(calls.at(-1)?.second).toBe(120);
    expect(result.measurements.filter((m) => m.outcome === 'fail')).toHaveLength(3);
    expect(result.checks[0]).toMatchObject({ verdict: 'fail', trigger: 'error_rate_threshold' });
    expect(result.checks[0]?.reason).toMatch(
      /3 consecutive failing evaluations; last: error ratio 20.00% is above/,
    );
  });

  test('failure_threshold - 1 bad periods do not fail the run', async () => {
    const { result } = await run((_c, s) => (s === 100 || s === 110 ? ratio(0.2) : ratio(0.01)));
    expect(result.verdict).toBe('pass');
  });

  test('a success resets the failure count', async () => {
    // fail, fail, pass, fail, fail, pass, …: never three in a row.
    const { result } = await run((_c, s) => (((s - 30) / 10) % 3 === 2 ? ratio(0.01) : ratio(0.3)));
    expect(result.measurements.filter((m) => m.outcome === 'fail').length).toBeGreaterThan(10);
    expect(result.verdict).not.toBe('fail');
  });

  test('an inconclusive evaluation does not reset a failure streak', async () => {
    const { result, seconds } = await run((_c, s) =>
      s === 110 ? unavailable('unreachable', 'connection refused') : s >= 100 ? ratio(0.2) : ratio(0),
    );
    expect(result.verdict).toBe('fail');
    expect(seconds).toBe(130);
  });

  test('still failing when the window ends (below failure_threshold) is inconclusive, not a pass', async () => {
    const { result } = await run((_c, s) => (s >= 290 ? ratio(0.2) : ratio(0)));
    expect(result.verdict).toBe('inconclusive');
    expect(result.reason).toMatch(/still failing at the end of the window \(2 of 3 failures\)/);
  });

  test('success_threshold > 1 requires that many successes at the end', async () => {
    const settings = seedSettings({ successThreshold: 2 });
    const late = await run((_c, s) => (s >= 300 ? ratio(0) : s >= 280 ? ratio(0.2) : ratio(0)), { settings });
    expect(late.result.verdict).toBe('inconclusive');
    expect(late.result.reason).toMatch(/only 1 of 2 required consecutive successes/);
    const enough = await run((_c, s) => (s >= 290 ? ratio(0) : s >= 270 ? ratio(0.2) : ratio(0)), {
      settings,
    });
    expect(enough.result.verdict).toBe('pass');
  });
});

describe('inconclusive measurements are never a pass', () => {
  const cases: [string, Observation, RegExp][] = [
    ['no data', unavailable('no_data', 'no request series for job "api"'), /no request series/],
    ['NaN', unavailable('nan', 'error ratio: NaN'), /NaN/],
    [
      'too little traffic',
      ratio(0, 0.1),
      /traffic 0.1 req\/s is below verification.min_request_rate 0.5 req\/s/,
    ],
    ['an unreachable Prometheus', unavailable('unreachable', 'connect ECONNREFUSED'), /ECONNREFUSED/],
  ];
  test.each(cases)('%s', async (_name, observation, reason) => {
    const { result } = await run(() => observation);
    expect(result.verdict).toBe('inconclusive');
    expect(result.decision).toBe('hold');
    expect(result.measurements.every((m) => m.outcome === 'inconclusive')).toBe(true);
    expect(result.reason).toMatch(reason);
  });

  test.each([
    ['rollback', 'rollback'],
    ['hold', 'hold'],
    ['fail', 'fail'],
  ] as const)('on_inconclusive: %s decides %s', async (policy, decision) => {
    const { result } = await run(() => unavailable('no_data', 'nothing'), {
      settings: seedSettings({ onInconclusive: policy }),
    });
    expect(result.verdict).toBe('inconclusive');
    expect(result.decision).toBe(decision);
  });

  test('a source slower than health_check.timeout is a timeout', async () => {
    const clock = new FakeClock();
    const source = scripted(clock, async () => {
      await clock.sleep(7_000);
      return ratio(0);
    });
    const result = await runVerification({ settings: seedSettings(), checks: [apiErrors], source, clock });
    expect(result.verdict).toBe('inconclusive');
    expect(result.measurements[0]?.reason).toBe('no answer within deployment.health_check.timeout (5s)');
    // Evaluations stay on their schedule although each waited the full timeout.
    expect(result.measurements[1]?.time).toBe(result.startedAt + 40_000);
  });

  test('a source that throws is reported, not trusted', async () => {
    const { result } = await run(() => {
      throw new Error('socket hang up');
    });
    expect(result.verdict).toBe('inconclusive');
    expect(result.measurements[0]?.reason).toBe('measuring failed: socket hang up');
  });

  test('an observation of the wrong kind for its check is not trusted', async () => {
    const { result } = await run(() => rollout(3, 3));
    expect(result.verdict).toBe('inconclusive');
    expect(result.measurements[0]?.reason).toBe(
      'the measurement source answered check api:error_ratio (error_ratio) with a kube observation',
    );
  });

  test('with no checks at all the run is inconclusive', async () => {
    const { result } = await run(() => ratio(0), { checks: [] });
    expect(result).toMatchObject({ verdict: 'inconclusive', decision: 'hold', measurements: [] });
  });
});

describe('thresholds', () => {
  test('the baseline comparison fails an increase that stays below the absolute threshold', async () => {
    const withBaseline = await run(() => ratio(0.04), { baselineRatio: 0.02 });
    expect(withBaseline.result.verdict).toBe('fail');
    expect(withBaseline.result.checks[0]?.reason).toMatch(
      /rose above the baseline 2.00% by more than verification.max_error_rate_increase 1.00%/,
    );
    const withinIncrease = await run(() => ratio(0.029), { baselineRatio: 0.02 });
    expect(withinIncrease.result.verdict).toBe('pass');
    const noBaseline = await run(() => ratio(0.04));
    expect(noBaseline.result.verdict).toBe('pass');
  });

  test('latency above latency_threshold fails; +Inf (beyond the largest bucket) fails too', async () => {
    const slow = await run(() => latency(0.8), { checks: [apiLatency] });
    expect(slow.result.verdict).toBe('fail');
    expect(slow.result.checks[0]).toMatchObject({ trigger: 'health_check_failed' });
    const inf = await run(() => latency(Number.POSITIVE_INFINITY), { checks: [apiLatency] });
    expect(inf.result.verdict).toBe('fail');
    const fast = await run(() => latency(0.2), { checks: [apiLatency] });
    expect(fast.result.verdict).toBe('pass');
  });
});

describe('Kubernetes signals', () => {
  test('crashing pods fail the rollout check and trigger health_check_failed', async () => {
    const { result, seconds } = await run(
      (c) =>
        c.kind === 'kube' ? rollout(2, 3, [{ name: 'api-7d9-x2', reason: 'CrashLoopBackOff' }]) : ratio(0),
      { checks: [apiErrors, apiRollout] },
    );
    expect(result.verdict).toBe('fail');
    expect(seconds).toBe(50);
    expect(result.checks.map((c) => c.verdict)).toEqual(['pass', 'fail']);
    expect(result.reason).toMatch(/kube:Deployment\/api: .*failing pods api-7d9-x2 \(CrashLoopBackOff\)/);
    expect(result.decision).toBe('rollback');
  });

  test('pods that stay unready fail; without health_check_failed in rollback.conditions the run fails', async () => {
    const { result } = await run(() => rollout(1, 3), {
      checks: [apiRollout],
      settings: seedSettings({ rollbackOn: ['error_rate_threshold', 'manual_trigger'] }),
    });
    expect(result.verdict).toBe('fail');
    expect(result.reason).toMatch(/1\/3 replicas ready/);
    expect(result.decision).toBe('fail');
  });

  test('a healthy rollout passes', async () => {
    const { result } = await run(() => rollout(3, 3), { checks: [apiRollout] });
    expect(result.verdict).toBe('pass');
  });
});

describe('captureBaseline', () => {
  test('keeps usable values and leaves out inconclusive ones', async () => {
    const clock = new FakeClock();
    const web: Check = { id: 'web:error_ratio', kind: 'error_ratio', job: 'web' };
    const source = scripted(clock, (c) => (c.id === 'api:error_ratio' ? ratio(0.012) : ratio(0, 0)));
    const baseline = await captureBaseline({
      settings: seedSettings(),
      checks: [apiErrors, web],
      source,
      clock,
    });
    expect(baseline.values).toEqual({ 'api:error_ratio': 0.012 });
    expect(baseline.measurements.map((m) => m.outcome)).toEqual(['pass', 'inconclusive']);
    expect(baseline.takenAt).toBe(clock.now());
  });
});

test('decide maps verdict and policy to the next step', () => {
  const all = ['health_check_failed', 'error_rate_threshold'] as const;
  expect(decide('pass', 'fail', [], [...all])).toBe('proceed');
  expect(decide('fail', 'hold', ['error_rate_threshold'], [...all])).toBe('rollback');
  expect(decide('fail', 'hold', ['error_rate_threshold'], ['health_check_failed'])).toBe('fail');
  expect(decide('inconclusive', 'rollback', [], [])).toBe('rollback');
});

// Healthy means: inside every threshold, with enough traffic, all replicas ready.
const healthyObservation = (check: Check, s: VerificationSettings, pick: number): Observation => {
  const traffic = s.minRequestRate + pick * 100;
  if (check.kind === 'error_ratio') return ratio(s.errorRateThreshold * pick, traffic);
  if (check.kind === 'latency') return latency((s.latencyThresholdSeconds ?? 0) * pick, traffic);
  return rollout(3, 3);
};

propTest.prop(
  [
    fc.record({
      initialDelayMs: fc.integer({ min: 0, max: 60_000 }),
      periodMs: fc.integer({ min: 1_000, max: 30_000 }),
      failureThreshold: fc.integer({ min: 1, max: 5 }),
      successThreshold: fc.integer({ min: 1, max: 3 }),
      extraWindowMs: fc.integer({ min: 0, max: 200_000 }),
      errorRateThreshold: fc.double({ min: 0, max: 1, noNaN: true }),
      minRequestRate: fc.double({ min: 0, max: 50, noNaN: true }),
      latencyThresholdSeconds: fc.double({ min: 0, max: 10, noNaN: true }),
    }),
    fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 40 }),
  ],
  { numRuns: 60 },
)('a source that always reports healthy values never yields fail', async (p, picks) => {
  const settings = seedSettings({
    ...p,
    windowMs:
      p.initialDelayMs +
      (Math.max(p.failureThreshold, p.successThreshold) - 1) * p.periodMs +
      p.extraWindowMs,
  });
  const clock = new FakeClock();
  let n = 0;
  const source = scripted(clock, (check) =>
    healthyObservation(check, settings, picks[n++ % picks.length] as number),
  );
  const result = await runVerification({
    settings,
    checks: [apiErrors, apiLatency, apiRollout],
    source,
    clock,
  });
  expect(result.measurements.some((m) => m.outcome === 'fail')).toBe(false);
  expect(result.verdict).toBe('pass');
});
