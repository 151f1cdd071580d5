// The Prometheus-backed MeasurementSource: runs a job's queries and turns client outcomes into observations for
// the verification engine. "Query failed" and "no data" become `unavailable` with the reason, never a number.
import type { Check, MeasurementSource, Observation } from '../verify/types.js';
import { describeOutcome, type InstantOutcome, type PrometheusClient } from './client.js';
import type { TierQueries } from './queries.js';

type NoValue = Exclude<InstantOutcome, { kind: 'value' }>;

const unavailable = (outcome: NoValue, query: string, context: string): Observation => ({
  kind: 'unavailable',
  cause: outcome.kind === 'empty' ? 'no_data' : outcome.kind,
  reason: `${context}: ${describeOutcome(outcome)}`,
  query,
});

/**
 * Measures `error_ratio` and `latency` checks with the queries of their job. Both run the request-rate query
 * beside their own, so the engine can apply the traffic floor. Other check kinds are answered `unavailable`.
 */
export function prometheusSource(
  client: PrometheusClient,
  queries: Record<string, TierQueries>,
): MeasurementSource {
  return {
    async measure(check: Check, { signal }): Promise<Observation> {
      if (check.kind === 'kube') {
        return { kind: 'unavailable', cause: 'error', reason: 'Prometheus cannot measure rollout health' };
      }
      const q = queries[check.job];
      if (!q) {
        return {
          kind: 'unavailable',
          cause: 'error',
          reason: `no queries are defined for job "${check.job}"`,
        };
      }
      const own = check.kind === 'error_ratio' ? q.errorRatio : q.latency;
      const [rate, value] = await Promise.all([
        client.query(q.requestRate, { signal }),
        client.query(own, { signal }),
      ]);
      const traffic = `request rate of job "${check.job}"`;
      if (rate.kind !== 'value') {
        return unavailable(
          rate,
          q.requestRate,
          rate.kind === 'empty' ? `no request series for job "${check.job}"` : traffic,
        );
      }
      const what = check.kind === 'error_ratio' ? 'error ratio' : 'latency';
      if (value.kind === 'empty' && check.kind === 'error_ratio' && rate.value > 0) {
        // Prometheus has no 5xx series to divide: with traffic present that is 0 errors, not missing data.
        return { kind: 'error_ratio', ratio: 0, requestRate: rate.value, query: own, note: 'no 5xx series' };
      }
      if ((value.kind === 'empty' || value.kind === 'nan') && rate.value === 0) {
        return {
          kind: 'unavailable',
          cause: 'no_traffic',
          reason: `job "${check.job}" served no requests in the window (request rate 0)`,
          query: own,
        };
      }
      if (value.kind !== 'value') return unavailable(value, own, `${what} of job "${check.job}"`);
      return check.kind === 'error_ratio'
        ? { kind: 'error_ratio', ratio: value.value, requestRate: rate.value, query: own }
        : { kind: 'latency', seconds: value.value, requestRate: rate.value, query: own };
    },
  };
}
