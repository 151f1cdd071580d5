// Public entry of the Prometheus runner: the query client, the PromQL templates and the verification source.
export {
  createPrometheusClient,
  describeOutcome,
  type InstantOutcome,
  type PrometheusClient,
  type PrometheusClientOptions,
  type QueryFailure,
  type RangeOutcome,
  type RangeSeries,
} from './client.js';
export {
  defaultMetricNames,
  errorRatioQuery,
  latencyQuery,
  type MetricNames,
  metricNames,
  requestRateQuery,
  type TierQueries,
  tierQueries,
  tierQueriesFromConfig,
} from './queries.js';
export { prometheusSource } from './source.js';
