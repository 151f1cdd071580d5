// The main flow against the simulated cluster with real helm 3.18 and 4.1: a first deploy installs the
// example's 7 releases in 4 waves, a second one skips them all, a new memory image upgrades only memory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeploy } from '../../src/deploy/run.js';
import { parseDeployLock } from '../../src/helm/index.js';
import { readAnnotation } from '../../src/kube/annotation-lock.js';
import { createKubeClient } from '../../src/kube/client.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { helmMajors } from '../support/tools.js';
import { deployOptions, deployTiming, digest, recordingLogger, tempDir, writeConfig } from './support.js';

describe.each(helmMajors)('deploy with helm %i', (major) => {
  let sandbox: Sandbox;
  const tmp = tempDir('rk-deploy-flow-');
  let config: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ timing: deployTiming });
    config = writeConfig(tmp.dir, 'release.yaml');
  });
  afterAll(async () => {
    await sandbox?.stop();
    tmp.remove();
  });

  it('installs 7 releases in 4 waves, then skips all 7, then upgrades only a changed memory image', async () => {
    const logger = recordingLogger();
    const first = await runDeploy(deployOptions(sandbox, major, config), { logger });
    expect(first.outcome).toBe('success');
    expect(
      first.releases.map((r) => [r.wave, r.component, r.outcome, r.previousRevision, r.revision]),
    ).toEqual([
      [1, 'faiss', 'deployed', null, 1],
      [1, 'neo4j', 'deployed', null, 1],
      [1, 'redis', 'deployed', null, 1],
      [2, 'memory', 'deployed', null, 1],
      [2, 'storage', 'deployed', null, 1],
      [3, 'api', 'deployed', null, 1],
      [4, 'gateway', 'deployed', null, 1],
    ]);
    expect(first.releases.every((r) => r.changed && r.action === 'install' && r.chartVersion !== '')).toBe(
      true,
    );
    expect(first.helmVersion).toMatch(major === 3 ? /^v3\.18\./ : /^v4\.1\./);
    // Every pod of every release is ready: helm waited for them.
    const pods = sandbox.list('Pod', 'memory-system');
    expect(pods.length).toBeGreaterThan(7);
    // Waves were logged in order and each release reported as ready.
    const waves = logger.lines.filter((l) => l.startsWith('== wave'));
    expect(waves).toEqual([
      '== wave 1/4: faiss, neo4j, redis',
      '== wave 2/4: memory, storage',
      '== wave 3/4: api',
      '== wave 4/4: gateway',
    ]);
    const ready = (name: string) =>
      logger.lines.findIndex((l) => l.startsWith(`  memory-system-${name}: revision 1 ready`));
    expect(ready('redis')).toBeLessThan(logger.lines.indexOf('== wave 2/4: memory, storage'));
    expect(ready('api')).toBeLessThan(logger.lines.indexOf('== wave 4/4: gateway'));

    const second = await runDeploy(deployOptions(sandbox, major, config), { logger: recordingLogger() });
    expect(second.outcome).toBe('success');
    expect(second.releases.map((r) => [r.component, r.outcome, r.changed, r.revision])).toEqual(
      first.releases.map((r) => [r.component, 'unchanged', false, 1]),
    );

    const memory = `registry.example.com/memory_system/memory@${digest('b')}`;
    const third = await runDeploy(deployOptions(sandbox, major, config, { images: { memory } }), {
      logger: recordingLogger(),
    });
    expect(third.outcome).toBe('success');
    const changed = third.releases.filter((r) => r.changed);
    expect(changed.map((r) => [r.component, r.previousRevision, r.revision, r.images])).toEqual([
      ['memory', 1, 2, [memory]],
    ]);
    expect(changed[0]?.reasons?.[0]).toMatch(/^values changed at memory\.image\.digest/);
    expect(third.releases.filter((r) => r.wave === 1).every((r) => r.outcome === 'unchanged')).toBe(true);
    const deployment = sandbox.get('Deployment', 'memory-system', 'memory');
    expect(JSON.stringify(deployment?.spec)).toContain(memory);
    // What was verified is what runs: every memory pod's container image is the pinned digest.
    const memoryImages = () =>
      sandbox
        .list('Pod', 'memory-system')
        .filter((p) => p.metadata.labels?.['app.kubernetes.io/component'] === 'memory')
        .map((p) => (p.spec as { containers: { image: string }[] }).containers[0]?.image);
    await sandbox.waitFor(() => memoryImages().length === 2 && memoryImages().every((i) => i === memory));
    expect(memoryImages()).toEqual([memory, memory]);

    // The lock was released at the end: written back expired, still naming the last holder.
    const kube = createKubeClient(sandbox.kubeconfigPath);
    const state = await readAnnotation(kube, {
      namespace: 'memory-system',
      name: 'release-kit-lock',
      annotation: 'release-kit.io/deploy-lock',
    });
    const lock = parseDeployLock(state.value ?? '', 'test');
    expect(lock.holder).toBe('test-holder');
    expect(lock.expiresAt.getTime()).toBeLessThanOrEqual(Date.now());
  }, 120_000);
});
