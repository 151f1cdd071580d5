// PromQL templates per tier (scrape job): request rate (the traffic floor), error ratio and a latency quantile.
// Metric and label names come from `monitoring.prometheus.metrics`; a job may replace any query through
// `monitoring.prometheus.queries.<job>`, with `$job` and `$window` substituted.
import type { ReleaseConfig } from '../config/types.js';
import { UserError } from '../errors.js';

export interface MetricNames {
  /** Counter of served requests, labelled with the job and the status code. */
  requests: string;
  /** Label holding the HTTP status code. */
  codeLabel: string;
  /** Histogram of request durations in seconds (without the `_bucket` suffix). */
  latencyHistogram: string;
}

export const defaultMetricNames: MetricNames = {
  requests: 'http_requests_total',
  codeLabel: 'code',
  latencyHistogram: 'http_request_duration_seconds',
};

/** The default quantile of the latency check when `verification.latency_quantile` is not set. */
export const defaultLatencyQuantile = 0.99;

/** The queries of one job, ready to send. */
export interface TierQueries {
  job: string;
  requestRate: string;
  errorRatio: string;
  latency: string;
}

export interface Overrides {
  error_ratio?: string;
  request_rate?: string;
  latency?: string;
}

export interface TierQueryOptions {
  /** Range of `rate()`, a PromQL duration such as `1m`. */
  window: string;
  quantile?: number;
  metrics?: MetricNames;
  overrides?: Overrides;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const PROMQL_DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

/** A job name as a PromQL string literal. */
const literal = (value: string): string => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export const requestRateQuery = (job: string, window: string, m: MetricNames = defaultMetricNames): string =>
  `sum(rate(${m.requests}{job=${literal(job)}}[${window}]))`;

/**
 * 5xx share of all requests. When no 5xx series exists the numerator is an empty vector and so is the result:
 * read that as 0 errors only when the request rate shows traffic.
 */
export const errorRatioQuery = (job: string, window: string, m: MetricNames = defaultMetricNames): string =>
  `sum(rate(${m.requests}{job=${literal(job)}, ${m.codeLabel}=~"5.."}[${window}])) / ${requestRateQuery(job, window, m)}`;

export const latencyQuery = (
  job: string,
  window: string,
  quantile: number,
  m: MetricNames = defaultMetricNames,
): string =>
  `histogram_quantile(${quantile}, sum by (le) (rate(${m.latencyHistogram}_bucket{job=${literal(job)}}[${window}])))`;

/** Replaces `$job` (as it appears inside the user's own quotes) and `$window` in a user query. */
function substitute(query: string, job: string, window: string): string {
  const escapedJob = job.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return query.replace(/\$job\b/g, escapedJob).replace(/\$window\b/g, window);
}

/** The queries of one job. Throws a UserError for a bad window, quantile, metric name or override. */
export function tierQueries(
  job: string,
  options: TierQueryOptions,
  field = 'monitoring.prometheus',
): TierQueries {
  const metrics = options.metrics ?? defaultMetricNames;
  const quantile = options.quantile ?? defaultLatencyQuantile;
  if (!job) throw new UserError(`${field}: a scrape job name is empty`, 'give every scrape job a job_name');
  if (!PROMQL_DURATION.test(options.window)) {
    throw new UserError(
      `verification.rate_window: "${options.window}" is not a PromQL duration`,
      'use a duration such as 30s, 1m or 5m (at least 4 scrape intervals)',
    );
  }
  if (!(quantile > 0 && quantile < 1)) {
    throw new UserError(
      `verification.latency_quantile: ${quantile} is not between 0 and 1`,
      'use e.g. 0.99 for the 99th percentile',
    );
  }
  const defaults: TierQueries = {
    job,
    requestRate: requestRateQuery(job, options.window, metrics),
    errorRatio: errorRatioQuery(job, options.window, metrics),
    latency: latencyQuery(job, options.window, quantile, metrics),
  };
  const own = (key: keyof Overrides): string | undefined => {
    const query = options.overrides?.[key];
    if (query === undefined) return undefined;
    if (typeof query !== 'string' || query.trim() === '') {
      throw new UserError(
        `${field}.queries.${job}.${key}: the query is empty`,
        'write a PromQL expression or remove the key',
      );
    }
    return substitute(query, job, options.window);
  };
  return {
    job,
    requestRate: own('request_rate') ?? defaults.requestRate,
    errorRatio: own('error_ratio') ?? defaults.errorRatio,
    latency: own('latency') ?? defaults.latency,
  };
}

/** `monitoring.prometheus.metrics` with defaults, checked against the PromQL name rules. */
export function metricNames(config: ReleaseConfig): MetricNames {
  const given = config.monitoring?.prometheus?.metrics ?? {};
  const names: MetricNames = {
    requests: given.requests ?? defaultMetricNames.requests,
    codeLabel: given.code_label ?? defaultMetricNames.codeLabel,
    latencyHistogram: given.latency_histogram ?? defaultMetricNames.latencyHistogram,
  };
  const check = (value: string, key: string, rule: RegExp, what: string) => {
    if (typeof value !== 'string' || !rule.test(value)) {
      throw new UserError(
        `monitoring.prometheus.metrics.${key}: ${JSON.stringify(value)} is not a valid ${what}`,
        `${what}s are letters, digits and underscores${rule === METRIC_NAME ? ' (and colons)' : ''}, not starting with a digit`,
      );
    }
  };
  check(names.requests, 'requests', METRIC_NAME, 'metric name');
  check(names.latencyHistogram, 'latency_histogram', METRIC_NAME, 'metric name');
  check(names.codeLabel, 'code_label', LABEL_NAME, 'label name');
  return names;
}

/** The queries of every job in `jobs`, from the config's metric names, overrides and verification windows. */
export function tierQueriesFromConfig(config: ReleaseConfig, jobs: string[]): Record<string, TierQueries> {
  const metrics = metricNames(config);
  const overrides = config.monitoring?.prometheus?.queries ?? {};
  const window = String(config.verification?.rate_window);
  const quantile = config.verification?.latency_quantile;
  return Object.fromEntries(
    jobs.map((job) => [job, tierQueries(job, { window, quantile, metrics, overrides: overrides[job] })]),
  );
}
