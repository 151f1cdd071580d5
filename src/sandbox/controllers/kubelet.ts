// The kubelet of the simulation: runs every Pod as a SimulatedWorkload (or as a crashing, unpullable or
// finishing container, by its behaviour), probes /healthz for readiness and writes pod status.
import { request } from 'node:http';
import {
  type Behaviour,
  BehaviourError,
  behaviourAnnotation,
  behaviourFromAnnotation,
  behaviourOf,
  healthy,
} from '../behaviour.js';
import { isMap, type KubeObject } from '../object.js';
import { SimulatedWorkload } from '../workload.js';
import type { ControllerContext } from './context.js';

/** The pod annotation where the simulation publishes the real port of the pod's HTTP server. */
export const portAnnotation = 'sandbox.release-kit.dev/port';

type State = 'creating' | 'pull-error' | 'crashing' | 'running' | 'succeeded' | 'failed';

interface PodRuntime {
  uid: string;
  namespace: string;
  name: string;
  image: string;
  behaviour: Behaviour;
  state: State;
  /** A Job's pod runs to completion instead of serving forever. */
  runsToCompletion: boolean;
  restarts: number;
  pullBackOff: boolean;
  ready: boolean;
  port?: number;
  workload?: SimulatedWorkload;
  scheduledAt: string;
  startedAt?: string;
  finishedAt?: string;
  readySince?: string;
  timers: NodeJS.Timeout[];
  log: string[];
}

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export class Kubelet {
  private readonly pods = new Map<string, PodRuntime>();

  constructor(private readonly ctx: ControllerContext) {}

  /** Starts runtimes for new pods, stops those of deleted pods, writes every pod's status. */
  sync(): void {
    const podKind = this.ctx.kind('v1', 'Pod');
    const seen = new Set<string>();
    for (const pod of this.ctx.api.list(podKind, undefined)) {
      const uid = pod.metadata.uid ?? '';
      seen.add(uid);
      let runtime = this.pods.get(uid);
      if (!runtime) {
        runtime = this.start(pod);
        this.pods.set(uid, runtime);
      }
      this.ctx.api.updateStatus(podKind, pod, podStatus(pod, runtime));
      if (runtime.port !== undefined && pod.metadata.annotations?.[portAnnotation] !== String(runtime.port)) {
        const annotations = { ...pod.metadata.annotations, [portAnnotation]: String(runtime.port) };
        this.ctx.api.patch(podKind, runtime.namespace, runtime.name, 'merge', { metadata: { annotations } });
      }
    }
    for (const [uid, runtime] of this.pods) {
      if (seen.has(uid)) continue;
      this.pods.delete(uid);
      void this.halt(runtime);
    }
  }

  private start(pod: KubeObject): PodRuntime {
    const spec = pod.spec ?? {};
    const containers = Array.isArray(spec.containers) ? spec.containers.filter(isMap) : [];
    const image = String(containers[0]?.image ?? '');
    const runtime: PodRuntime = {
      uid: pod.metadata.uid ?? '',
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name,
      image,
      behaviour: healthy,
      state: 'creating',
      runsToCompletion: spec.restartPolicy === 'Never' || spec.restartPolicy === 'OnFailure',
      restarts: 0,
      pullBackOff: false,
      ready: false,
      scheduledAt: now(),
      timers: [],
      log: [],
    };
    try {
      runtime.behaviour = behaviourOf(image, pod.metadata.annotations?.[behaviourAnnotation]);
    } catch (e) {
      if (!(e instanceof BehaviourError)) throw e;
      this.ctx.api.recordEvent(pod, 'Warning', 'InvalidBehaviour', `${e.message}; the pod runs healthy`);
    }
    this.ctx.api.recordEvent(
      pod,
      'Normal',
      'Scheduled',
      `Successfully assigned ${runtime.namespace}/${runtime.name} to sandbox-node`,
    );
    runtime.log.push(`sandbox: simulated pod ${runtime.name} (image ${image})`);
    this.after(runtime, this.ctx.timing.podStartMs, () => this.run(runtime, pod));
    return runtime;
  }

  private run(runtime: PodRuntime, pod: KubeObject): void {
    const { behaviour } = runtime;
    const timing = this.ctx.timing;
    if (behaviour.pullError) {
      runtime.state = 'pull-error';
      this.ctx.api.recordEvent(
        pod,
        'Warning',
        'Failed',
        `Failed to pull image "${runtime.image}": simulated pull error`,
      );
      this.after(runtime, timing.crashRestartMs, () => {
        runtime.pullBackOff = true;
        this.ctx.api.recordEvent(pod, 'Normal', 'BackOff', `Back-off pulling image "${runtime.image}"`);
      });
      return;
    }
    runtime.startedAt = now();
    if (behaviour.crash) {
      runtime.state = runtime.runsToCompletion ? 'failed' : 'crashing';
      runtime.finishedAt = now();
      runtime.restarts = runtime.runsToCompletion ? 0 : 1;
      runtime.log.push('sandbox: simulated crash (exit code 1)');
      this.ctx.api.recordEvent(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
      if (!runtime.runsToCompletion) this.crashLoop(runtime);
      return;
    }
    runtime.state = 'running';
    this.ctx.api.recordEvent(pod, 'Normal', 'Started', 'Started container');
    if (runtime.runsToCompletion) {
      this.after(runtime, timing.jobRunMs, () => {
        runtime.state = 'succeeded';
        runtime.finishedAt = now();
        runtime.log.push('sandbox: simulated job finished (exit code 0)');
      });
      return;
    }
    const workload = new SimulatedWorkload({
      behaviour,
      readyDelayMs: timing.readyDelayMs,
      requestsPerSecond: timing.requestsPerSecond,
    });
    runtime.workload = workload;
    workload.start().then(
      (port) => {
        if (!this.pods.has(runtime.uid)) return void workload.stop();
        runtime.port = port;
        runtime.log.push(`sandbox: serving /healthz and /metrics on 127.0.0.1:${port}`);
        this.every(runtime, timing.probeIntervalMs, () => this.probe(runtime));
        this.ctx.changed();
      },
      (e: unknown) => runtime.log.push(`sandbox: cannot listen: ${(e as Error).message}`),
    );
  }

  /** Restarts with exponential back-off (doubling, capped at 32x), as the kubelet's CrashLoopBackOff. */
  private crashLoop(runtime: PodRuntime): void {
    const delay = this.ctx.timing.crashRestartMs * 2 ** Math.min(5, runtime.restarts - 1);
    this.after(runtime, delay, () => {
      runtime.restarts++;
      this.crashLoop(runtime);
    });
  }

  /** The readiness probe: an HTTP GET of /healthz, as the kubelet does. */
  private probe(runtime: PodRuntime): void {
    if (runtime.port === undefined) return;
    const req = request({ host: '127.0.0.1', port: runtime.port, path: '/healthz', timeout: 1000 }, (res) => {
      res.resume();
      this.setReady(runtime, res.statusCode === 200);
    });
    req.on('error', () => this.setReady(runtime, false));
    req.on('timeout', () => req.destroy());
    req.end();
  }

  private setReady(runtime: PodRuntime, ready: boolean): void {
    if (runtime.ready === ready) return;
    runtime.ready = ready;
    runtime.readySince = now();
    this.ctx.changed();
  }

  private after(runtime: PodRuntime, ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      runtime.timers = runtime.timers.filter((t) => t !== timer);
      fn();
      this.ctx.changed();
    }, ms);
    runtime.timers.push(timer);
  }

  private every(runtime: PodRuntime, ms: number, fn: () => void): void {
    runtime.timers.push(
      setInterval(() => {
        fn();
        this.ctx.changed();
      }, ms),
    );
  }

  private async halt(runtime: PodRuntime): Promise<void> {
    for (const timer of runtime.timers) clearTimeout(timer);
    runtime.timers = [];
    await runtime.workload?.stop();
  }

  async stopAll(): Promise<void> {
    const all = [...this.pods.values()];
    this.pods.clear();
    await Promise.all(all.map((runtime) => this.halt(runtime)));
  }

  private find(namespace: string, name: string): PodRuntime | undefined {
    return [...this.pods.values()].find((r) => r.namespace === namespace && r.name === name);
  }

  /** Changes a running pod's behaviour (annotation spelling), as if the workload changed its mind. */
  setBehaviour(namespace: string, name: string, text: string): void {
    const runtime = this.find(namespace, name);
    if (!runtime) throw new Error(`no simulated pod ${namespace}/${name}`);
    runtime.behaviour = { ...runtime.behaviour, ...behaviourFromAnnotation(text) };
    if (runtime.workload) runtime.workload.behaviour = runtime.behaviour;
    this.ctx.changed();
  }

  port(namespace: string, name: string): number | undefined {
    return this.find(namespace, name)?.port;
  }

  log(namespace: string, name: string): string | undefined {
    const runtime = this.find(namespace, name);
    return runtime && `${runtime.log.join('\n')}\n`;
  }

  /** Ready pods with a listening server: what Prometheus should scrape. */
  readyPods(): { namespace: string; name: string; port: number }[] {
    return [...this.pods.values()]
      .filter((r) => r.ready && r.port !== undefined)
      .map((r) => ({ namespace: r.namespace, name: r.name, port: r.port as number }));
  }
}

