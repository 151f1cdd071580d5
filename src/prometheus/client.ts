// HTTP client for the Prometheus query API (/api/v1/query, /api/v1/query_range) on the global fetch.
// Every answer is a typed outcome rather than an exception: callers must decide what "no data", NaN or an
// unreachable server means, and the verification engine decides "inconclusive", never "pass".
import { setTimeout as delay } from 'node:timers/promises';
import { UserError } from '../errors.js';

/** Why a query produced no answer at all. */
export type QueryFailure =
  | { kind: 'http_error'; status: number; message: string }
  /** The body is not JSON, or JSON that is not a Prometheus API answer. */
  | { kind: 'bad_response'; message: string }
  | { kind: 'timeout'; timeoutMs: number }
  /** Connection refused, reset or DNS failure, after the retries. */
  | { kind: 'unreachable'; message: string };

/** The answer to an instant query that should produce one number. */
export type InstantOutcome =
  | { kind: 'value'; value: number }
  /** An empty vector: no series matched (Prometheus returns this, not 0, e.g. when no 5xx series exists). */
  | { kind: 'empty' }
  | { kind: 'nan' }
  /** Several series where one number was expected (a query without an aggregation such as `sum`). */
  | { kind: 'ambiguous'; series: number }
  | QueryFailure;

export interface RangeSeries {
  labels: Record<string, string>;
  /** Unix seconds and value; NaN and ±Inf are kept as such. */
  points: { time: number; value: number }[];
}

export type RangeOutcome = { kind: 'matrix'; series: RangeSeries[] } | { kind: 'empty' } | QueryFailure;

export interface PrometheusClientOptions {
  /** Base URL, e.g. `http://prometheus.monitoring:9090` (a path prefix is kept). */
  url: string;
  /** Budget of one query including its retries (`deployment.health_check.timeout`); default 5000. */
  timeoutMs?: number;
  /** Extra attempts after a transport error or a 502/503/504; default 2. */
  retries?: number;
  /** First pause between attempts, doubled each time; default 200. */
  backoffMs?: number;
}

export interface QueryOptions {
  /** Evaluation time (ms since the epoch); default: Prometheus' now. */
  time?: number;
  /** Aborts the query early (the outcome is then `timeout`). */
  signal?: AbortSignal;
}

export interface RangeOptions {
  start: number; // ms since the epoch
  end: number; // ms since the epoch
  stepSeconds: number;
  signal?: AbortSignal;
}

export interface PrometheusClient {
  readonly url: string;
  query(promql: string, options?: QueryOptions): Promise<InstantOutcome>;
  queryRange(promql: string, options: RangeOptions): Promise<RangeOutcome>;
}

const RETRYABLE_STATUS = new Set([502, 503, 504]);

/** Parses a Prometheus sample value: numbers travel as strings, with `NaN`, `+Inf` and `-Inf` spelled out. */
function sampleValue(raw: unknown): number | undefined {
  if (raw === '+Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  if (raw === 'NaN') return Number.NaN;
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isNaN(n) ? undefined : n;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const excerpt = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat || '(empty body)';
};

/** Reads `[time, "value"]`; undefined when the pair is malformed. */
function samplePair(pair: unknown): { time: number; value: number } | undefined {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'number') return undefined;
  const value = sampleValue(pair[1]);
  return value === undefined ? undefined : { time: pair[0], value };
}

function badShape(what: string): QueryFailure {
  return { kind: 'bad_response', message: `unexpected answer from Prometheus: ${what}` };
}

function instantOutcome(data: Record<string, unknown>): InstantOutcome {
  const { resultType, result } = data;
  if (resultType === 'scalar') {
    const s = samplePair(result);
    if (!s) return badShape('malformed scalar');
    return Number.isNaN(s.value) ? { kind: 'nan' } : { kind: 'value', value: s.value };
  }
  if (resultType !== 'vector')
    return badShape(`result type ${String(resultType)}, expected a vector or scalar`);
  if (!Array.isArray(result)) return badShape('vector result is not a list');
  if (result.length === 0) return { kind: 'empty' };
  if (result.length > 1) return { kind: 'ambiguous', series: result.length };
  const first = result[0];
  const s = isRecord(first) ? samplePair(first.value) : undefined;
  if (!s) return badShape('malformed vector sample');
  return Number.isNaN(s.value) ? { kind: 'nan' } : { kind: 'value', value: s.value };
}

function rangeOutcome(data: Record<string, unknown>): RangeOutcome {
  if (data.resultType !== 'matrix' || !Array.isArray(data.result)) {
    return badShape(`result type ${String(data.resultType)}, expected a matrix`);
  }
  if (data.result.length === 0) return { kind: 'empty' };
  const series: RangeSeries[] = [];
  for (const entry of data.result) {
    if (!isRecord(entry) || !isRecord(entry.metric) || !Array.isArray(entry.values))
      return badShape('malformed series');
    const points = entry.values.map(samplePair);
    if (points.some((p) => p === undefined)) return badShape('malformed series sample');
    series.push({
      labels: entry.metric as Record<string, string>,
      points: points as RangeSeries['points'],
    });
  }
  return { kind: 'matrix', series };
}

