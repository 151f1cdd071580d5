// The repair step of deploy.yml, run as GitHub runs it (bash, helm and the bundle of release-kit's CLI
// checked out at .release-kit) against the simulated cluster with real helm 4: releases a killed helm left
// pending-upgrade and pending-install are rolled back and uninstalled when this run holds the deploy lock,
// and left alone when another run holds it.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { defaultChartPath } from '../../src/util/paths.js';
import { actionCheckout } from '../support/action-bundles.js';
import { runReleaseKit } from '../support/cli.js';
import { helmBinary, kubectlBinary } from '../support/tools.js';
import { heredoc, type Job, loadWorkflow, stepOf } from './support.js';

const repairScript = stepOf(
  loadWorkflow('.github/workflows/deploy.yml').jobs.staging as Job,
  'Repair releases this run left pending',
).run as string;
// The e2e config: its stores and tiers run one simulated pod each, which keeps this test light.
const configText = heredoc(
  stepOf(
    loadWorkflow('.github/workflows/e2e-kind.yml').jobs.e2e as Job,
    'Write the release config and the demo service',
  ).run as string,
  '"$RUNNER_TEMP/e2e/release.yaml"',
);
const namespace = 'memory-system-e2e';
const helm = helmBinary(4);

let sandbox: Sandbox;
const work = mkdtempSync(join(tmpdir(), 'rk-repair-'));
const runnerTemp = join(work, 'runner-temp');
const values = (component: string) => join(work, `${component}.values.json`);

const helmRun = (args: string[]) =>
  execa(helm, [...args, '-n', namespace], { env: { KUBECONFIG: sandbox.kubeconfigPath } });
const kubectl = (args: string[]) =>
  execa(kubectlBinary(4), [...args, '-n', namespace], { env: { KUBECONFIG: sandbox.kubeconfigPath } });
const lastRevision = async (release: string) => {
  const { stdout } = await helmRun(['history', release, '-o', 'json']);
  return (JSON.parse(stdout) as { revision: number; status: string; description: string }[]).at(-1);
};

/** Starts `helm <args> --wait` on a never-ready-for-a-minute image and SIGKILLs it once helm recorded `status`. */
async function killHelmMidWait(args: string[], status: 'pending-upgrade' | 'pending-install'): Promise<void> {
  const known = new Set(sandbox.list('Secret', namespace).map((s) => s.metadata.name));
  const run = execa(helm, [...args, '-n', namespace, '--wait', '--timeout', '120s'], {
    env: { KUBECONFIG: sandbox.kubeconfigPath },
    reject: false,
  });
  await sandbox.waitFor(
    () =>
      sandbox
        .list('Secret', namespace)
        .some((s) => !known.has(s.metadata.name) && s.metadata.labels?.status === status),
    30_000,
  );
  run.kill('SIGKILL');
  await run;
}

async function writeLock(holder: string): Promise<void> {
  const now = Date.now();
  const lock = JSON.stringify({
    holder,
    acquired_at: new Date(now).toISOString(),
    expires_at: new Date(now + 30 * 60_000).toISOString(),
  });
  await kubectl([
    'annotate',
    '--overwrite',
    'configmap',
    'release-kit-lock',
    `release-kit.io/deploy-lock=${lock}`,
  ]);
}

const readLock = async () => {
  const { stdout } = await kubectl(['get', 'configmap', 'release-kit-lock', '-o', 'json']);
  const cm = JSON.parse(stdout) as { metadata: { annotations: Record<string, string> } };
  return JSON.parse(cm.metadata.annotations['release-kit.io/deploy-lock'] as string) as {
    holder: string;
    expires_at: string;
  };
};