/** The status the kubelet reports for a pod in a given runtime state. */
export function podStatus(pod: KubeObject, runtime: PodRuntime): Record<string, unknown> {
  const containers = (Array.isArray(pod.spec?.containers) ? pod.spec.containers : []).filter(isMap);
  const ready = runtime.state === 'running' && runtime.ready && !runtime.runsToCompletion;
  const phase = {
    creating: 'Pending',
    'pull-error': 'Pending',
    crashing: 'Running',
    running: 'Running',
    succeeded: 'Succeeded',
    failed: 'Failed',
  }[runtime.state];
  const state = (): Record<string, unknown> => {
    switch (runtime.state) {
      case 'creating':
        return { waiting: { reason: 'ContainerCreating' } };
      case 'pull-error':
        return runtime.pullBackOff
          ? { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${runtime.image}"` } }
          : {
              waiting: {
                reason: 'ErrImagePull',
                message: `failed to pull image "${runtime.image}" (simulated)`,
              },
            };
      case 'crashing':
        return {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: 'back-off restarting failed container (simulated crash)',
          },
        };
      case 'running':
        return { running: { startedAt: runtime.startedAt } };
      case 'succeeded':
        return {
          terminated: {
            exitCode: 0,
            reason: 'Completed',
            startedAt: runtime.startedAt,
            finishedAt: runtime.finishedAt,
          },
        };
      case 'failed':
        return {
          terminated: {
            exitCode: 1,
            reason: 'Error',
            startedAt: runtime.startedAt,
            finishedAt: runtime.finishedAt,
          },
        };
    }
  };
  const condition = (type: string, status: boolean, since: string | undefined) => ({
    type,
    status: status ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: since ?? runtime.scheduledAt,
  });
  const started = runtime.state !== 'creating' && runtime.state !== 'pull-error';
  return {
    phase,
    conditions: [
      condition('PodReadyToStartContainers', started, runtime.startedAt),
      condition('Initialized', true, runtime.scheduledAt),
      condition('Ready', ready, runtime.readySince),
      condition('ContainersReady', ready, runtime.readySince),
      condition('PodScheduled', true, runtime.scheduledAt),
    ],
    hostIP: '127.0.0.1',
    hostIPs: [{ ip: '127.0.0.1' }],
    podIP: '127.0.0.1',
    podIPs: [{ ip: '127.0.0.1' }],
    startTime: runtime.scheduledAt,
    qosClass: 'BestEffort',
    containerStatuses: containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID:
        runtime.state === 'pull-error' || runtime.state === 'creating' ? '' : `sandbox://${String(c.image)}`,
      containerID: started ? `sandbox://${runtime.uid.slice(0, 12)}` : undefined,
      ready,
      started: runtime.state === 'running' || runtime.state === 'crashing',
      restartCount: runtime.restarts,
      state: state(),
      lastState:
        runtime.state === 'crashing'
          ? {
              terminated: {
                exitCode: 1,
                reason: 'Error',
                startedAt: runtime.startedAt,
                finishedAt: runtime.finishedAt,
              },
            }
          : {},
    })),
  };
}
