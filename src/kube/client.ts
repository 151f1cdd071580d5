// The one way release-kit talks to the Kubernetes API (for what helm cannot do): typed clients
// built from a kubeconfig file, or from KUBECONFIG / ~/.kube/config when none is given.
import { readFileSync } from 'node:fs';
import { AppsV1Api, AutoscalingV2Api, BatchV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { UserError } from '../errors.js';

export interface KubeClient {
  config: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  autoscaling: AutoscalingV2Api;
}

/**
 * client-node refuses an http:// server unless skipTLSVerify is set, although there is no TLS to verify;
 * kubectl and helm accept it (kubectl proxy, the simulated cluster), so release-kit does too.
 */
function allowPlainHttp(config: KubeConfig): void {
  if (!config.clusters.some((c) => c.server.startsWith('http://') && !c.skipTLSVerify)) return;
  config.loadFromOptions({
    clusters: config.clusters.map((c) =>
      c.server.startsWith('http://') ? { ...c, skipTLSVerify: true } : c,
    ),
    users: config.users,
    contexts: config.contexts,
    currentContext: config.currentContext,
  });
}

export function createKubeClient(kubeconfigPath?: string): KubeClient {
  const config = new KubeConfig();
  const path = kubeconfigPath ?? process.env.KUBECONFIG;
  try {
    if (path) config.loadFromString(readFileSync(path, 'utf8'));
    else config.loadFromDefault();
  } catch (e) {
    throw new UserError(
      `cannot read the kubeconfig ${path ?? '(default)'}: ${(e as Error).message}`,
      'pass --kubeconfig FILE (or the kubeconfig input) pointing at a readable kubeconfig',
    );
  }
  if (!config.getCurrentCluster()) {
    throw new UserError(
      `the kubeconfig ${path ?? '(default)'} names no current cluster`,
      'set current-context in the kubeconfig',
    );
  }
  allowPlainHttp(config);
  return {
    config,
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    batch: config.makeApiClient(BatchV1Api),
    autoscaling: config.makeApiClient(AutoscalingV2Api),
  };
}
