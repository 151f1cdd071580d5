// The pre-deploy baseline on the action path, as GitHub runs it: the deploy bundle measures the error ratios
// in a real Prometheus (scraping the simulated cluster) before any helm call and sets the `baseline` output;
// the verify bundle given that output fails a tier that got worse than before although it stays below the
// absolute threshold, which the same verify without a baseline passes. An unreachable Prometheus only warns.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { runBundledAction } from '../support/action-bundles.js';
import { helmBinary, systemBinary } from '../support/tools.js';
import { heredoc, type Job, loadWorkflow, stepOf } from '../workflows/support.js';

const dir = mkdtempSync(join(tmpdir(), 'rk-baseline-bundle-'));
const workspace = join(dir, 'workspace');
let sandbox: Sandbox;
let kubeconfig: string;

/** The e2e config (one pod per tier), evaluated every second over 10 s, and the sandbox's Prometheus. */
function writeConfig(name: string, memoryImage?: string): void {
  const doc = parseDocument(
    heredoc(
      stepOf(
        loadWorkflow('.github/workflows/e2e-kind.yml').jobs.e2e as Job,
        'Write the release config and the demo service',
      ).run as string,
      '"$RUNNER_TEMP/e2e/release.yaml"',
    ),
  );
  doc.setIn(
    ['deployment', 'health_check'],
    doc.createNode({ initial_delay: 0, period: 1, timeout: 1, success_threshold: 1, failure_threshold: 3 }),
  );
  doc.setIn(['verification', 'window'], '10s');
  doc.setIn(['verification', 'rate_window'], '5s');
  doc.setIn(['monitoring', 'prometheus', 'url'], sandbox.prometheusUrl);
  if (memoryImage) doc.setIn(['services', 'memory', 'image'], memoryImage);
  writeFileSync(join(workspace, name), doc.toString());
}

const deploy = (config: string, prometheusUrl: string) =>
  runBundledAction('deploy', {
    inputs: {
      config,
      kubeconfig,
      'helm-path': helmBinary(4),
      timeout: '60',
      'prometheus-url': prometheusUrl,
    },
    cwd: workspace,
  });

const verify = (inputs: Record<string, string>) =>
  runBundledAction('verify', {
    inputs: { config: 'errors.yaml', ledger: 'ledger.json', kubeconfig, ...inputs },
    cwd: workspace,
  });

/** Waits until Prometheus has a request rate for every tier, so a baseline can be measured. */
async function trafficSeen(): Promise<void> {
  const query = 'count(sum by (job) (rate(http_requests_total{job=~"api|memory|storage"}[5s])) > 0)';
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await fetch(`${sandbox.prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
    const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
    if (body.data.result[0]?.value[1] === '3') return;
    if (Date.now() > deadline) throw new Error('Prometheus saw no traffic of every tier within 20 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A port of 127.0.0.1 nothing listens on: one that was free a moment ago. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  sandbox = await startSandbox({
    prometheus: { binary: systemBinary('prometheus'), scrapeIntervalSeconds: 1 },
    timing: { probeIntervalMs: 400 },
  });
  kubeconfig = readFileSync(sandbox.kubeconfigPath, 'utf8');
  mkdirSync(workspace);
  writeConfig('release.yaml');
  // 3 % errors: below rollback.error_rate_threshold (5 %), above a 0 % baseline + max_error_rate_increase (1 %).
  writeConfig('errors.yaml', 'memory_system/memory:v2-errors-0.03');
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the baseline from the deploy action to the verify action', () => {
  it('deploys with a warning and an empty baseline when Prometheus cannot be reached', async () => {
    const port = await closedPort();
    const r = await deploy('release.yaml', `http://127.0.0.1:${port}`);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(JSON.parse(r.outputs.ledger ?? '').outcome).toBe('success');
    expect(r.outputs.baseline).toBe('');
    expect(r.stdout).toMatch(
      /^::warning title=no pre-deploy baseline::No usable baseline: the deploy went ahead; verify judges against the absolute thresholds only\. .*memory:error_ratio: no value \(.*cannot reach Prometheus/m,
    );
    // The warning comes before the first helm call (the waves).
    expect(r.stdout.indexOf('::warning')).toBeLessThan(r.stdout.indexOf('::group::wave 1/'));
    expect(r.summary).toContain('<h3>Baseline</h3>');
    expect(r.summary).toContain('No usable baseline: the deploy went ahead');
  }, 120_000);

  it('measures the baseline before deploying, and verify with it fails a tier that got worse', async () => {
    await trafficSeen();
    const r = await deploy('errors.yaml', sandbox.prometheusUrl as string);
    expect(r.exitCode, r.stdout).toBe(0);
    const baseline = JSON.parse(r.outputs.baseline ?? '');
    expect(baseline.values).toMatchObject({
      'api:error_ratio': 0,
      'memory:error_ratio': 0,
      'storage:error_ratio': 0,
    });
    // Measured before the deploy: its time is before the memory release's upgrade started.
    const ledger = JSON.parse(r.outputs.ledger ?? '');
    expect(baseline.takenAt).toBeLessThan(Date.parse(ledger.startedAt));
    expect(JSON.parse(r.outputs['changed-releases'] ?? '')).toEqual(['memory-system-memory']);
    expect(r.summary).toContain('Baseline before the deploy: 3 of 3 error ratios measured');
    writeFileSync(join(workspace, 'ledger.json'), r.outputs.ledger ?? '');

    const [withBaseline, without] = await Promise.all([
      verify({ baseline: r.outputs.baseline ?? '' }),
      verify({}),
    ]);
    expect(without.exitCode, without.stdout).toBe(0);
    expect(without.outputs.verdict).toBe('pass');
    expect(without.stdout).toContain('no baseline given: the error ratios are judged against the absolute');

    expect(withBaseline.exitCode, withBaseline.stdout).toBe(1);
    expect(withBaseline.outputs).toMatchObject({ verdict: 'fail', decision: 'rollback' });
    expect(JSON.parse(withBaseline.outputs.reasons ?? '')[0]).toMatch(
      /^memory:error_ratio: fail: .*rose above the baseline 0\.00% by more than verification\.max_error_rate_increase 1\.00%/,
    );
  }, 120_000);

  it('refuses a baseline input that is not the deploy output, before any query', async () => {
    const cases: [string, RegExp][] = [
      ['{"takenAt": 1, "values"', /the input 'baseline' is not JSON/],
      [
        '{"takenAt": 1, "values": {"memory:error_ratio": "low"}, "measurements": []}',
        /the input 'baseline' has values\["memory:error_ratio"\] "low", expected a number >= 0/,
      ],
      ['[1, 2]', /the input 'baseline' is not a JSON object/],
    ];
    for (const [baseline, message] of cases) {
      const r = await verify({ baseline, 'prometheus-url': 'http://127.0.0.1:1' });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(message);
      expect(r.stdout).toContain("pass the deploy step's `baseline` output unchanged");
      expect(r.stdout).not.toContain('::group::');
      expect(r.outputs).toEqual({});
    }
    const url = await deploy('release.yaml', 'prometheus:9090');
    expect(url.exitCode).toBe(1);
    expect(url.stdout).toContain(
      `::error::the input 'prometheus-url' is not an http(s) URL: "prometheus:9090"`,
    );
    expect(url.stdout).not.toContain('::group::');
  }, 60_000);
});
