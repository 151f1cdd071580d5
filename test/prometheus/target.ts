// A scrape target whose traffic the test controls: each /metrics scrape first accounts for the requests
// "served" since the previous scrape (rps × elapsed, a fixed share of them 5xx, all with one latency), then
// exposes them through prom-client. The 5xx series only appears once an error has been counted, as in a real app.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram, Registry } from 'prom-client';

export interface Traffic {
  requestsPerSecond: number;
  errorFraction: number;
  latencySeconds: number;
}

export interface TargetServer {
  /** `host:port` to scrape. */
  address: string;
  set(traffic: Partial<Traffic>): void;
  close(): Promise<void>;
}

export const latencyBuckets = [0.05, 0.1, 0.25, 0.5, 1];

export async function startTarget(initial: Traffic): Promise<TargetServer> {
  let traffic = initial;
  const registry = new Registry();
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'Requests served',
    labelNames: ['code'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Request latency',
    buckets: latencyBuckets,
    registers: [registry],
  });
  requests.inc({ code: '200' }, 0); // the 2xx series exists from the first scrape, even without traffic
  let last = Date.now();

  const account = () => {
    const now = Date.now();
    const served = (traffic.requestsPerSecond * (now - last)) / 1000;
    last = now;
    if (served <= 0) return;
    const errors = served * traffic.errorFraction;
    requests.inc({ code: '200' }, served - errors);
    if (errors > 0) requests.inc({ code: '500' }, errors);
    for (let i = 0; i < Math.round(served); i++) durations.observe(traffic.latencySeconds);
  };

  const server: Server = createServer(async (req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    account();
    res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    set: (change) => {
      account();
      traffic = { ...traffic, ...change };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
