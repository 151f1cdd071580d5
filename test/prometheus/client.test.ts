// The client, the PromQL templates and the Prometheus source against a real Prometheus scraping targets whose
// error fraction, traffic and latency the test controls.
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createPrometheusClient,
  type InstantOutcome,
  type PrometheusClient,
} from '../../src/prometheus/client.js';
import { type TierQueries, tierQueries } from '../../src/prometheus/queries.js';
import { prometheusSource } from '../../src/prometheus/source.js';
import { captureBaseline } from '../../src/verify/baseline.js';
import { systemClock } from '../../src/verify/clock.js';
import { runVerification } from '../../src/verify/engine.js';
import type { Check, MeasureContext } from '../../src/verify/types.js';
import { type RunningPrometheus, startPrometheus } from '../support/prometheus.js';
import { seedSettings } from '../verify/helpers.js';
import { startTarget, type TargetServer } from './target.js';

const WINDOW = '5s';
let prom: RunningPrometheus | undefined;
const targets: TargetServer[] = [];
let client: PrometheusClient;
let queries: Record<string, TierQueries>;

const jobs = ['mixed', 'clean', 'idle', 'absent'] as const;
const errorCheck = (job: string): Check => ({ id: `${job}:error_ratio`, kind: 'error_ratio', job });
const latencyCheck = (job: string): Check => ({ id: `${job}:latency`, kind: 'latency', job });
const context = (): MeasureContext => ({ timeoutMs: 2000, signal: new AbortController().signal });

/** Polls `query` until `accept` holds; returns the last outcome either way so the assertion shows it. */
async function eventually(
  query: () => Promise<InstantOutcome>,
  accept: (o: InstantOutcome) => boolean,
  ms = 15_000,
): Promise<InstantOutcome> {
  const deadline = Date.now() + ms;
  let outcome = await query();
  while (!accept(outcome) && Date.now() < deadline) {
    await delay(200);
    outcome = await query();
  }
  return outcome;
}
const numberIn = (o: InstantOutcome): number => (o.kind === 'value' ? o.value : Number.NaN);

beforeAll(async () => {
  const mixed = await startTarget({ requestsPerSecond: 50, errorFraction: 0.2, latencySeconds: 0.3 });
  const clean = await startTarget({ requestsPerSecond: 40, errorFraction: 0, latencySeconds: 0.07 });
  const idle = await startTarget({ requestsPerSecond: 0, errorFraction: 0, latencySeconds: 0.1 });
  targets.push(mixed, clean, idle);
  prom = await startPrometheus({
    scrapeInterval: '1s',
    scrapeTargets: [
      { job: 'mixed', targets: [mixed.address] },
      { job: 'clean', targets: [clean.address] },
      { job: 'idle', targets: [idle.address] },
    ],
  });
  client = createPrometheusClient({ url: prom.url, timeoutMs: 2000 });
  queries = Object.fromEntries(
    jobs.map((job) => [job, tierQueries(job, { window: WINDOW, quantile: 0.99 })]),
  );
  // rate() extrapolates poorly until the window is full of scrapes: wait for four in the window of each job.
  for (const job of ['mixed', 'clean', 'idle']) {
    const scrapes = await eventually(
      () => client.query(`count_over_time(up{job="${job}"}[${WINDOW}])`),
      (o) => numberIn(o) >= 4,
    );
    expect(numberIn(scrapes), `scrapes of ${job}`).toBeGreaterThanOrEqual(4);
  }
}, 30_000);

afterAll(async () => {
  await prom?.stop();
  await Promise.all(targets.map((t) => t.close()));
});

