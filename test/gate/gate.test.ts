// The health gate against a real Prometheus scraping the simulated cluster, with the real helm:
// a faulty memory release fails verification and is rolled back alone; an unreachable or broken Prometheus is
// inconclusive, never a pass, and handled by on_inconclusive.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseConfig } from '../../src/config/index.js';
import type { Ledger } from '../../src/deploy/ledger.js';
import { captureGateBaseline, runGate, verifyReleases } from '../../src/gate/index.js';
import { createHelm, type Helm } from '../../src/helm/index.js';
import { setLogger, silentLogger } from '../../src/log.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { runReleaseKit } from '../support/cli.js';
import { startPrometheus } from '../support/prometheus.js';
import { helmBinary, systemBinary } from '../support/tools.js';
import {
  deploy,
  fastOverrides,
  loadConfig,
  namespace,
  ratiosOf,
  trafficSeen,
  writeConfig,
} from './support.js';

let sandbox: Sandbox;
let helm: Helm;
let dir: string;
let config: ReleaseConfig;
let installed: Ledger;
let configFile: string;
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  setLogger(silentLogger);
  dir = mkdtempSync(join(tmpdir(), 'rk-gate-'));
  sandbox = await startSandbox({
    https: true,
    prometheus: { binary: systemBinary('prometheus'), scrapeIntervalSeconds: 1 },
    namespaces: [namespace],
  });
  helm = await createHelm({ binary: helmBinary(4), kubeconfig: sandbox.kubeconfigPath });
  configFile = writeConfig(dir, fastOverrides(sandbox.prometheusUrl));
  config = await loadConfig(configFile);
  installed = await deploy(helm, config, ['faiss', 'neo4j', 'redis', 'memory', 'storage', 'api', 'gateway'], {
    memory: 'v1',
  });
}, 120_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const all = () => installed.releases.map((r) => r.release);

describe('the gate after a faulty deploy of memory', () => {
  it('fails on the error ratio, rolls back memory only, and passes again at the baseline', async () => {
    await trafficSeen(sandbox.prometheusUrl as string);
    const baseline = await captureGateBaseline({ config, kubeconfig: sandbox.kubeconfigPath }, all());
    expect(baseline.values['memory:error_ratio']).toBe(0);

    const run = await deploy(helm, config, ['memory'], { memory: 'v2-errors-0.2' });
    expect(run.releases.filter((r) => r.changed).map((r) => r.component)).toEqual(['memory']);
    const apiBefore = await helm.history({ release: 'memory-system-api', namespace });

    const gate = await runGate({
      config,
      ledger: run,
      baseline,
      autoRollback: true,
      helm,
      kubeconfig: sandbox.kubeconfigPath,
    });

    expect(gate.verification.verdict).toBe('fail');
    const failed = gate.verification.checks.filter((c) => c.verdict === 'fail');
    expect(failed.map((c) => c.check.id)).toEqual(['memory:error_ratio']);
    expect(failed[0]?.trigger).toBe('error_rate_threshold');
    expect(Math.max(...ratiosOf(gate.verification, 'memory'))).toBeGreaterThan(0.05);
    // Detected by three consecutive failures one period apart, well inside the 10 s window.
    expect(gate.verification.endedAt - gate.verification.startedAt).toBeLessThan(9_000);

    expect(gate.rollback?.trigger).toBe('error_rate_threshold');
    expect(gate.rollback?.releases.map((r) => [r.release, r.fromRevision, r.toRevision, r.outcome])).toEqual([
      ['memory-system-memory', 2, 1, 'rolled-back'],
    ]);
    expect(gate.rollback?.releases[0]?.state).toMatchObject({ known: true, revision: 3, status: 'deployed' });
    expect(await helm.history({ release: 'memory-system-api', namespace })).toEqual(apiBefore);
    const memory = sandbox.list('Deployment', namespace).find((d) => d.metadata.name === 'memory');
    expect(JSON.stringify(memory?.spec)).toContain('memory:v1');

    expect(gate.afterRollback?.verdict, gate.afterRollback?.reason).toBe('pass');
    const after = ratiosOf(gate.afterRollback as NonNullable<typeof gate.afterRollback>, 'memory');
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((r) => r <= (baseline.values['memory:error_ratio'] ?? 0) + 0.01)).toBe(true);
    expect(gate.outcome).toBe('rolled-back');
    expect(gate.exitCode).toBe(3);
    expect(gate.summary).toMatch(/rolled back memory-system-memory; after the rollback verification passed/);
  }, 90_000);
});

