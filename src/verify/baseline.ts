// The pre-deploy baseline: every check measured once, judged like any evaluation, and its value kept only when
// it is usable. A fresh install has no traffic yet; its checks then fall back to the absolute thresholds.
import { observe } from './engine.js';
import { judge, toMeasurement } from './judge.js';
import type { Baseline, Check, Clock, MeasurementSource, VerificationSettings } from './types.js';

/**
 * Measures every check once, in parallel, before the deploy. A value enters `values` only when its measurement
 * was conclusive (enough traffic, a real number); every measurement is kept for the report either way.
 */
export async function captureBaseline(input: {
  settings: VerificationSettings;
  checks: Check[];
  source: MeasurementSource;
  clock: Clock;
}): Promise<Baseline> {
  const { settings, checks, source, clock } = input;
  const takenAt = clock.now();
  const observations = await Promise.all(
    checks.map((check) => observe(source, check, clock, settings.timeoutMs)),
  );
  const values: Record<string, number> = {};
  const measurements = checks.map((check, i) => {
    // No baseline is applied while capturing one; a failing value (already above the absolute threshold)
    // is still a fact worth comparing against later.
    const judgement = judge(check, observations[i] as (typeof observations)[number], settings);
    if (judgement.outcome !== 'inconclusive' && judgement.value !== undefined)
      values[check.id] = judgement.value;
    return toMeasurement(check, takenAt, judgement);
  });
  return { takenAt, values, measurements };
}
