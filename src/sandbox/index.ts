// The simulated Kubernetes cluster: an API server (HTTP or HTTPS) good enough for helm 3/4 and kubectl,
// controllers, simulated pods and an optional real Prometheus. It is a simulation and says so.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { UserError } from '../errors.js';
import { Api } from './api.js';
import type { Clock } from './clock.js';
import { defaultTiming, type Timing } from './controllers/context.js';
import { ControllerManager } from './controllers/index.js';
import { builtinKinds, type Kind, KindRegistry, prometheusOperatorKinds } from './kinds.js';
import type { KubeObject } from './object.js';
import { type PrometheusProcess, startPrometheus, TargetsWriter, targetsOf } from './prometheus.js';
import { ApiRouter } from './server.js';
import { ObjectStore } from './store.js';
import { generateServerTls } from './tls.js';

export { behaviourAnnotation } from './behaviour.js';
export { type Clock, ManualClock, systemClock } from './clock.js';
export type { Timing } from './controllers/context.js';
export { scheduledTimestampAnnotation } from './controllers/cronjobs.js';
export { portAnnotation } from './controllers/kubelet.js';
export type { KubeObject } from './object.js';

export interface SandboxOptions {
  /** Port of the API server on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  https?: boolean;
  /** Where to write the kubeconfig; default `<dir>/kubeconfig`. */
  kubeconfigPath?: string;
  /** Working directory (kubeconfig, targets, prometheus data); default a new temporary directory, removed on stop. */
  dir?: string;
  /** Rollout timing; tests keep the fast defaults, benchmarks model real durations. */
  timing?: Partial<Timing>;
  /** Serve the Prometheus Operator CRDs (ServiceMonitor, PodMonitor, PrometheusRule). */
  prometheusOperatorCrds?: boolean;
  /** Run a real Prometheus against the simulated pods. */
  prometheus?: boolean | { scrapeIntervalSeconds?: number; binary?: string };
  /** Namespaces to create besides default, kube-system, kube-public, kube-node-lease. */
  namespaces?: string[];
  /**
   * The cluster's wall clock; given one, CronJobs fire on it (`systemClock` for real time, a `ManualClock`
   * a test moves). Without it CronJobs never fire, so a test that installs a chart with CronJobs never sees
   * a Job appear because it ran across midnight.
   */
  clock?: Clock;
}

export interface Sandbox {
  /** The API server URL (http://127.0.0.1:PORT or https://…). */
  url: string;
  kubeconfigPath: string;
  /** The file_sd targets file the simulated pods are listed in while ready. */
  targetsFile: string;
  prometheusUrl?: string;
  dir: string;
  /** Objects of a kind (`Deployment`, `deployments` or `apps/v1/Deployment`), optionally in one namespace. */
  list(kind: string, namespace?: string): KubeObject[];
  /** One object, or undefined. */
  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Creates or replaces an object directly (bypassing HTTP), as a test fixture. */
  apply(obj: KubeObject): KubeObject;
  /** Changes the behaviour of a running pod (annotation spelling: `errors=0.2`, `unready`, `healthy`…). */
  setPodBehaviour(namespace: string, pod: string, behaviour: string): void;
  /** http://127.0.0.1:PORT of a running simulated pod, once it listens. */
  podEndpoint(namespace: string, pod: string): string | undefined;
  /** Resolves after a controller pass that started after the call (to assert what did not happen). */
  nextPass(): Promise<void>;
  /** Resolves when `predicate` holds after a controller pass; rejects after timeoutMs. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** A bug in the simulation caught during a controller pass, if any. */
  readonly controllerError: Error | undefined;
  stop(): Promise<void>;
}