describe('release-kit verify', () => {
  it('passes a healthy system (exit 0) and refuses a broken ledger (exit 1)', async () => {
    const args = ['verify', '-c', configFile, '-e', 'staging', '--kubeconfig', sandbox.kubeconfigPath];
    const ok = await runReleaseKit(args);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^PASS after 1\ds \(decision: proceed\)\n/);
    expect(ok.stdout).toMatch(/PASS\s+memory:error_ratio\s+error ratio 0\.00%/);
    expect(ok.stdout).toMatch(/PASS\s+kube:Deployment\/memory\s+Deployment\/memory: 2\/2 replicas ready/);
    expect(ok.stderr).toContain('== Verification');
    expect(ok.stderr).toMatch(/\+\d+s {2}api:error_ratio 0\.00% of [\d.]+ req\/s/);

    const file = join(dir, 'broken-ledger.json');
    writeFileSync(file, '{"version": 1, "namespace": "x", "releases": [{"component": "api"}]}');
    const broken = await runReleaseKit([...args, '--ledger', file]);
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toContain(`error: ${file}: releases[0].release is missing`);
  }, 60_000);
});

describe('an inconclusive verification', () => {
  it('Prometheus stopped mid-verification: inconclusive, held by policy, nothing rolled back', async () => {
    const prometheus = await startPrometheus({ fileSdDir: sandbox.dir });
    cleanups.push(() => prometheus.stop());
    await trafficSeen(prometheus.url);
    const run = await deploy(helm, config, ['storage'], { storage: 'v2' });
    const stop = setTimeout(() => void prometheus.stop(), 3_000);
    cleanups.push(() => clearTimeout(stop));

    const gate = await runGate({
      config,
      ledger: run,
      prometheusUrl: prometheus.url,
      autoRollback: true,
      helm,
      kubeconfig: sandbox.kubeconfigPath,
    });

    expect(gate.verification.verdict).toBe('inconclusive');
    const storage = gate.verification.measurements.filter((m) => m.check === 'storage:error_ratio');
    expect(storage.some((m) => m.outcome === 'pass')).toBe(true); // measured before the stop…
    expect(storage.at(-1)?.outcome).toBe('inconclusive'); // …and unreachable after it
    expect(storage.at(-1)?.reason).toMatch(/cannot reach Prometheus|did not answer/);
    expect(gate.verification.decision).toBe('hold');
    expect(gate.outcome).toBe('held');
    expect(gate.exitCode).toBe(4);
    expect(gate.rollback).toBeUndefined();
    expect(gate.summary).toMatch(/inconclusive.*held \(verification.on_inconclusive: hold\)/);
    expect((await helm.history({ release: 'memory-system-storage', namespace })).at(-1)?.status).toBe(
      'deployed',
    );
  }, 60_000);

  it('a Prometheus answering garbage, 500s or too slowly never passes; on_inconclusive: fail fails the gate', async () => {
    let calls = 0;
    const server: Server = createServer((_req, res) => {
      calls += 1;
      const mode = calls % 3;
      if (mode === 0) res.end('<html>definitely not prometheus</html>');
      else if (mode === 1) res.writeHead(500).end('{"status":"error","errorType":"internal","error":"boom"}');
      else
        setTimeout(() => res.end('{"status":"success","data":{"resultType":"vector","result":[]}}'), 3_000);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const strict = {
      ...config,
      verification: { ...config.verification, window: '4s', on_inconclusive: 'fail' as const },
    };

    const result = await verifyReleases(
      { config: strict, prometheusUrl: url, kubeconfig: sandbox.kubeconfigPath },
      all(),
    );
    const prometheusChecks = result.checks.filter((c) => c.check.kind !== 'kube');
    expect(prometheusChecks.length).toBeGreaterThan(0);
    expect(prometheusChecks.every((c) => c.verdict === 'inconclusive')).toBe(true);
    expect(
      result.measurements
        .filter((m) => !m.check.startsWith('kube:'))
        .every((m) => m.outcome === 'inconclusive'),
    ).toBe(true);
    expect(result.checks.filter((c) => c.check.kind === 'kube').every((c) => c.verdict === 'pass')).toBe(
      true,
    );
    expect(result.verdict).toBe('inconclusive');
    expect(result.decision).toBe('fail');
    expect(calls).toBeGreaterThan(0);
  }, 30_000);
});
