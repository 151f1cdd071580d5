// Runs the simulated controllers: after any change in the store (coalesced), on timers of the kubelet,
// when the cluster clock jumps, and once a second (deadlines, schedules). Each pass is idempotent and
// writes only what changed.
import { log } from '../../log.js';
import type { Api } from '../api.js';
import { type Clock, systemClock } from '../clock.js';
import type { ControllerContext, Timing } from './context.js';
import { cronJobController } from './cronjobs.js';
import { Kubelet } from './kubelet.js';
import { reconcileAutoscalers, reconcileClaims, reconcileDisruptionBudgets } from './policies.js';
import {
  reconcileDeployments,
  reconcileJobs,
  reconcileReplicaSets,
  reconcileStatefulSets,
} from './workloads.js';

type Pass = (ctx: ControllerContext) => void;

export class ControllerManager {
  readonly kubelet: Kubelet;
  private readonly ctx: ControllerContext;
  private scheduled: NodeJS.Immediate | undefined;
  private readonly ticker: NodeJS.Timeout;
  private readonly passes: Pass[];
  private readonly unsubscribe: () => void;
  private readonly unsubscribeClock: (() => void) | undefined;
  private passWaiters: (() => void)[] = [];
  private stopped = false;
  /** Called after every pass (the Prometheus target writer hooks in here). */
  onPass: () => void = () => {};
  /** The last error a pass threw (a bug in the simulation); kept for tests and `sandbox up` to report. */
  lastError: Error | undefined;

  /**
   * `clock`, when given, is the cluster's wall clock and turns the CronJob controller on; without it the
   * wall clock is the real time and CronJobs never fire (see docs/sandbox.md).
   */
  constructor(api: Api, timing: Timing, clock?: Clock) {
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
      clock: clock ?? systemClock,
    };
    this.ctx = ctx;
    // The CronJob pass runs before the Job pass so a Job it creates gets its pod in the same pass.
    this.passes = [
      reconcileAutoscalers,
      reconcileDeployments,
      reconcileReplicaSets,
      reconcileStatefulSets,
      ...(clock ? [cronJobController()] : []),
      reconcileJobs,
      reconcileDisruptionBudgets,
      reconcileClaims,
    ];
    this.kubelet = new Kubelet(ctx);
    // Events are written by the controllers themselves; they never need a reconcile.
    this.unsubscribe = api.store.subscribe((event) => {
      if (event.resource !== '/events') this.schedule();
    });
    this.unsubscribeClock = clock?.onChange?.(() => this.schedule());
    this.ticker = setInterval(() => this.schedule(), 1000);
  }

  /** Resolves once a pass that starts after this call has run (e.g. after a test moved the clock). */
  nextPass(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.passWaiters.push(resolve);
      this.schedule();
    });
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
    const waiters = this.passWaiters;
    this.passWaiters = [];
    for (const run of [...this.passes, () => this.kubelet.sync()]) {
      try {
        run(this.ctx);
      } catch (e) {
        this.report(e as Error);
      }
    }
    this.onPass();
    for (const resolve of waiters) resolve();
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
    this.unsubscribeClock?.();
    clearInterval(this.ticker);
    for (const resolve of this.passWaiters) resolve();
    this.passWaiters = [];
    if (this.scheduled) clearImmediate(this.scheduled);
    await this.kubelet.stopAll();
  }
}