/** Runs the step's script the way the runner does, in a workspace with release-kit checked out at .release-kit. */
function runRepair() {
  const scriptFile = join(work, 'repair.sh');
  writeFileSync(scriptFile, repairScript);
  return execa('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', scriptFile], {
    cwd: join(work, 'workspace'),
    reject: false,
    extendEnv: false,
    env: {
      // helm and node, as the pipeline's runner has them; nothing else (no kubectl, no jq).
      PATH: [dirname(helm), dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter),
      HOME: work,
      CONFIG: join(work, 'release.yaml'),
      ENVIRONMENT: '',
      KUBECONFIG_CONTENT: readFileSync(sandbox.kubeconfigPath, 'utf8'),
      TIMEOUT: '60',
      GITHUB_REPOSITORY: 'acme/memory',
      GITHUB_RUN_ID: '42',
      RUNNER_TEMP: runnerTemp,
    },
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ timing: { probeIntervalMs: 400 } });
  writeFileSync(join(work, 'release.yaml'), configText);
  mkdirSync(runnerTemp);
  // The checkout of release-kit the step runs: this test run's bundles, with package.json and charts/
  // above dist/ as in a real checkout.
  mkdirSync(join(work, 'workspace'));
  symlinkSync(actionCheckout(), join(work, 'workspace', '.release-kit'));
  const plan = await runReleaseKit(['plan', '--config', join(work, 'release.yaml'), '--json']);
  expect(plan.exitCode, plan.stderr).toBe(0);
  for (const r of (JSON.parse(plan.stdout) as { releases: { component: string; values: unknown }[] })
    .releases) {
    writeFileSync(values(r.component), JSON.stringify(r.values));
  }
  await execa(
    helm,
    [
      'install',
      'memory-system-storage',
      defaultChartPath(),
      ...['-n', namespace, '--create-namespace', '-f', values('storage'), '--wait', '--timeout', '60s'],
    ],
    { env: { KUBECONFIG: sandbox.kubeconfigPath } },
  );
  await kubectl(['create', 'configmap', 'release-kit-lock']);
  // A killed upgrade of a deployed release, and a killed first install.
  await killHelmMidWait(
    [
      'upgrade',
      'memory-system-storage',
      defaultChartPath(),
      '-f',
      values('storage'),
      '--set',
      'storage.image.tag=v2-slow-start-60s',
    ],
    'pending-upgrade',
  );
  await killHelmMidWait(
    [
      'install',
      'memory-system-faiss',
      defaultChartPath(),
      '-f',
      values('faiss'),
      '--set',
      'faiss.image.tag=v1-slow-start-60s',
    ],
    'pending-install',
  );
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("deploy.yml's repair step", () => {
  it('leaves pending releases alone while another run holds the deploy lock', async () => {
    await writeLock('github:acme/memory/runs/41');
    const result = await runRepair();
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `The deploy lock of namespace ${namespace} is not held by this run (github:acme/memory/runs/42): nothing to repair.`,
    );
    expect(result.stdout).toContain('It is held by github:acme/memory/runs/41.');
    expect((await lastRevision('memory-system-storage'))?.status).toBe('pending-upgrade');
    expect((await lastRevision('memory-system-faiss'))?.status).toBe('pending-install');
    expect((await readLock()).holder).toBe('github:acme/memory/runs/41');
  }, 60_000);

  it("rolls back and uninstalls what this run left pending, then releases this run's lock", async () => {
    await writeLock('github:acme/memory/runs/42');
    const result = await runRepair();
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `Repaired 2 pending releases of namespace ${namespace}; released the deploy lock.`,
    );
    expect(result.stdout).toMatch(
      /memory-system-storage \(pending-upgrade\): repaired: .*this run holds the deploy lock.*rolling back to revision 1/,
    );
    expect(result.stdout).toMatch(
      /memory-system-faiss \(pending-install\): repaired: .*never deployed, so it is uninstalled/,
    );
    expect(await lastRevision('memory-system-storage')).toMatchObject({
      status: 'deployed',
      description: 'Rollback to 1',
    });
    const faiss = await helmRun(['status', 'memory-system-faiss']).catch((e: { stderr: string }) => e);
    expect((faiss as { stderr: string }).stderr).toMatch(/release: not found/);
    // Released, not deleted: the record of the last holder stays, as the deploy itself leaves it.
    const lock = await readLock();
    expect(lock.holder).toBe('github:acme/memory/runs/42');
    expect(new Date(lock.expires_at).getTime()).toBeLessThanOrEqual(Date.now());
    // The kubeconfig copy (a secret) is gone.
    expect(readdirSync(runnerTemp)).toEqual([]);
  }, 120_000);

  it('reports nothing pending when run again, and leaves the released lock released', async () => {
    const result = await runRepair();
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `No release of namespace ${namespace} is pending; released the deploy lock.`,
    );
    expect((await lastRevision('memory-system-storage'))?.revision).toBe(3);
    const lock = await readLock();
    expect(lock.holder).toBe('github:acme/memory/runs/42');
    expect(new Date(lock.expires_at).getTime()).toBeLessThanOrEqual(Date.now());
  }, 60_000);
});
