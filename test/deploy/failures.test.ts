// What goes wrong during a deploy (helm 4; the main flow runs with both majors in flow.test.ts): a
// crashing image fails fast, a killed helm's pending release is repaired, the deploy lock keeps two
// deploys apart, and a young pending release (someone else's helm) stops the deploy before any change.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeploy } from '../../src/deploy/run.js';
import { formatDeployLock } from '../../src/helm/index.js';
import { readAnnotation, writeAnnotation } from '../../src/kube/annotation-lock.js';
import { createKubeClient } from '../../src/kube/client.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { defaultChartPath } from '../../src/util/paths.js';
import { helmBinary } from '../support/tools.js';
import { deployOptions, deployTiming, recordingLogger, tempDir, writeConfig } from './support.js';

let sandbox: Sandbox;
const tmp = tempDir('rk-deploy-failures-');
let config: string;
const namespace = 'memory-system';
const lockRef = { namespace, name: 'release-kit-lock', annotation: 'release-kit.io/deploy-lock' };

beforeAll(async () => {
  sandbox = await startSandbox({ timing: deployTiming });
  config = writeConfig(tmp.dir, 'release.yaml');
  const first = await runDeploy(deployOptions(sandbox, 4, config), { logger: recordingLogger() });
  expect(first.outcome).toBe('success');
}, 120_000);
afterAll(async () => {
  await sandbox?.stop();
  tmp.remove();
});

const history = async (release: string) => {
  const r = await execa(helmBinary(4), ['history', release, '-n', namespace, '-o', 'json'], {
    env: { KUBECONFIG: sandbox.kubeconfigPath },
  });
  return JSON.parse(r.stdout) as { revision: number; status: string; description: string }[];
};

describe('a crashing image in wave 2', () => {
  it('fails the deploy within seconds, names the pod and reason, and never starts wave 3', async () => {
    const crash = writeConfig(tmp.dir, 'crash.yaml', [
      ['memory_system/memory:latest', 'memory_system/memory:v2-crash'],
    ]);
    const logger = recordingLogger();
    const started = Date.now();
    // helm would wait 60 s; the pod watcher must stop it long before.
    const ledger = await runDeploy(deployOptions(sandbox, 4, crash), { logger });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(ledger.outcome).toBe('failed');
    const memory = ledger.releases.find((r) => r.component === 'memory');
    expect(memory).toMatchObject({ outcome: 'failed', changed: true, previousRevision: 1, revision: 2 });
    expect(memory?.error).toMatch(
      /^pod memory-[a-z0-9]+-[a-z0-9]+, container memory: CrashLoopBackOff .*the new pods cannot become ready/,
    );
    expect(memory?.durationMs).toBeLessThan(20_000);
    expect(ledger.releases.filter((r) => r.wave >= 3).map((r) => r.outcome)).toEqual([
      'not-started',
      'not-started',
    ]);
    expect(logger.lines).not.toContain('== wave 3/4: api');
    expect(logger.lines).toContain(
      'error: wave 2 failed, so the rollout stopped; not started: memory-system-api, memory-system-gateway',
    );
    // helm stopped on SIGTERM and recorded the revision as failed, not pending.
    expect((await history('memory-system-memory')).at(-1)).toMatchObject({ revision: 2, status: 'failed' });

    // Deploying the good config again upgrades memory from its last deployed revision.
    const fixed = await runDeploy(deployOptions(sandbox, 4, config), { logger: recordingLogger() });
    expect(fixed.outcome).toBe('success');
    expect(fixed.releases.find((r) => r.component === 'memory')).toMatchObject({
      outcome: 'deployed',
      previousRevision: 1,
      revision: 3,
      reasons: ['the last revision 2 is failed'],
    });
  }, 120_000);
});