const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const ownDir = !options.dir;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'release-kit-sandbox-')));
  const kinds = new KindRegistry([
    ...builtinKinds,
    ...(options.prometheusOperatorCrds ? prometheusOperatorKinds : []),
  ]);
  const store = new ObjectStore();
  const api = new Api(store, kinds, options.clock);
  const nsKind = kinds.byKind('v1', 'Namespace') as Kind;
  for (const ns of [...systemNamespaces, ...(options.namespaces ?? [])])
    if (!api.find(nsKind, undefined, ns)) api.create(nsKind, undefined, { metadata: { name: ns } });

  const timing = { ...defaultTiming, ...options.timing };
  const controllers = new ControllerManager(api, timing, options.clock);
  const targetsFile = join(dir, 'targets.json');
  const targets = new TargetsWriter(targetsFile);
  await targets.update([]);
  const podKind = kinds.byKind('v1', 'Pod') as Kind;
  controllers.onPass = () => {
    void targets.update(targetsOf(controllers.kubelet.readyPods(), api.list(podKind, undefined)));
  };

  const router = new ApiRouter(api, { podLog: (ns, name) => controllers.kubelet.log(ns, name) });
  const tls = options.https ? await generateServerTls() : undefined;
  const server: Server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key }, router.handle)
    : createHttpServer(router.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new UserError(
              `port ${options.port} on 127.0.0.1 is already in use`,
              'choose another --port or omit it',
            )
          : e,
      ),
    );
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  }).catch(async (e: unknown) => {
    await controllers.stop();
    if (ownDir) await rm(dir, { recursive: true, force: true });
    throw e;
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const kubeconfigPath = options.kubeconfigPath ?? join(dir, 'kubeconfig');

  let prometheus: PrometheusProcess | undefined;
  const stopAll = async () => {
    router.closeWatches();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await controllers.stop();
    await prometheus?.stop();
    await targets.flush();
    if (ownDir) await rm(dir, { recursive: true, force: true });
  };
  try {
    await writeFile(kubeconfigPath, kubeconfig(url, tls?.caCert), { mode: 0o600 });
    await chmod(kubeconfigPath, 0o600);
    if (options.prometheus) {
      const settings = typeof options.prometheus === 'object' ? options.prometheus : {};
      prometheus = await startPrometheus({
        dir,
        targetsFile,
        scrapeIntervalSeconds: settings.scrapeIntervalSeconds ?? 1,
        binary: settings.binary,
      });
    }
  } catch (e) {
    // Nothing this call opened may outlive a failed start.
    await stopAll();
    throw e;
  }

  const kindByName = (name: string): Kind => {
    const found = kinds
      .all()
      .find(
        (k) =>
          k.kind === name ||
          k.plural === name ||
          `${k.group ? `${k.group}/` : ''}${k.version}/${k.kind}` === name,
      );
    if (!found) throw new Error(`the sandbox serves no kind "${name}"`);
    return found;
  };
  let stopped: Promise<void> | undefined;
  return {
    url,
    kubeconfigPath,
    targetsFile,
    prometheusUrl: prometheus?.url,
    dir,
    list: (kind, namespace) => api.list(kindByName(kind), namespace),
    get: (kind, namespace, name) => api.find(kindByName(kind), namespace, name),
    apply: (obj) => {
      const kind = api.kindOf(obj);
      if (!kind) throw new Error(`the sandbox serves no kind ${obj.apiVersion} ${obj.kind}`);
      const ns = obj.metadata.namespace;
      return api.find(kind, ns, obj.metadata.name)
        ? api.replace(kind, ns, obj.metadata.name, {
            ...obj,
            metadata: { ...obj.metadata, resourceVersion: undefined },
          })
        : api.create(kind, ns, obj);
    },
    setPodBehaviour: (namespace, pod, behaviour) =>
      controllers.kubelet.setBehaviour(namespace, pod, behaviour),
    podEndpoint: (namespace, pod) => {
      const p = controllers.kubelet.port(namespace, pod);
      return p === undefined ? undefined : `http://127.0.0.1:${p}`;
    },
    nextPass: () => controllers.nextPass(),
    waitFor: (predicate, timeoutMs = 10_000) => waitFor(predicate, timeoutMs),
    get controllerError() {
      return controllers.lastError;
    },
    stop: () => {
      stopped ??= stopAll();
      return stopped;
    },
  };
}

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`sandbox: condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A kubeconfig for the sandbox; the token is accepted and ignored (there is no authentication). */
export function kubeconfig(url: string, caCert: string | undefined): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'release-kit-sandbox',
        cluster: {
          server: url,
          ...(caCert ? { 'certificate-authority-data': Buffer.from(caCert).toString('base64') } : {}),
        },
      },
    ],
    users: [{ name: 'sandbox', user: { token: 'sandbox-simulated-cluster' } }],
    contexts: [
      {
        name: 'release-kit-sandbox',
        context: { cluster: 'release-kit-sandbox', user: 'sandbox', namespace: 'default' },
      },
    ],
    'current-context': 'release-kit-sandbox',
  });
}
