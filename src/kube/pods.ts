// Watching a release's pods while helm waits for them, to fail fast: a container in CrashLoopBackOff or
// unable to pull its image will not become ready by itself, so waiting out helm's --timeout only delays
// the bad news. Pods that existed before the watch started (the previous revision's) are not judged.
import { type V1Pod, Watch } from '@kubernetes/client-node';
import { log } from '../log.js';
import type { KubeClient } from './client.js';

/** Container states that do not heal without a new revision. */
export const hopelessReasons = ['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName'];

export interface PodFailure {
  pod: string;
  container: string;
  reason: string;
  message?: string;
}

/** The first container (init containers included) of a pod waiting for a hopeless reason. */
export function podFailure(pod: V1Pod): PodFailure | undefined {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    const waiting = s.state?.waiting;
    if (waiting?.reason && hopelessReasons.includes(waiting.reason)) {
      const failure: PodFailure = {
        pod: pod.metadata?.name ?? '(unnamed)',
        container: s.name,
        reason: waiting.reason,
      };
      if (waiting.message) failure.message = waiting.message;
      return failure;
    }
  }
  return undefined;
}

export const describePodFailure = (f: PodFailure): string =>
  `pod ${f.pod}, container ${f.container}: ${f.reason}${f.message ? ` (${f.message})` : ''}`;

export interface PodWatchRequest {
  namespace: string;
  /** Label selector, e.g. `app.kubernetes.io/instance=memory-system-api`. */
  labelSelector: string;
  onFailure(failure: PodFailure): void;
}

export interface PodWatch {
  stop(): void;
}

// A server closes a watch after a while; reconnecting this soon keeps the gap small.
const reconnectDelayMs = 200;

/**
 * Lists the matching pods (they are the old ones), then watches from that list's resourceVersion and
 * reports the first hopeless new pod once. When the API refuses the list or watch (RBAC), it warns and
 * reports nothing: helm's own --wait still guards the rollout.
 */
export async function watchPodFailures(client: KubeClient, req: PodWatchRequest): Promise<PodWatch> {
  let stopped = false;
  let abort: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  const existing = new Set<string>();
  let resourceVersion: string | undefined;
  const podIsNew = (p: V1Pod): boolean => !existing.has(p.metadata?.uid ?? '');
  try {
    const pods = await client.core.listNamespacedPod({
      namespace: req.namespace,
      labelSelector: req.labelSelector,
    });
    for (const p of pods.items) if (p.metadata?.uid) existing.add(p.metadata.uid);
    resourceVersion = pods.metadata?.resourceVersion;
  } catch (e) {
    log.warn(
      `cannot list the pods of ${req.labelSelector} in ${req.namespace}, so deploy waits for helm's timeout instead of failing fast: ${(e as Error).message}`,
    );
    return { stop: () => {} };
  }

  const watch = new Watch(client.config);
  const start = async (): Promise<void> => {
    if (stopped) return;
    try {
      abort = await watch.watch(
        `/api/v1/namespaces/${encodeURIComponent(req.namespace)}/pods`,
        { labelSelector: req.labelSelector, resourceVersion, allowWatchBookmarks: true },
        (phase, obj: V1Pod) => {
          if (obj?.metadata?.resourceVersion) resourceVersion = obj.metadata.resourceVersion;
          if (stopped || phase === 'BOOKMARK' || phase === 'DELETED' || !podIsNew(obj)) return;
          const failure = podFailure(obj);
          if (failure) {
            stop();
            req.onFailure(failure);
          }
        },
        (err: unknown) => {
          if (stopped) return;
          // 410 Gone: the resourceVersion is too old to resume from. A watch without one starts with an
          // ADDED event per current pod, and the old ones are still known by uid.
          const gone = (err as { code?: number; statusCode?: number } | undefined)?.statusCode === 410;
          if (gone) resourceVersion = undefined;
          timer = setTimeout(() => void start(), reconnectDelayMs);
        },
      );
    } catch (e) {
      log.debug(`pod watch of ${req.labelSelector} failed, retrying: ${(e as Error).message}`);
      if (!stopped) timer = setTimeout(() => void start(), reconnectDelayMs);
    }
  };
  const stop = (): void => {
    stopped = true;
    if (timer) clearTimeout(timer);
    abort?.abort();
  };
  await start();
  return { stop };
}
