// The release flows (install, upgrade, history/status/values, rollback, uninstall) with the real helm
// binaries in every mode release-kit uses, against one simulated cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import type { HelmMajor } from '../support/tools.js';
import { clients, fixtureChart } from './helpers.js';

const modes: { name: string; ns: string; major: HelmMajor; apply: string[]; wait: string }[] = [
  { name: 'helm 4, server-side apply, watcher wait', ns: 'h4-ssa', major: 4, apply: [], wait: '--wait' },
  {
    name: 'helm 4 --server-side=false',
    ns: 'h4-csa',
    major: 4,
    apply: ['--server-side=false'],
    wait: '--wait',
  },
  { name: 'helm 4 --wait=legacy', ns: 'h4-legacy', major: 4, apply: [], wait: '--wait=legacy' },
  { name: 'helm 3', ns: 'h3', major: 3, apply: [], wait: '--wait' },
];

let sandbox: Sandbox;
let c: ReturnType<typeof clients>;

beforeAll(async () => {
  sandbox = await startSandbox();
  c = clients(sandbox);
});
afterAll(async () => {
  await sandbox?.stop();
});

const imagesOf = (ns: string, component: string): string[] =>
  sandbox
    .list('Pod', ns)
    .filter((p) => p.metadata.labels?.['app.kubernetes.io/component'] === component)
    .map((p) => String((p.spec?.containers as { image: string }[] | undefined)?.[0]?.image))
    .sort();

describe.each(modes)('$name', ({ ns, major, apply, wait }) => {
  const helm = (...args: string[]) => c.ok(c.helm(major, [...args, '-n', ns]));

  it('installs with --wait: every workload is ready when helm returns', async () => {
    await helm(
      'upgrade',
      '--install',
      'app',
      fixtureChart,
      '--create-namespace',
      wait,
      '--timeout',
      '60s',
      ...apply,
    );
    const deployment = sandbox.get('Deployment', ns, 'app-api');
    // No replicas in the chart (HPA on): the HPA raised the default 1 to minReplicas 2.
    expect(deployment?.spec?.replicas).toBe(2);
    expect(deployment?.status).toMatchObject({ readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 });
    expect(sandbox.get('StatefulSet', ns, 'app-store')?.status).toMatchObject({ readyReplicas: 2 });
    expect(sandbox.get('Service', ns, 'app-api')?.spec?.clusterIP).toMatch(/^10\.96\./);
    expect(sandbox.list('PersistentVolumeClaim', ns).map((p) => p.metadata.name)).toEqual([
      'data-app-store-0',
      'data-app-store-1',
    ]);
    expect(sandbox.get('PodDisruptionBudget', ns, 'app-api')?.status).toMatchObject({
      currentHealthy: 2,
      disruptionsAllowed: 1,
    });
    expect(sandbox.get('NetworkPolicy', ns, 'app-api')).toBeDefined();
    expect(sandbox.get('Secret', ns, 'app-api')?.data).toEqual({
      token: Buffer.from('not-a-real-secret').toString('base64'),
    });
  });

  it('upgrades to a new image and rolls every pod', async () => {
    const before = sandbox.list('Pod', ns).map((p) => p.metadata.name);
    await helm(
      'upgrade',
      'app',
      fixtureChart,
      wait,
      '--timeout',
      '60s',
      ...apply,
      '--set',
      'image=registry.example.com/memory_system/api:v2',
      '--set',
      'storeImage=registry.example.com/memory_system/store:v2',
    );
    expect(imagesOf(ns, 'api')).toEqual([
      'registry.example.com/memory_system/api:v2',
      'registry.example.com/memory_system/api:v2',
    ]);
    expect(imagesOf(ns, 'store')).toEqual([
      'registry.example.com/memory_system/store:v2',
      'registry.example.com/memory_system/store:v2',
    ]);
    const after = sandbox.list('Pod', ns).map((p) => p.metadata.name);
    expect(after.filter((name) => before.includes(name) && !name.startsWith('app-store'))).toEqual([]);
    const sts = sandbox.get('StatefulSet', ns, 'app-store')?.status;
    expect(sts?.currentRevision).toBe(sts?.updateRevision);
    const replicaSets = sandbox.list('ReplicaSet', ns).map((rs) => rs.spec?.replicas);
    expect(replicaSets.sort()).toEqual([0, 2]);
  });

  it('reports history, status and values', async () => {
    const history = JSON.parse(await helm('history', 'app', '-o', 'json'));
    expect(history.map((h: { revision: number; status: string }) => [h.revision, h.status])).toEqual([
      [1, 'superseded'],
      [2, 'deployed'],
    ]);
    const status = JSON.parse(await helm('status', 'app', '-o', 'json'));
    expect(status).toMatchObject({ name: 'app', namespace: ns, version: 2, info: { status: 'deployed' } });
    const values = JSON.parse(await helm('get', 'values', 'app', '-o', 'json'));
    expect(values.image).toBe('registry.example.com/memory_system/api:v2');
  });

  it('rolls back with --wait to the first revision', async () => {
    await helm('rollback', 'app', '1', wait, '--timeout', '60s');
    expect(imagesOf(ns, 'api')).toEqual([
      'registry.example.com/memory_system/api:v1',
      'registry.example.com/memory_system/api:v1',
    ]);
    expect(sandbox.get('Deployment', ns, 'app-api')?.status).toMatchObject({
      readyReplicas: 2,
      updatedReplicas: 2,
    });
    const history = JSON.parse(await helm('history', 'app', '-o', 'json'));
    expect(history.at(-1)).toMatchObject({ revision: 3, status: 'deployed', description: 'Rollback to 1' });
  });

  it('uninstalls with --wait: workloads, pods and release records are gone', async () => {
    await helm('uninstall', 'app', '--wait', '--timeout', '60s');
    expect(sandbox.list('Deployment', ns)).toEqual([]);
    expect(sandbox.list('Pod', ns)).toEqual([]);
    expect(sandbox.list('Secret', ns).filter((s) => s.metadata.labels?.owner === 'helm')).toEqual([]);
    expect(sandbox.controllerError).toBeUndefined();
  });
});
