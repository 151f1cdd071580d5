// A broken Prometheus, modelled by a tiny HTTP server: garbage, errors, slowness, dropped and refused
// connections. Each gives its typed outcome, and the engine never turns any of them into a pass.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPrometheusClient } from '../../src/prometheus/client.js';
import { tierQueries } from '../../src/prometheus/queries.js';
import { prometheusSource } from '../../src/prometheus/source.js';
import { systemClock } from '../../src/verify/clock.js';
import { runVerification } from '../../src/verify/engine.js';
import { seedSettings } from '../verify/helpers.js';

type Handler = (req: IncomingMessage, res: ServerResponse, nth: number) => void;

const vector = (value: string) =>
  JSON.stringify({
    status: 'success',
    data: { resultType: 'vector', result: [{ metric: {}, value: [1, value] }] },
  });
const ok: Handler = (_req, res) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end(vector('0.01'));

const behaviours: Record<string, Handler> = {
  garbage: (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>'),
  error500: (_req, res) => res.writeHead(500).end('internal server error'),
  wrongShape: (_req, res) =>
    res
      .writeHead(200)
      .end(JSON.stringify({ status: 'success', data: { resultType: 'string', result: [1, 'x'] } })),
  slow: (_req, res) => {
    const timer = setTimeout(() => ok(_req, res, 0), 1500);
    res.on('close', () => clearTimeout(timer));
  },
  dropTwice: (req, res, nth) => (nth <= 2 ? req.socket.destroy() : ok(req, res, nth)),
  unavailableOnce: (req, res, nth) => (nth === 1 ? res.writeHead(503).end('starting') : ok(req, res, nth)),
  infinity: (_req, res) => res.writeHead(200).end(vector('+Inf')),
};

let server: Server;
let base: string;
let refusedUrl: string;
let behaviour: Handler = ok;
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests += 1;
    req.resume();
    req.on('end', () => behaviour(req, res, requests));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port that was just free and is closed again: connections are refused.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  refusedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((resolve) => closed.close(resolve));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const use = (name: keyof typeof behaviours | 'ok') => {
  behaviour = name === 'ok' ? ok : (behaviours[name] as Handler);
  requests = 0;
};
const client = (url = base) => createPrometheusClient({ url, timeoutMs: 300, retries: 2, backoffMs: 20 });

describe('typed outcomes of a broken Prometheus', () => {
  test('a healthy answer is a value', async () => {
    use('ok');
    expect(await client().query('up')).toEqual({ kind: 'value', value: 0.01 });
  });

  test('a body that is not JSON is a bad response', async () => {
    use('garbage');
    expect(await client().query('up')).toEqual({
      kind: 'bad_response',
      message: 'response is not JSON: <html>maintenance</html>',
    });
  });

  test('JSON of the wrong shape is a bad response', async () => {
    use('wrongShape');
    expect(await client().query('up')).toMatchObject({
      kind: 'bad_response',
      message: expect.stringMatching(/result type string, expected a vector or scalar/),
    });
  });

  test('a 500 is an HTTP error, returned without retrying', async () => {
    use('error500');
    expect(await client().query('up')).toEqual({
      kind: 'http_error',
      status: 500,
      message: 'HTTP 500: internal server error',
    });
    expect(requests).toBe(1);
  });

  test('a server slower than the timeout is a timeout, reported on time', async () => {
    use('slow');
    const started = Date.now();
    expect(await client().query('up')).toEqual({ kind: 'timeout', timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('a refused connection is unreachable after the retries', async () => {
    const outcome = await client(refusedUrl).query('up');
    expect(outcome).toMatchObject({ kind: 'unreachable', message: expect.stringMatching(/ECONNREFUSED/) });
    expect(outcome.kind === 'unreachable' && outcome.message).toContain(
      `cannot reach Prometheus at ${refusedUrl}`,
    );
  });

  test('dropped connections and a 503 are retried with backoff', async () => {
    use('dropTwice');
    expect(await client().query('up')).toEqual({ kind: 'value', value: 0.01 });
    expect(requests).toBe(3);
    use('unavailableOnce');
    expect(await client().query('up')).toEqual({ kind: 'value', value: 0.01 });
    expect(requests).toBe(2);
  });

  test('+Inf is a value (observations beyond the largest bucket)', async () => {
    use('infinity');
    expect(await client().query('up')).toEqual({ kind: 'value', value: Number.POSITIVE_INFINITY });
  });

  test('a URL that is not http(s) is a user error naming the field', () => {
    expect(() => createPrometheusClient({ url: 'prometheus:9090' })).toThrow(
      /monitoring.prometheus.url: "prometheus:9090" is not an http\(s\) URL/,
    );
  });
});

describe('the engine over a broken Prometheus never passes', () => {
  const settings = seedSettings({ initialDelayMs: 0, periodMs: 400, timeoutMs: 1000, windowMs: 400 });
  const check = { id: 'api:error_ratio', kind: 'error_ratio', job: 'api' } as const;
  const queries = { api: tierQueries('api', { window: '1m' }) };

  test.each([
    ['garbage', /request rate of job "api": response is not JSON/],
    ['error500', /request rate of job "api": Prometheus answered HTTP 500/],
    ['slow', /Prometheus did not answer within 0.3s/],
    ['refused', /ECONNREFUSED/],
  ] as const)('%s -> inconclusive', async (name, reason) => {
    if (name !== 'refused') use(name);
    const source = prometheusSource(client(name === 'refused' ? refusedUrl : base), queries);
    for (const onInconclusive of ['rollback', 'fail'] as const) {
      const result = await runVerification({
        settings: { ...settings, onInconclusive },
        checks: [check],
        source,
        clock: systemClock,
      });
      expect(result.verdict).toBe('inconclusive');
      expect(result.decision).toBe(onInconclusive);
      expect(result.measurements).toHaveLength(2);
      for (const m of result.measurements) {
        expect(m.outcome).toBe('inconclusive');
        expect(m.reason).toMatch(reason);
      }
    }
  });
});
