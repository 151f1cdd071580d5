// The baseline hand-off between the deploy and verify actions as plain data: what deploy outputs and says for a
// captured baseline, and which `baseline` / `prometheus-url` inputs verify and deploy refuse (and why).
// The bundles themselves, against Prometheus and the simulated cluster, are in baseline-bundle.test.ts.
import { describe, expect, it } from 'vitest';
import { baselineFailed, baselineReport } from '../../src/actions/shared/baseline-report.js';
import { checkPrometheusUrlInput, parseBaselineInput } from '../../src/actions/shared/inputs.js';
import type { Baseline } from '../../src/verify/index.js';

const baseline: Baseline = {
  takenAt: 1_700_000_000_000,
  values: { 'api:error_ratio': 0.002, 'kube:Deployment/api': 2 },
  measurements: [
    {
      check: 'api:error_ratio',
      time: 1_700_000_000_000,
      outcome: 'pass',
      reason: 'error ratio 0.20%',
      value: 0.002,
    },
    {
      check: 'memory:error_ratio',
      time: 1_700_000_000_000,
      outcome: 'inconclusive',
      reason: 'job "memory" served no requests in the window (request rate 0)',
    },
  ],
};
const errorRatios = ['api:error_ratio', 'memory:error_ratio'];

describe('what the deploy action makes of the baseline it measured', () => {
  it('hands it on as compact JSON when an error ratio was measured, naming the ones without a value', () => {
    const report = baselineReport(baseline, errorRatios);
    expect(report.usable).toBe(true);
    expect(report.output).toBe(JSON.stringify(baseline));
    expect(report.output).not.toContain('\n');
    expect(report.headline).toMatch(/^Baseline before the deploy: 1 of 2 error ratios measured;/);
    expect(report.details).toEqual([
      'api:error_ratio: 0.20%',
      'memory:error_ratio: no value (job "memory" served no requests in the window (request rate 0))',
    ]);
  });

  it('hands on nothing when no error ratio was measured: rollout values alone are never compared', () => {
    const report = baselineReport({ ...baseline, values: { 'kube:Deployment/api': 2 } }, errorRatios);
    expect(report).toMatchObject({ usable: false, output: '' });
    expect(report.headline).toBe(
      'No usable baseline: the deploy went ahead; verify judges against the absolute thresholds only.',
    );
    expect(report.details[0]).toBe('api:error_ratio: no value (error ratio 0.20%)');
  });

  it('says why when the baseline could not be measured at all', () => {
    expect(baselineFailed('cannot list the workloads of ms-api: connection refused')).toEqual({
      usable: false,
      output: '',
      headline:
        'No baseline: cannot list the workloads of ms-api: connection refused; the deploy went ahead; verify judges against the absolute thresholds only.',
      details: [],
    });
  });
});

describe("verify's baseline input", () => {
  it('reads back exactly what deploy outputs', () => {
    expect(parseBaselineInput(JSON.stringify(baseline))).toEqual(baseline);
  });

  it.each([
    ['', /is not JSON/],
    ['null', /is not a JSON object/],
    ['{"values": {}, "measurements": []}', /has takenAt undefined, expected a time in milliseconds/],
    ['{"takenAt": 1, "measurements": []}', /has no values object/],
    [
      '{"takenAt": 1, "values": {"a:error_ratio": -0.1}, "measurements": []}',
      /values\["a:error_ratio"\] -0.1/,
    ],
    ['{"takenAt": 1, "values": {}}', /has no measurements list/],
    ['{"takenAt": 1, "values": {}, "measurements": [3]}', /measurements\[0\] that is not an object/],
    [
      '{"takenAt": 1, "values": {}, "measurements": [{"check": "a", "time": 1, "reason": "", "outcome": "ok"}]}',
      /measurements\[0\]\.outcome "ok", expected pass, fail or inconclusive/,
    ],
  ])('refuses %s naming the input and the field', (text, message) => {
    expect(() => parseBaselineInput(text)).toThrow(message);
    try {
      parseBaselineInput(text);
    } catch (e) {
      expect((e as Error).message).toMatch(/^the input 'baseline' /);
      expect((e as { hint?: string }).hint).toMatch(/deploy step's `baseline` output unchanged/);
    }
  });
});

describe('the prometheus-url input', () => {
  it('takes an http(s) base URL, with a path prefix', () => {
    expect(checkPrometheusUrlInput('http://prometheus.monitoring:9090')).toBe(
      'http://prometheus.monitoring:9090',
    );
    expect(checkPrometheusUrlInput('https://example.com/prometheus')).toBe('https://example.com/prometheus');
  });

  it.each(['prometheus:9090', 'ftp://prometheus', 'prometheus.monitoring'])('refuses %s', (url) => {
    expect(() => checkPrometheusUrlInput(url)).toThrow(
      `the input 'prometheus-url' is not an http(s) URL: "${url}"`,
    );
  });
});
