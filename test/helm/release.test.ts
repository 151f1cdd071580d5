// Release flows with the real helm 3.18 and 4.1 binaries against the simulated cluster (src/sandbox):
// install, upgrade, history/status/get/list, a timed-out upgrade, rollback, a helm killed mid-upgrade
// and its repair, uninstall. The JSON shapes parsed here are the ones real helm prints.
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHelm,
  type Helm,
  HelmOperationInProgressError,
  HelmReleaseNotFoundError,
  HelmTestFailedError,
  HelmTimeoutError,
  type Revision,
} from '../../src/helm/index.js';
import { setLogger, silentLogger, terminalLogger } from '../../src/log.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { packageRoot } from '../../src/util/paths.js';
import { type HelmMajor, helmBinary, helmMajors } from '../support/tools.js';

const demo = join(packageRoot(), 'test', 'fixtures', 'helm', 'demo');
const healthyImage = 'registry.local/demo:v1';
// The sandbox's fault vocabulary: pods of this image run but never become ready.
const unreadyImage = 'registry.local/demo:v2-unready';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
// What the runner tells the user (warnings), kept to assert on.
const warnings: string[] = [];

beforeAll(async () => {
  setLogger({ ...silentLogger, warn: (m) => warnings.push(m) });
  sandbox = await startSandbox();
});

afterAll(async () => {
  setLogger(terminalLogger());
  await sandbox?.stop();
});

/** Starts `helm upgrade` of an image that never becomes ready and SIGKILLs helm once the revision is pending. */
async function killMidUpgrade(helm: Helm, release: string, namespace: string): Promise<Revision> {
  const proc = execa(
    helm.binary,
    [
      'upgrade',
      release,
      demo,
      '--install',
      '--set',
      `image=${unreadyImage}`,
      ...(helm.major === 3 ? ['--wait'] : ['--wait=watcher']),
      '--timeout',
      '60s',
      '--namespace',
      namespace,
    ],
    { env: { KUBECONFIG: sandbox.kubeconfigPath }, reject: false },
  );
  try {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const last = (await helm.history({ release, namespace }).catch(() => [])).at(-1);
      if (last?.status.startsWith('pending-')) return last;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`release ${release} never became pending`);
  } finally {
    proc.kill('SIGKILL');
    await proc;
  }
}