describe('queries against a real Prometheus', () => {
  test('the error ratio converges to the share of 5xx the target serves', async () => {
    const q = queries.mixed as TierQueries;
    const ratio = await eventually(
      () => client.query(q.errorRatio),
      (o) => Math.abs(numberIn(o) - 0.2) < 0.01,
    );
    expect(numberIn(ratio)).toBeCloseTo(0.2, 2);
    const rate = await client.query(q.requestRate);
    expect(numberIn(rate)).toBeGreaterThan(35);
    expect(numberIn(rate)).toBeLessThan(65);
  });

  test('no 5xx series: Prometheus answers an empty vector, the source reads 0 errors because there is traffic', async () => {
    expect(await client.query((queries.clean as TierQueries).errorRatio)).toEqual({ kind: 'empty' });
    const source = prometheusSource(client, queries);
    const observation = await source.measure(errorCheck('clean'), context());
    expect(observation).toMatchObject({ kind: 'error_ratio', ratio: 0, note: 'no 5xx series' });
    expect(observation.kind === 'error_ratio' && observation.requestRate).toBeGreaterThan(20);
  });

  test('without traffic the same empty answer is inconclusive, not 0', async () => {
    const source = prometheusSource(client, queries);
    expect(await source.measure(errorCheck('idle'), context())).toMatchObject({
      kind: 'unavailable',
      cause: 'no_traffic',
      reason: 'job "idle" served no requests in the window (request rate 0)',
    });
    expect(await source.measure(errorCheck('absent'), context())).toMatchObject({
      kind: 'unavailable',
      cause: 'no_data',
      reason: expect.stringMatching(/^no request series for job "absent": no data/),
    });
  });

  test('the latency quantile comes from the histogram buckets', async () => {
    const source = prometheusSource(client, queries);
    const slow = await source.measure(latencyCheck('mixed'), context());
    const fast = await source.measure(latencyCheck('clean'), context());
    // Every request took 0.3 s (0.07 s): the quantile interpolates inside the (0.25, 0.5] ((0.05, 0.1]) bucket.
    expect(slow.kind === 'latency' && slow.seconds).toBeGreaterThan(0.25);
    expect(slow.kind === 'latency' && slow.seconds).toBeLessThanOrEqual(0.5);
    expect(fast.kind === 'latency' && fast.seconds).toBeGreaterThan(0.05);
    expect(fast.kind === 'latency' && fast.seconds).toBeLessThanOrEqual(0.1);
  });

  test('query_range returns the points of each series', async () => {
    const end = Date.now();
    const range = await client.queryRange((queries.mixed as TierQueries).requestRate, {
      start: end - 3000,
      end,
      stepSeconds: 1,
    });
    expect(range.kind).toBe('matrix');
    const points = range.kind === 'matrix' ? (range.series[0]?.points ?? []) : [];
    expect(points.length).toBeGreaterThanOrEqual(3);
    expect(points.every((p) => p.value > 0)).toBe(true);
    expect(
      await client.queryRange('http_requests_total{job="absent"}', {
        start: end - 3000,
        end,
        stepSeconds: 1,
      }),
    ).toEqual({ kind: 'empty' });
  });

  test('NaN, several series and broken PromQL each get their own outcome', async () => {
    expect(await client.query('0/0')).toEqual({ kind: 'nan' });
    expect(await client.query('up')).toEqual({ kind: 'ambiguous', series: 3 });
    const broken = await client.query('sum(rate(http_requests_total[5s]');
    expect(broken).toMatchObject({
      kind: 'http_error',
      status: 400,
      message: expect.stringMatching(/^bad_data: .*parse error/),
    });
  });
});

describe('the engine on real measurements', () => {
  test('the real source fails the 20 % tier, passes the clean one and cannot judge the idle one', async () => {
    const settings = seedSettings({
      initialDelayMs: 0,
      periodMs: 250,
      timeoutMs: 2000,
      failureThreshold: 2,
      windowMs: 750,
      minRequestRate: 1,
    });
    const source = prometheusSource(client, queries);
    const verify = (job: string) =>
      runVerification({ settings, checks: [errorCheck(job)], source, clock: systemClock });
    const [mixed, clean, idle] = await Promise.all([verify('mixed'), verify('clean'), verify('idle')]);
    expect(mixed).toMatchObject({ verdict: 'fail', decision: 'rollback' });
    expect(mixed.reason).toMatch(/error ratio 20.00% is above rollback.error_rate_threshold 5.00%/);
    expect(clean).toMatchObject({ verdict: 'pass', decision: 'proceed' });
    expect(clean.measurements).toHaveLength(4);
    expect(idle).toMatchObject({ verdict: 'inconclusive', decision: 'hold' });
  });

  test('the baseline holds the measured ratio of every tier that had traffic', async () => {
    const baseline = await captureBaseline({
      settings: seedSettings({ timeoutMs: 2000 }),
      checks: jobs.map(errorCheck),
      source: prometheusSource(client, queries),
      clock: systemClock,
    });
    expect(Object.keys(baseline.values).sort()).toEqual(['clean:error_ratio', 'mixed:error_ratio']);
    expect(baseline.values['mixed:error_ratio']).toBeCloseTo(0.2, 2);
    expect(baseline.values['clean:error_ratio']).toBe(0);
  });
});
