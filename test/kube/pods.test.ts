// The fail-fast pod watcher: which container states are hopeless, and that only pods created after the
// watch started are judged (a crash-looping pod of the previous revision must not fail a fix).
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClient } from '../../src/kube/client.js';
import { describePodFailure, type PodFailure, podFailure, watchPodFailures } from '../../src/kube/pods.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';

const pod = (statuses: NonNullable<V1Pod['status']>): V1Pod => ({
  metadata: { name: 'api-1' },
  status: statuses,
});

describe('podFailure', () => {
  it('reports CrashLoopBackOff, ImagePullBackOff and ErrImagePull, in init containers too', () => {
    const waiting = (reason: string, message?: string) => ({
      name: 'api',
      image: 'x',
      imageID: '',
      ready: false,
      restartCount: 1,
      state: { waiting: { reason, ...(message ? { message } : {}) } },
    });
    expect(podFailure(pod({ containerStatuses: [waiting('CrashLoopBackOff', 'back-off')] }))).toEqual({
      pod: 'api-1',
      container: 'api',
      reason: 'CrashLoopBackOff',
      message: 'back-off',
    });
    expect(
      podFailure(pod({ initContainerStatuses: [{ ...waiting('ErrImagePull'), name: 'init' }] }))?.container,
    ).toBe('init');
    expect(podFailure(pod({ containerStatuses: [waiting('ImagePullBackOff')] }))?.reason).toBe(
      'ImagePullBackOff',
    );
    expect(podFailure(pod({ containerStatuses: [waiting('ContainerCreating')] }))).toBeUndefined();
    expect(podFailure(pod({ phase: 'Pending' }))).toBeUndefined();
    expect(
      describePodFailure({ pod: 'p', container: 'c', reason: 'ErrImagePull', message: 'no such image' }),
    ).toBe('pod p, container c: ErrImagePull (no such image)');
  });
});

describe('watchPodFailures against the simulated cluster', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ namespaces: ['apps'] });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  const simulatedPod = (name: string, image: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'apps', labels: { 'app.kubernetes.io/instance': 'rel' } },
    spec: { containers: [{ name: 'app', image }] },
  });

  const statusOf = (name: string): string => JSON.stringify(sandbox.get('Pod', 'apps', name)?.status ?? {});

  it('ignores pods that existed before, reports the first new hopeless one once', async () => {
    sandbox.apply(simulatedPod('old-crash', 'app:crash'));
    await sandbox.waitFor(() => statusOf('old-crash').includes('CrashLoopBackOff'));
    const seen: PodFailure[] = [];
    const watch = await watchPodFailures(createKubeClient(sandbox.kubeconfigPath), {
      namespace: 'apps',
      labelSelector: 'app.kubernetes.io/instance=rel',
      onFailure: (f) => seen.push(f),
    });
    try {
      sandbox.apply(simulatedPod('new-ok', 'app:v2'));
      sandbox.apply(simulatedPod('new-pull', 'app:pull-error'));
      await sandbox.waitFor(() => seen.length > 0);
      expect(seen).toEqual([
        {
          pod: 'new-pull',
          container: 'app',
          reason: 'ErrImagePull',
          message: expect.stringContaining('app:pull-error'),
        },
      ]);
      // Stopped after the first report: a later crash is not reported again.
      sandbox.apply(simulatedPod('new-crash', 'app:crash'));
      await sandbox.waitFor(() => statusOf('new-crash').includes('CrashLoopBackOff'));
      await new Promise((r) => setTimeout(r, 200));
      expect(seen).toHaveLength(1);
    } finally {
      watch.stop();
    }
  });
});
