// One annotation on one ConfigMap, read and written with optimistic concurrency: a write carries the
// resourceVersion it read, so two writers racing for it cannot both win (the API answers 409 to one).
// The deploy lock lives here; what the annotation means is the caller's business.
import { ApiException, type V1ConfigMap } from '@kubernetes/client-node';
import type { KubeClient } from './client.js';

export interface AnnotatedObject {
  namespace: string;
  name: string;
  annotation: string;
}

export interface AnnotationState {
  /** The annotation's value, undefined when the ConfigMap or the annotation is missing. */
  value?: string;
  /** The ConfigMap's resourceVersion, undefined when it does not exist. */
  resourceVersion?: string;
}

const status = (e: unknown): number | undefined => (e instanceof ApiException ? e.code : undefined);

export async function readAnnotation(client: KubeClient, ref: AnnotatedObject): Promise<AnnotationState> {
  try {
    const cm = await client.core.readNamespacedConfigMap({ namespace: ref.namespace, name: ref.name });
    const value = cm.metadata?.annotations?.[ref.annotation];
    return { ...(value === undefined ? {} : { value }), resourceVersion: cm.metadata?.resourceVersion ?? '' };
  } catch (e) {
    if (status(e) === 404) return {};
    throw e;
  }
}

/**
 * Sets (or, with value undefined, removes) the annotation if the ConfigMap is still at `expected`
 * (a missing ConfigMap is created). Returns false when someone else changed it first.
 */
export async function writeAnnotation(
  client: KubeClient,
  ref: AnnotatedObject,
  expected: AnnotationState,
  value: string | undefined,
): Promise<boolean> {
  try {
    if (expected.resourceVersion === undefined) {
      if (value === undefined) return true;
      await client.core.createNamespacedConfigMap({ namespace: ref.namespace, body: configMap(ref, value) });
      return true;
    }
    const current = await client.core.readNamespacedConfigMap({ namespace: ref.namespace, name: ref.name });
    if (current.metadata?.resourceVersion !== expected.resourceVersion) return false;
    const annotations = { ...current.metadata?.annotations };
    if (value === undefined) delete annotations[ref.annotation];
    else annotations[ref.annotation] = value;
    await client.core.replaceNamespacedConfigMap({
      namespace: ref.namespace,
      name: ref.name,
      body: { ...current, metadata: { ...current.metadata, annotations } },
    });
    return true;
  } catch (e) {
    // 409: created or replaced by someone else in between; 404: deleted in between.
    if (status(e) === 409 || status(e) === 404) return false;
    throw e;
  }
}

function configMap(ref: AnnotatedObject, value: string): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: ref.name,
      namespace: ref.namespace,
      labels: { 'app.kubernetes.io/managed-by': 'release-kit' },
      annotations: { [ref.annotation]: value },
    },
  };
}

/** Creates the namespace when it does not exist yet (a first deploy), as helm's --create-namespace would. */
export async function ensureNamespace(client: KubeClient, namespace: string): Promise<void> {
  try {
    await client.core.readNamespace({ name: namespace });
  } catch (e) {
    if (status(e) !== 404) throw e;
    try {
      await client.core.createNamespace({ body: { metadata: { name: namespace } } });
    } catch (created) {
      if (status(created) !== 409) throw created;
    }
  }
}
