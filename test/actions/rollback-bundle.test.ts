// The rollback action as GitHub runs it (the esbuild bundle, INPUT_*, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
// RUNNER_TEMP) against the simulated cluster with the real helm: a manual rollback of api to a chosen revision,
// and inputs refused before anything changes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHelm, type Helm } from '../../src/helm/index.js';
import { setLogger, silentLogger } from '../../src/log.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { deploy, fastOverrides, loadConfig, namespace, writeConfig } from '../gate/support.js';
import { runBundledAction } from '../support/action-bundles.js';
import { helmBinary } from '../support/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'rk-rollback-bundle-'));
let sandbox: Sandbox;
let helm: Helm;
let workspace: string;
let kubeconfig: string;

beforeAll(async () => {
  setLogger(silentLogger);
  sandbox = await startSandbox({ https: true, namespaces: [namespace] });
  helm = await createHelm({ binary: helmBinary(3), kubeconfig: sandbox.kubeconfigPath });
  workspace = mkdtempSync(join(dir, 'ws-'));
  const config = await loadConfig(writeConfig(workspace, fastOverrides(undefined)));
  await deploy(helm, config, ['api'], { api: 'v1' });
  await deploy(helm, config, ['api'], { api: 'v2' });
  kubeconfig = readFileSync(sandbox.kubeconfigPath, 'utf8');
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const history = () => helm.history({ release: 'memory-system-api', namespace });
const base = () => ({
  environment: 'staging',
  kubeconfig,
  'helm-path': helmBinary(3),
  'skip-verify': 'true',
});

describe('bundled rollback action', () => {
  it.each([
    [{ components: 'apii', reason: 'x' }, /"apii" is not a component of this release/],
    [
      { components: 'api', revision: '7', reason: 'x' },
      /has no revision 7 \(history: 1 superseded, 2 deployed\)/,
    ],
    [
      { components: 'api', revision: 'two', reason: 'x' },
      /the input 'revision': "two" is not a revision number/,
    ],
    [{ components: 'api' }, /the input 'reason' is required for a manual rollback/],
    [
      { components: 'api', reason: 'x', 'skip-verify': 'maybe' },
      /the input 'skip-verify' must be true or false/,
    ],
    [{ reason: 'x' }, /nothing to roll back: neither a ledger nor components were given/],
  ])(
    'refuses %j before anything changes',
    async (inputs, message) => {
      const before = await history();
      const r = await runBundledAction('rollback', { inputs: { ...base(), ...inputs }, cwd: workspace });
      expect(r.exitCode).toBe(1);
      expect(r.stdout.split('\n').find((l) => l.startsWith('::error::'))).toMatch(message);
      expect(await history()).toEqual(before);
      expect(r.runnerTemp).toEqual([]);
    },
    60_000,
  );

  it('rolls api back to revision 1, with outputs and a summary of the state of each release', async () => {
    const r = await runBundledAction('rollback', {
      inputs: { ...base(), components: 'api', revision: '1', reason: 'v2 <breaks> sessions' },
      cwd: workspace,
    });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({ outcome: 'rolled-back', verdict: 'skipped', reasons: '[]' });
    expect(JSON.parse(r.outputs['rolled-back'] ?? '')).toEqual(['memory-system-api']);
    expect(r.summary).toContain('<h2>Rollback: rolled-back</h2>');
    expect(r.summary).toContain(
      '### Rollback: rolled-back (trigger manual_trigger)\n\nv2 &lt;breaks&gt; sessions',
    );
    expect(r.summary).toContain('| memory-system-api | api | 2 | 1 | rolled back | revision 3 deployed |');
    expect((await history()).at(-1)).toMatchObject({ revision: 3, description: 'Rollback to 1' });
    expect(r.stdout).toContain('::add-mask::');
    expect(r.runnerTemp).toEqual([]);
  }, 60_000);
});
