// The process-side of a simulated pod: a small HTTP server on 127.0.0.1 serving /healthz and /metrics
// (prom-client, one registry per pod) with a synthetic traffic loop, so a real Prometheus scrapes it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram, Registry } from 'prom-client';
import type { Behaviour } from './behaviour.js';

export interface WorkloadOptions {
  /** What the pod does (faults); may be changed while it runs. */
  behaviour: Behaviour;
  /** Milliseconds after start before /healthz may answer 200 (plus the behaviour's slow start). */
  readyDelayMs: number;
  /** Synthetic requests per second. */
  requestsPerSecond: number;
  now?: () => number;
}

const tickMs = 100;

export class SimulatedWorkload {
  private server: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private errorBudget = 0;
  private pending = 0;
  private readonly registry = new Registry();
  private readonly requests: Counter<'code'>;
  private readonly latency: Histogram<'code'>;
  behaviour: Behaviour;

  constructor(private readonly options: WorkloadOptions) {
    this.behaviour = options.behaviour;
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'Requests served by the simulated pod, by status code.',
      labelNames: ['code'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Latency of the requests served by the simulated pod.',
      labelNames: ['code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    // Both codes exist from the start, so an error ratio is 0 rather than an empty vector.
    this.requests.inc({ code: '200' }, 0);
    this.requests.inc({ code: '500' }, 0);
  }

  private get now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** /healthz answers 200 once the ready delay (and slow start) has passed, never when unready. */
  healthy(): boolean {
    const delay = this.options.readyDelayMs + this.behaviour.slowStartSeconds * 1000;
    return !this.behaviour.unready && this.now - this.startedAt >= delay;
  }

  /** Starts the server on a free port of 127.0.0.1 and returns the port. */
  async start(): Promise<number> {
    this.startedAt = this.now;
    const server = createServer((req, res) => {
      if (req.url === '/healthz') {
        const ok = this.healthy();
        res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain' });
        res.end(ok ? 'ok\n' : 'not ready\n');
      } else if (req.url === '/metrics') {
        this.registry.metrics().then((text) => {
          res.writeHead(200, { 'Content-Type': this.registry.contentType });
          res.end(text);
        });
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.timer = setInterval(() => this.tick(), tickMs);
    this.timer.unref();
    return (server.address() as AddressInfo).port;
  }

  /** One tick of synthetic traffic: only a ready pod receives requests (as behind a Service). */
  tick(): void {
    if (!this.healthy()) return;
    this.pending += (this.options.requestsPerSecond * tickMs) / 1000;
    while (this.pending >= 1) {
      this.pending -= 1;
      // A deterministic error budget: exactly `errors` of the requests fail, no sampling noise.
      this.errorBudget += this.behaviour.errors;
      const code = this.errorBudget >= 1 ? '500' : '200';
      if (code === '500') this.errorBudget -= 1;
      this.requests.inc({ code });
      this.latency.observe({ code }, this.behaviour.latencyMs / 1000);
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