describe.each(helmMajors)('helm %i against the simulated cluster', (major: HelmMajor) => {
  const namespace = `helm${major}-flows`;
  let helm: Helm;

  beforeAll(async () => {
    helm = await createHelm({ binary: helmBinary(major), kubeconfig: sandbox.kubeconfigPath, namespace });
  });

  it('installs, upgrades and reports the release as typed data', async () => {
    const installed = await helm.upgradeInstall({
      release: 'demo',
      chart: demo,
      values: { image: healthyImage, message: 'first' },
      wait: true,
      timeoutSeconds: 30,
      createNamespace: true,
    });
    expect(installed).toMatchObject({
      name: 'demo',
      namespace,
      revision: 1,
      status: 'deployed',
      description: 'Install complete',
      chart: { name: 'demo', version: '0.1.0', appVersion: '1.0.0' },
      values: { image: healthyImage, message: 'first' },
    });
    expect(installed.firstDeployed).toBeInstanceOf(Date);

    const upgraded = await helm.upgradeInstall({
      release: 'demo',
      chart: demo,
      values: { image: healthyImage, message: 'second' },
      wait: true,
      timeoutSeconds: 30,
      description: 'release-kit test upgrade',
    });
    expect(upgraded).toMatchObject({ revision: 2, status: 'deployed', values: { message: 'second' } });

    const history = await helm.history({ release: 'demo' });
    expect(history.map((r) => [r.revision, r.status, r.chart])).toEqual([
      [1, 'superseded', 'demo-0.1.0'],
      [2, 'deployed', 'demo-0.1.0'],
    ]);
    expect(history[1]?.description).toBe('release-kit test upgrade');
    expect(history[1]?.updated.getTime()).toBeGreaterThan(Date.now() - 60_000);

    const status = await helm.status({ release: 'demo' });
    expect(status).toMatchObject({ name: 'demo', namespace, revision: 2, status: 'deployed' });
    expect(status.lastDeployed).toBeInstanceOf(Date);
    expect(await helm.getValues({ release: 'demo' })).toEqual({ image: healthyImage, message: 'second' });
    expect(await helm.getValues({ release: 'demo', revision: 1 })).toEqual({
      image: healthyImage,
      message: 'first',
    });
    expect((await helm.getValues({ release: 'demo', all: true })).replicas).toBe(1);

    const manifest = await helm.getManifest({ release: 'demo' });
    expect(manifest.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Service']);
    expect(manifest.find((o) => o.kind === 'ConfigMap')?.object).toMatchObject({
      data: { message: 'second' },
    });

    const listed = await helm.list();
    expect(listed).toEqual([
      expect.objectContaining({ name: 'demo', namespace, revision: 2, status: 'deployed' }),
    ]);
    expect(await helm.list({ release: 'demo' })).toHaveLength(1);
    expect(await helm.list({ release: 'dem' })).toEqual([]);
    expect(await helm.list({ namespace: 'default' })).toEqual([]);
  });

  it('reports an upgrade whose pods never become ready as a timeout, then rolls back', async () => {
    const err = await helm
      .upgradeInstall({
        release: 'demo',
        chart: demo,
        values: { image: unreadyImage },
        wait: true,
        timeoutSeconds: 3,
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(HelmTimeoutError);
    expect(err.message).toMatch(/^helm upgrade of release "demo" in namespace "helm\d-flows" timed out: /);
    expect((await helm.history({ release: 'demo' })).at(-1)).toMatchObject({ revision: 3, status: 'failed' });
    expect(await helm.list({ states: ['failed'] })).toHaveLength(1);

    await helm.rollback({ release: 'demo', revision: 2, wait: true, timeoutSeconds: 30 });
    const after = await helm.status({ release: 'demo' });
    expect(after).toMatchObject({ revision: 4, status: 'deployed', description: 'Rollback to 2' });
    expect(await helm.getValues({ release: 'demo' })).toMatchObject({ message: 'second' });
  });

  it('refuses to upgrade a release a killed helm left pending, and repairs it once it is stale', async () => {
    const pending = await killMidUpgrade(helm, 'demo', namespace);
    expect(pending).toMatchObject({ revision: 5, status: 'pending-upgrade' });
    expect(await helm.list({ states: ['pending'] })).toEqual([
      expect.objectContaining({ name: 'demo', status: 'pending-upgrade' }),
    ]);

    const refused = await helm
      .upgradeInstall({ release: 'demo', chart: demo, values: { image: healthyImage }, timeoutSeconds: 30 })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(HelmOperationInProgressError);

    warnings.length = 0;
    const fresh = await helm.repairPending({ release: 'demo', staleAfterMs: 15 * 60_000 });
    expect(fresh).toMatchObject({ repaired: false, plan: { action: 'blocked' } });
    expect(warnings).toEqual([
      expect.stringMatching(
        /^release demo is pending but left alone: revision 5 has been pending-upgrade since .* younger than the 15 min stale threshold/,
      ),
    ]);

    const later = new Date(Date.now() + 60 * 60_000);
    const repaired = await helm.repairPending({
      release: 'demo',
      staleAfterMs: 15 * 60_000,
      now: later,
      wait: true,
      timeoutSeconds: 30,
    });
    expect(repaired).toMatchObject({ repaired: true, plan: { action: 'rollback', toRevision: 4 } });
    expect(warnings.at(-1)).toMatch(
      /^repairing release demo: revision 5 has been pending-upgrade since .*: rolling back to revision 4, the last deployed one$/,
    );
    expect(await helm.status({ release: 'demo' })).toMatchObject({ revision: 6, status: 'deployed' });

    const upgraded = await helm.upgradeInstall({
      release: 'demo',
      chart: demo,
      values: { image: healthyImage, message: 'after repair' },
      wait: true,
      timeoutSeconds: 30,
    });
    expect(upgraded).toMatchObject({ revision: 7, status: 'deployed' });
  });

  it('uninstalls a release killed during its first install', async () => {
    const pending = await killMidUpgrade(helm, 'fresh', namespace);
    expect(pending).toMatchObject({ revision: 1, status: 'pending-install' });
    const outcome = await helm.repairPending({
      release: 'fresh',
      staleAfterMs: 60_000,
      now: new Date(Date.now() + 120_000),
      wait: true,
      timeoutSeconds: 30,
    });
    expect(outcome).toMatchObject({ repaired: true, plan: { action: 'uninstall' } });
    await expect(helm.history({ release: 'fresh' })).rejects.toBeInstanceOf(HelmReleaseNotFoundError);
  });

  it('runs the chart tests and reports failed test pods', async () => {
    const request = { release: 'tested', chart: demo, timeoutSeconds: 30 };
    await helm.upgradeInstall({ ...request, values: { image: healthyImage } });
    expect(await helm.test({ release: 'tested', timeoutSeconds: 10 })).toMatch(
      /tested-ping[\s\S]*Phase:\s+Succeeded/,
    );

    await helm.upgradeInstall({
      ...request,
      values: { image: healthyImage, testImage: 'registry.local/probe:crash' },
    });
    const err = await helm.test({ release: 'tested', timeoutSeconds: 10, logs: true }).catch((e) => e);
    expect(err).toBeInstanceOf(HelmTestFailedError);
    expect(err.message).toBe(
      `helm test of release "tested" in namespace "${namespace}" failed: test pod tested-ping failed`,
    );
    expect(err.failedPods).toEqual(['tested-ping']);
    expect(err.failure.stdout).toMatch(/POD LOGS: tested-ping/);
    await helm.uninstall({ release: 'tested' });
  });

  it('uninstalls, after which the release is not found', async () => {
    await helm.uninstall({ release: 'demo', wait: true, timeoutSeconds: 30 });
    expect(await helm.list()).toEqual([]);
    await expect(helm.status({ release: 'demo' })).rejects.toBeInstanceOf(HelmReleaseNotFoundError);
    await helm.uninstall({ release: 'demo', ignoreNotFound: true });
  });
});

describe('helm 4 with client-side apply and legacy waiting', () => {
  it('installs and upgrades', async () => {
    const namespace = 'helm4-legacy';
    const helm = await createHelm({ binary: helmBinary(4), kubeconfig: sandbox.kubeconfigPath, namespace });
    const options = {
      release: 'legacy',
      chart: demo,
      serverSide: false,
      wait: 'legacy',
      timeoutSeconds: 30,
    } as const;
    await helm.upgradeInstall({ ...options, values: { image: healthyImage }, createNamespace: true });
    const upgraded = await helm.upgradeInstall({ ...options, values: { image: healthyImage, replicas: 2 } });
    expect(upgraded).toMatchObject({ revision: 2, status: 'deployed' });
    await helm.uninstall({ release: 'legacy', wait: 'legacy', timeoutSeconds: 30 });
  });
});