describe('the deploy lock', () => {
  it('refuses to interleave with a live deploy and names who holds it, changing nothing', async () => {
    const kube = createKubeClient(sandbox.kubeconfigPath);
    const state = await readAnnotation(kube, lockRef);
    const now = new Date();
    const live = {
      holder: 'github:acme/memory/runs/42',
      acquiredAt: now,
      expiresAt: new Date(now.getTime() + 600_000),
    };
    await writeAnnotation(kube, lockRef, state, formatDeployLock(live));
    const before = await history('memory-system-api');
    await expect(runDeploy(deployOptions(sandbox, 4, config), { logger: recordingLogger() })).rejects.toThrow(
      /another deploy holds the deploy lock of namespace memory-system: github:acme\/memory\/runs\/42, since .* until /,
    );
    expect(await history('memory-system-api')).toEqual(before);
    // The other holder's lock is left as it was.
    expect((await readAnnotation(kube, lockRef)).value).toBe(formatDeployLock(live));
    // Expired, it no longer blocks.
    const expired = { ...live, expiresAt: new Date(Date.now() - 1) };
    await writeAnnotation(kube, lockRef, await readAnnotation(kube, lockRef), formatDeployLock(expired));
    const ledger = await runDeploy(deployOptions(sandbox, 4, config, { dryRun: true }), {
      logger: recordingLogger(),
    });
    expect(ledger.outcome).toBe('success');
    expect(ledger.releases.every((r) => r.outcome === 'unchanged' && r.action === 'skip')).toBe(true);
  }, 120_000);
});

describe('a release left pending by a killed helm', () => {
  /** Starts a slow upgrade of memory with helm itself and SIGKILLs it mid-wait: revision pending-upgrade. */
  async function killHelmMidUpgrade(): Promise<void> {
    const known = new Set(sandbox.list('Secret', namespace).map((s) => s.metadata.name));
    const helm = execa(
      helmBinary(4),
      [
        'upgrade',
        'memory-system-memory',
        defaultChartPath(),
        '-n',
        namespace,
        '--reuse-values',
        '--set',
        'memory.image.tag=v3-slow-start-60s',
        '--wait',
        '--timeout',
        '120s',
      ],
      { env: { KUBECONFIG: sandbox.kubeconfigPath }, reject: false },
    );
    await sandbox.waitFor(
      () =>
        sandbox
          .list('Secret', namespace)
          .some((s) => !known.has(s.metadata.name) && s.metadata.labels?.status === 'pending-upgrade'),
      30_000,
    );
    helm.kill('SIGKILL');
    await helm;
    expect((await history('memory-system-memory')).at(-1)?.status).toBe('pending-upgrade');
  }

  it('is rolled back by the next deploy of the holder that deployed last, which then succeeds', async () => {
    // test-holder deploys (nothing to change); its released lock keeps naming it as the last holder.
    expect((await runDeploy(deployOptions(sandbox, 4, config), { logger: recordingLogger() })).outcome).toBe(
      'success',
    );
    await killHelmMidUpgrade();
    const logger = recordingLogger();
    const ledger = await runDeploy(deployOptions(sandbox, 4, config), { logger });
    expect(ledger.outcome).toBe('success');
    const memory = ledger.releases.find((r) => r.component === 'memory');
    expect(memory?.repaired).toMatch(
      /pending-upgrade.*this run holds the deploy lock.*rolling back to revision 3/,
    );
    const last = (await history('memory-system-memory')).at(-1);
    expect(last?.status).toBe('deployed');
    // After the rollback the release matches the config again, so nothing else needed changing.
    expect(memory?.outcome).toBe('unchanged');
  }, 120_000);

  it('stops a deploy by another holder before any change while it is young, naming the release', async () => {
    await killHelmMidUpgrade();
    await expect(
      runDeploy(deployOptions(sandbox, 4, config, { holder: 'someone-else' }), { logger: recordingLogger() }),
    ).rejects.toThrow(
      /another helm operation is in progress on release memory-system-memory: revision \d+ has been pending-upgrade since .*younger than the .* stale threshold/,
    );
    expect((await history('memory-system-memory')).at(-1)?.status).toBe('pending-upgrade');
    // The refusal released the lock again.
    const state = await readAnnotation(createKubeClient(sandbox.kubeconfigPath), lockRef);
    expect(JSON.parse(state.value ?? '{}').holder).toBe('someone-else');
    expect(new Date(JSON.parse(state.value ?? '{}').expires_at).getTime()).toBeLessThanOrEqual(Date.now());
  }, 120_000);
});
