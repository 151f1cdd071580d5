import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadReleaseConfig } from '../../src/config/index.js';
import type { ReleaseConfig } from '../../src/config/types.js';
import {
  errorRatioQuery,
  latencyQuery,
  metricNames,
  requestRateQuery,
  tierQueries,
  tierQueriesFromConfig,
} from '../../src/prometheus/queries.js';
import { packageRoot } from '../../src/util/paths.js';
import { verifiedJobs } from '../../src/verify/settings.js';

const example = () => loadReleaseConfig(join(packageRoot(), 'examples', 'memory-system.yaml'));
const withPrometheus = (
  config: ReleaseConfig,
  prometheus: Partial<ReleaseConfig['monitoring']['prometheus']>,
) => ({
  ...config,
  monitoring: { prometheus: { ...config.monitoring.prometheus, ...prometheus } },
});

describe('PromQL templates', () => {
  test('error ratio, traffic floor and latency quantile per job', () => {
    expect(requestRateQuery('api', '1m')).toBe('sum(rate(http_requests_total{job="api"}[1m]))');
    expect(errorRatioQuery('api', '1m')).toBe(
      'sum(rate(http_requests_total{job="api", code=~"5.."}[1m])) / sum(rate(http_requests_total{job="api"}[1m]))',
    );
    expect(latencyQuery('api', '1m', 0.99)).toBe(
      'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="api"}[1m])))',
    );
  });

  test('a job name is quoted as a PromQL string', () => {
    expect(requestRateQuery('a"b\\c', '1m')).toBe('sum(rate(http_requests_total{job="a\\"b\\\\c"}[1m]))');
  });

  test('the example config gives every scrape job its queries with the seed windows', async () => {
    const config = await example();
    const queries = tierQueriesFromConfig(config, verifiedJobs(config));
    expect(Object.keys(queries)).toEqual(['api', 'memory', 'storage']);
    expect(queries.memory?.errorRatio).toBe(errorRatioQuery('memory', '1m'));
    expect(queries.storage?.latency).toBe(latencyQuery('storage', '1m', 0.99));
  });

  test('metric and label names come from monitoring.prometheus.metrics', async () => {
    const config = withPrometheus(await example(), {
      metrics: {
        requests: 'app:requests_total',
        code_label: 'status',
        latency_histogram: 'app_latency_seconds',
      },
    });
    const api = tierQueriesFromConfig(config, ['api']).api;
    expect(api?.errorRatio).toBe(
      'sum(rate(app:requests_total{job="api", status=~"5.."}[1m])) / sum(rate(app:requests_total{job="api"}[1m]))',
    );
    expect(api?.latency).toContain('rate(app_latency_seconds_bucket{job="api"}[1m])');
  });

  test('a job may bring its own queries; $job and $window are substituted', async () => {
    const config = withPrometheus(await example(), {
      queries: {
        api: {
          error_ratio:
            'sum(rate(errors_total{job="$job"}[$window])) / sum(rate(calls_total{job="$job"}[$window]))',
        },
        batch: { request_rate: 'sum(rate(jobs_total{service="$job"}[$window]))' },
      },
    });
    const jobs = verifiedJobs(config);
    expect(jobs).toEqual(['api', 'memory', 'storage', 'batch']);
    const queries = tierQueriesFromConfig(config, jobs);
    expect(queries.api?.errorRatio).toBe(
      'sum(rate(errors_total{job="api"}[1m])) / sum(rate(calls_total{job="api"}[1m]))',
    );
    expect(queries.api?.requestRate).toBe(requestRateQuery('api', '1m'));
    expect(queries.batch?.requestRate).toBe('sum(rate(jobs_total{service="batch"}[1m]))');
  });

  test.each([
    [
      { metrics: { requests: 'http requests' } },
      /monitoring.prometheus.metrics.requests: "http requests" is not a valid metric name/,
    ],
    [
      { metrics: { code_label: 'status:code' } },
      /monitoring.prometheus.metrics.code_label: "status:code" is not a valid label name/,
    ],
    [{ metrics: { latency_histogram: '9lives' } }, /monitoring.prometheus.metrics.latency_histogram/],
    [
      { queries: { api: { error_ratio: '  ' } } },
      /monitoring.prometheus.queries.api.error_ratio: the query is empty/,
    ],
  ])('broken names and queries are user errors naming the field (%j)', async (prometheus, message) => {
    const config = withPrometheus(await example(), prometheus as never);
    expect(() => tierQueriesFromConfig(config, verifiedJobs(config))).toThrow(message);
  });

  test('a bad rate window or quantile is rejected with a hint', () => {
    expect(() => tierQueries('api', { window: '1 minute' })).toThrow(
      /verification.rate_window: "1 minute" is not a PromQL duration/,
    );
    expect(() => tierQueries('api', { window: '1m', quantile: 99 })).toThrow(
      /verification.latency_quantile: 99 is not between 0 and 1/,
    );
  });

  test('defaults apply when monitoring.prometheus.metrics is absent', async () => {
    expect(metricNames(await example())).toEqual({
      requests: 'http_requests_total',
      codeLabel: 'code',
      latencyHistogram: 'http_request_duration_seconds',
    });
  });
});
