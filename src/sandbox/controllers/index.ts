// Runs the simulated controllers: after any change in the store (coalesced), on timers of the kubelet,
// and once a second (deadlines). Each pass is idempotent and writes only what changed.
import { log } from '../../log.js';
import type { Api } from '../api.js';
import type { ControllerContext, Timing } from './context.js';
import { Kubelet } from './kubelet.js';
import { reconcileAutoscalers, reconcileClaims, reconcileDisruptionBudgets } from './policies.js';
import {
  reconcileDeployments,
  reconcileJobs,
  reconcileReplicaSets,
  reconcileStatefulSets,
} from './workloads.js';

const passes = [
  reconcileAutoscalers,
  reconcileDeployments,
  reconcileReplicaSets,
  reconcileStatefulSets,
  reconcileJobs,
  reconcileDisruptionBudgets,
  reconcileClaims,
];

export class ControllerManager {
  readonly kubelet: Kubelet;
  private readonly ctx: ControllerContext;
  private scheduled: NodeJS.Immediate | undefined;
  private readonly ticker: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private stopped = false;
  /** Called after every pass (the Prometheus target writer hooks in here). */
  onPass: () => void = () => {};
  /** The last error a pass threw (a bug in the simulation); kept for tests and `sandbox up` to report. */
  lastError: Error | undefined;

  constructor(api: Api, timing: Timing) {
    const ctx: ControllerContext = {
      api,
      timing,
      kind: (apiVersion, kind) => {
        const found = api.kinds.byKind(apiVersion, kind);
        if (!found) throw new Error(`sandbox: kind ${apiVersion} ${kind} is not served`);
        return found;
      },
      changed: () => this.schedule(),
      now: () => Date.now(),
    };
    this.ctx = ctx;
    this.kubelet = new Kubelet(ctx);
    // Events are written by the controllers themselves; they never need a reconcile.
    this.unsubscribe = api.store.subscribe((event) => {
      if (event.resource !== '/events') this.schedule();
    });
    this.ticker = setInterval(() => this.schedule(), 1000);
  }

  schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.pass();
    });
  }

  private pass(): void {
    if (this.stopped) return;
    for (const run of [...passes, () => this.kubelet.sync()]) {
      try {
        run(this.ctx);
      } catch (e) {
        this.report(e as Error);
      }
    }
    this.onPass();
  }

  /** A controller that throws is a bug in the simulation: kept for tests, said once per distinct message. */
  private report(error: Error): void {
    if (this.lastError?.message !== error.message)
      log.warn(
        `sandbox: a simulated controller failed (a bug in the sandbox): ${error.stack ?? error.message}`,
      );
    this.lastError = error;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    clearInterval(this.ticker);
    if (this.scheduled) clearImmediate(this.scheduled);
    await this.kubelet.stopAll();
  }
}
