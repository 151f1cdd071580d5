// The verify action as GitHub runs it: the esbuild bundle run by node with INPUT_*, GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY and RUNNER_TEMP, against the simulated cluster and a real Prometheus. A faulty memory
// deploy fails the gate, is rolled back, and the summary tables and charts the measurements.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHelm, type Helm } from '../../src/helm/index.js';
import { setLogger, silentLogger } from '../../src/log.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { deploy, fastOverrides, loadConfig, namespace, writeConfig } from '../gate/support.js';
import { runBundledAction } from '../support/action-bundles.js';
import { helmBinary, systemBinary } from '../support/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'rk-verify-bundle-'));
let sandbox: Sandbox;
let helm: Helm;

beforeAll(async () => {
  setLogger(silentLogger);
  sandbox = await startSandbox({
    https: true,
    prometheus: { binary: systemBinary('prometheus'), scrapeIntervalSeconds: 1 },
    namespaces: [namespace],
  });
  helm = await createHelm({ binary: helmBinary(4), kubeconfig: sandbox.kubeconfigPath });
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('bundled verify action', () => {
  it('fails the gate on a faulty memory, rolls back memory, and writes outputs and a summary', async () => {
    const workspace = mkdtempSync(join(dir, 'ws-'));
    // Only the memory tier is scraped and deployed here: the gate itself is exercised in test/gate.
    writeConfig(workspace, [
      ...fastOverrides(sandbox.prometheusUrl),
      [
        ['monitoring', 'prometheus', 'scrape_configs'],
        [{ job_name: 'memory', static_configs: [{ targets: ['memory:8001'] }] }],
      ],
    ]);
    const config = await loadConfig(join(workspace, 'release.yaml'));
    await deploy(helm, config, ['memory'], { memory: 'v1' });
    const ledger = await deploy(helm, config, ['memory'], { memory: 'v2-errors-0.2' });
    writeFileSync(join(workspace, 'ledger.json'), JSON.stringify(ledger));
    const kubeconfig = readFileSync(sandbox.kubeconfigPath, 'utf8');

    const r = await runBundledAction('verify', {
      inputs: {
        environment: 'staging',
        ledger: 'ledger.json',
        kubeconfig,
        'auto-rollback': 'true',
        'helm-path': helmBinary(4),
      },
      cwd: workspace,
    });

    expect(r.exitCode, r.stdout).toBe(1);
    expect(r.stdout).toMatch(
      /^::error::verification fail: memory:error_ratio: 3 consecutive failing evaluations/m,
    );
    expect(r.stdout).toContain('::add-mask::sandbox-simulated-cluster');
    const unmasked = r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(unmasked.join('\n')).not.toContain('sandbox-simulated-cluster');
    expect(r.outputs).toMatchObject({ verdict: 'fail', decision: 'rollback', outcome: 'rolled-back' });
    expect(JSON.parse(r.outputs['rolled-back'] ?? '')).toEqual(['memory-system-memory']);
    expect(JSON.parse(r.outputs.reasons ?? '')[0]).toMatch(
      /^memory:error_ratio: fail: 3 consecutive failing evaluations/,
    );
    expect(r.summary).toContain('<h2>Health gate: rolled-back</h2>');
    expect(r.summary).toContain('### Verification after the deploy: FAIL (decision: rollback)');
    expect(r.summary).toMatch(
      /```mermaid\nxychart-beta\n {2}title "memory:error_ratio error ratio \(%\) vs threshold 5%"/,
    );
    expect(r.summary).toMatch(
      /\| \+\d+s \| 20% \| ❌ fail \| error ratio 20\.00% is above rollback\.error_rate_threshold 5\.00% \|/,
    );
    expect(r.summary).toMatch(
      /\| memory-system-memory \| memory \| 2 \| 1 \| rolled back \| revision 3 deployed \|/,
    );
    expect(r.summary).toContain('### Verification after the rollback: PASS (decision: proceed)');
    expect(r.runnerTemp).toEqual([]); // the kubeconfig file is gone
    expect((await helm.history({ release: 'memory-system-memory', namespace })).at(-1)?.description).toBe(
      'Rollback to 1',
    );
  }, 120_000);

  it('refuses auto-rollback without a ledger before touching anything', async () => {
    const workspace = mkdtempSync(join(dir, 'ws-'));
    writeConfig(workspace, fastOverrides(sandbox.prometheusUrl));
    const r = await runBundledAction('verify', { inputs: { 'auto-rollback': 'true' }, cwd: workspace });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("::error::the input 'auto-rollback' needs the input 'ledger'");
    expect(r.outputs).toEqual({});
  }, 60_000);
});
