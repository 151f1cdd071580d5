import { describe, expect, test } from 'vitest';
import { runVerification } from '../../src/verify/engine.js';
import { errorRatioChart, measurementTables } from '../../src/verify/report.js';
import type { Observation, VerificationResult } from '../../src/verify/types.js';
import { FakeClock } from './fake-clock.js';
import { apiErrors, apiRollout, ratio, rollout, scripted, seedSettings } from './helpers.js';

// 30 s delay, then every 10 s for 60 s: the ratio climbs, one evaluation has no data.
async function sample(): Promise<VerificationResult> {
  const clock = new FakeClock();
  const answers: Record<number, Observation> = {
    30: ratio(0.01),
    40: {
      kind: 'unavailable',
      cause: 'no_data',
      reason: 'no request series | query',
      query: 'sum(rate(x[1m]))',
    },
    50: ratio(0.02),
    60: ratio(0.031),
  };
  const source = scripted(clock, (check, s) =>
    check.kind === 'kube' ? rollout(3) : (answers[s] ?? ratio(0)),
  );
  return runVerification({
    settings: seedSettings({ windowMs: 60_000 }),
    checks: [apiErrors, apiRollout],
    source,
    clock,
  });
}

describe('report', () => {
  test('a markdown table per check with time, value, outcome and an escaped reason', async () => {
    const md = measurementTables(await sample());
    expect(md).toContain('#### api:error_ratio: ✅ pass');
    expect(md).toContain('Query: `sum(rate(...))`');
    expect(md).toContain(
      '| time | value | outcome | reason |\n|---|---|---|---|\n| +30s | 1% | ✅ pass | error ratio 1.00% |',
    );
    expect(md).toContain('| +40s | — | ⚠️ inconclusive | no request series \\| query |');
    expect(md).toContain('| +60s | 3.1% | ✅ pass | error ratio 3.10% |');
    expect(md).toContain('#### kube:Deployment/api: ✅ pass');
    expect(md).toContain('| +30s | 3 | ✅ pass | Deployment/api: 3/3 replicas ready |');
  });

  test('a mermaid xychart of the error ratio that skips evaluations without a value', async () => {
    expect(errorRatioChart(await sample(), 0.05)).toBe(
      [
        '```mermaid',
        'xychart-beta',
        '  title "api:error_ratio error ratio (%) vs threshold 5%"',
        '  x-axis "seconds after start" ["+30s", "+50s", "+60s"]',
        '  y-axis "error ratio (%)" 0 --> 6',
        '  line [1, 2, 3.1]',
        '  line [5, 5, 5]',
        '```',
      ].join('\n'),
    );
  });

  test('a check without any value says so instead of drawing an empty chart', async () => {
    const clock = new FakeClock();
    const source = scripted(clock, () => ({ kind: 'unavailable', cause: 'unreachable', reason: 'refused' }));
    const result = await runVerification({
      settings: seedSettings({ windowMs: 60_000 }),
      checks: [apiErrors],
      source,
      clock,
    });
    expect(errorRatioChart(result, 0.05)).toBe('_api:error_ratio: no error-ratio values to chart._');
    expect(measurementTables(result)).toContain('#### api:error_ratio: ⚠️ inconclusive');
  });
});