/** The transport-level cause of a fetch rejection ("connect ECONNREFUSED 127.0.0.1:9090"). */
function transportMessage(e: unknown): string {
  const cause = e instanceof Error ? (e.cause as { message?: string; code?: string } | undefined) : undefined;
  const message = cause?.message || (e instanceof Error ? e.message : String(e));
  return cause?.code && !message.includes(cause.code) ? `${cause.code}: ${message}` : message;
}

/** Creates a client. Throws a UserError when `url` is not an http(s) URL. */
export function createPrometheusClient(options: PrometheusClientOptions): PrometheusClient {
  let base: URL;
  try {
    base = new URL(options.url);
  } catch {
    base = new URL('invalid:');
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new UserError(
      `monitoring.prometheus.url: "${options.url}" is not an http(s) URL`,
      'write the Prometheus base URL, e.g. http://prometheus.monitoring:9090',
    );
  }
  const root = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5000;
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 200;

  /** POSTs a form to an API path and returns the `data` object of a successful answer. */
  async function call(
    path: string,
    form: Record<string, string>,
    callerSignal: AbortSignal | undefined,
  ): Promise<{ data: Record<string, unknown> } | QueryFailure> {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = callerSignal ? AbortSignal.any([deadline, callerSignal]) : deadline;
    const timedOut: QueryFailure = { kind: 'timeout', timeoutMs };
    let failure: QueryFailure = timedOut;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        try {
          await delay(backoffMs * 2 ** (attempt - 1), undefined, { signal });
        } catch {
          return timedOut; // the budget ran out while backing off
        }
      }
      let status: number;
      let body: string;
      try {
        const response = await fetch(`${root}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: new URLSearchParams(form),
          signal,
        });
        status = response.status;
        body = await response.text();
      } catch (e) {
        if (signal.aborted) return timedOut;
        failure = {
          kind: 'unreachable',
          message: `cannot reach Prometheus at ${root}: ${transportMessage(e)}`,
        };
        continue;
      }
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      if (status < 200 || status >= 300) {
        // Prometheus explains query errors (400 bad_data, 422 execution) in a JSON body; proxies send HTML.
        const explained =
          isRecord(json) && typeof json.error === 'string' ? `${json.errorType}: ${json.error}` : undefined;
        failure = { kind: 'http_error', status, message: explained ?? `HTTP ${status}: ${excerpt(body)}` };
        if (RETRYABLE_STATUS.has(status)) continue;
        return failure;
      }
      if (json === undefined)
        return { kind: 'bad_response', message: `response is not JSON: ${excerpt(body)}` };
      if (!isRecord(json) || json.status !== 'success' || !isRecord(json.data)) {
        const said = isRecord(json) && typeof json.error === 'string' ? `: ${json.error}` : '';
        return badShape(`status ${isRecord(json) ? String(json.status) : typeof json}${said}`);
      }
      return { data: json.data };
    }
    return failure;
  }

  return {
    url: root,
    async query(promql, opts = {}) {
      const form: Record<string, string> = { query: promql };
      if (opts.time !== undefined) form.time = String(opts.time / 1000);
      const answer = await call('/api/v1/query', form, opts.signal);
      return 'data' in answer ? instantOutcome(answer.data) : answer;
    },
    async queryRange(promql, opts) {
      const form = {
        query: promql,
        start: String(opts.start / 1000),
        end: String(opts.end / 1000),
        step: String(opts.stepSeconds),
      };
      const answer = await call('/api/v1/query_range', form, opts.signal);
      return 'data' in answer ? rangeOutcome(answer.data) : answer;
    },
  };
}

/** One line describing a failed or empty outcome, for measurement reasons. */
export function describeOutcome(outcome: InstantOutcome | RangeOutcome): string {
  switch (outcome.kind) {
    case 'value':
      return `value ${outcome.value}`;
    case 'matrix':
      return `${outcome.series.length} series`;
    case 'empty':
      return 'no data (the query matched no series)';
    case 'nan':
      return 'NaN (nothing to divide: no requests in the window)';
    case 'ambiguous':
      return `${outcome.series} series where one number was expected (aggregate the query, e.g. with sum)`;
    case 'http_error':
      return `Prometheus answered HTTP ${outcome.status}: ${outcome.message}`;
    case 'bad_response':
      return outcome.message;
    case 'timeout':
      return `Prometheus did not answer within ${outcome.timeoutMs / 1000}s`;
    case 'unreachable':
      return outcome.message;
  }
}
