// The rendered gateway nginx.conf passes `nginx -t` with the real nginx and, run for real, balances requests
// to an upstream (a tiny HTTP server standing in for the API tier) while answering its own /healthz.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { systemBinary } from '../support/tools.js';
import { find, renderChart } from './render.js';

let dir: string;
let upstream: Server;
let upstreamPort: number;
const seen: { url?: string; forwardedFor?: string }[] = [];

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The gateway's nginx.conf with its runtime files, logs and listener moved to this test's scratch space. */
async function renderNginxConf(
  port: number,
  upstreamHost = '127.0.0.1',
  upstreamPortValue = 8000,
): Promise<string> {
  const objects = await renderChart({
    major: 4,
    values: {
      gateway: {
        nginx: { runtimeDir: dir, listenAddress: '127.0.0.1', accessLog: join(dir, 'access.log'), port },
        upstream: { host: upstreamHost, port: upstreamPortValue },
      },
    },
  });
  return find(objects, 'ConfigMap', 'gateway-nginx').data['nginx.conf'];
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chart-nginx-'));
  upstream = createServer((req, res) => {
    seen.push({ url: req.url, forwardedFor: req.headers['x-forwarded-for'] as string | undefined });
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`api says hello to ${req.url}`);
  });
  upstreamPort = await listen(upstream);
});
afterAll(async () => {
  await new Promise((resolve) => upstream.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const nginx = (conf: string, ...args: string[]) =>
  execa(systemBinary('nginx'), ['-p', dir, '-c', conf, '-e', join(dir, 'error.log'), ...args], {
    reject: false,
  });

describe('gateway nginx.conf', () => {
  test('passes nginx -t', async () => {
    const conf = join(dir, 'nginx.conf');
    // nginx -t resolves upstream host names, and `api` exists only in the cluster: use this machine.
    await writeFile(conf, await renderNginxConf(8081));
    const r = await nginx(conf, '-t');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/syntax is ok/);
  });

  test('a broken configuration fails nginx -t (the check can fail)', async () => {
    const conf = join(dir, 'broken.conf');
    await writeFile(
      conf,
      (await renderNginxConf(8081)).replace('keepalive_timeout 65;', 'keepalive_timeout;'),
    );
    const r = await nginx(conf, '-t');
    expect(r.exitCode).not.toBe(0);
  });

  test('proxies to the API tier upstream and answers its own /healthz', async () => {
    const port = await freePort();
    const conf = join(dir, 'live.conf');
    await writeFile(conf, await renderNginxConf(port, '127.0.0.1', upstreamPort));
    const server = nginx(conf, '-g', 'daemon off;');
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await fetch(`${base}/healthz`)).ok);
      const health = await fetch(`${base}/healthz`);
      expect(await health.text()).toBe('ok\n');
      expect(seen).toHaveLength(0);

      const res = await fetch(`${base}/memories?q=1`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('api says hello to /memories?q=1');
      expect(seen).toEqual([{ url: '/memories?q=1', forwardedFor: '127.0.0.1' }]);
    } finally {
      server.kill('SIGTERM');
      await server;
    }
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('nginx did not answer /healthz in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
