// The root action.yml (the one-step pipeline deploy.yml also runs) executed step by step as the runner
// would, with the bundles built for this test run, against the simulated cluster, a real Prometheus and
// real helm 4: a good release is validated, deployed in waves and verified; a release whose storage tier crashes fails
// the deploy, and the step rolls back what that run changed, then fails.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { actionCheckout } from '../support/action-bundles.js';
import { helmBinary, systemBinary } from '../support/tools.js';
import { type CompositeRun, runComposite } from './composite.js';
import { heredoc, type Job, loadAction, loadWorkflow, stepOf } from './support.js';

const namespace = 'memory-system-e2e';
const helm = helmBinary(4);
const dir = mkdtempSync(join(tmpdir(), 'rk-root-action-'));
const workspace = join(dir, 'workspace');
let sandbox: Sandbox;

/** The e2e config (one pod per tier) with short probes and verification, and the sandbox's Prometheus. */
function writeConfig(name: string, storageImage?: string): void {
  const text = heredoc(
    stepOf(
      loadWorkflow('.github/workflows/e2e-kind.yml').jobs.e2e as Job,
      'Write the release config and the demo service',
    ).run as string,
    '"$RUNNER_TEMP/e2e/release.yaml"',
  );
  const doc = parseDocument(text);
  doc.setIn(
    ['deployment', 'health_check'],
    doc.createNode({ initial_delay: 0, period: 1, timeout: 1, success_threshold: 1, failure_threshold: 3 }),
  );
  doc.setIn(['verification', 'window'], '8s');
  doc.setIn(['verification', 'rate_window'], '5s');
  doc.setIn(['rollback', 'settings'], doc.createNode({ timeout: 60, batch_size: 1, pause_time: 1 }));
  doc.setIn(['monitoring', 'prometheus', 'url'], sandbox.prometheusUrl);
  if (storageImage) doc.setIn(['services', 'storage', 'image'], storageImage);
  writeFileSync(join(workspace, name), doc.toString());
}

function pipeline(config: string): Promise<CompositeRun> {
  const runnerTemp = mkdtempSync(join(dir, 'runner-temp-'));
  const summary = join(runnerTemp, 'summary.md');
  writeFileSync(summary, '');
  return runComposite(loadAction('action.yml'), {
    actionPath: actionCheckout(),
    cwd: workspace,
    inputs: {
      config,
      kubeconfig: readFileSync(sandbox.kubeconfigPath, 'utf8'),
      'helm-path': helm,
      'prometheus-url': sandbox.prometheusUrl as string,
    },
    env: {
      PATH: [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(delimiter),
      HOME: dir,
      RUNNER_TEMP: runnerTemp,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_REPOSITORY: 'acme/memory',
      GITHUB_RUN_ID: '7',
    },
  });
}

const history = async (release: string) =>
  JSON.parse(
    (
      await execa(helm, ['history', release, '-n', namespace, '-o', 'json'], {
        env: { KUBECONFIG: sandbox.kubeconfigPath },
      })
    ).stdout,
  ) as { revision: number; status: string; description: string }[];

const outcomes = (run: CompositeRun) => Object.fromEntries(run.steps.map((s) => [s.id, s.outcome]));

beforeAll(async () => {
  sandbox = await startSandbox({
    prometheus: { binary: systemBinary('prometheus'), scrapeIntervalSeconds: 1 },
    timing: { probeIntervalMs: 400 },
  });
  mkdirSync(workspace);
  writeConfig('release.yaml');
  writeConfig('crash.yaml', 'memory_system/storage:v2-crash');
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the root action (one-step pipeline)', () => {
  it('validates, deploys every release in waves and verifies a good release', async () => {
    const run = await pipeline('release.yaml');
    expect(run.failed, run.log).toBe(false);
    expect(outcomes(run)).toEqual({
      validate: 'success',
      deploy: 'success',
      ledger: 'success',
      verify: 'success',
      rollback: 'skipped',
    });
    expect(run.outputs).toMatchObject({ outcome: 'passed', verdict: 'pass', 'rolled-back': '[]' });
    expect(JSON.parse(run.outputs['changed-releases'] as string).sort()).toEqual(
      ['api', 'faiss', 'memory', 'redis', 'storage'].map((c) => `memory-system-${c}`),
    );
    expect(JSON.parse(run.outputs.ledger as string)).toMatchObject({ outcome: 'success' });
  }, 120_000);

  it('rolls back what a failed deploy changed, and still fails the step', async () => {
    const run = await pipeline('crash.yaml');
    expect(run.failed).toBe(true);
    expect(outcomes(run), run.log).toEqual({
      validate: 'success',
      deploy: 'failure',
      ledger: 'success',
      verify: 'skipped',
      rollback: 'success',
    });
    expect(run.outputs.outcome).toBe('rolled-back');
    // prometheus-url reached the deploy step: it measured the tiers the first run left serving, before any change.
    const deploy = run.steps.find((s) => s.id === 'deploy');
    expect(JSON.parse(deploy?.outputs.baseline ?? '{}').values).toMatchObject({ 'storage:error_ratio': 0 });
    expect(JSON.parse(run.outputs['rolled-back'] as string)).toEqual(['memory-system-storage']);
    expect((await history('memory-system-storage')).at(-1)).toMatchObject({
      status: 'deployed',
      description: 'Rollback to 1',
    });
    // Wave 3 never started: api kept its only revision.
    expect(await history('memory-system-api')).toHaveLength(1);
  }, 120_000);
});
