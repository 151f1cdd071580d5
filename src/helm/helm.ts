// The helm runner's API: one object per helm binary + cluster, knowing its major version.
import { log } from '../log.js';
import {
  getManifestArgs,
  getValuesArgs,
  historyArgs,
  type ListRequest,
  listArgs,
  type RollbackRequest,
  rollbackArgs,
  type Scope,
  statusArgs,
  type TemplateRequest,
  type TestRequest,
  templateArgs,
  testArgs,
  type UninstallRequest,
  type UpgradeInstallRequest,
  uninstallArgs,
  upgradeInstallArgs,
  type WaitMode,
} from './args.js';
import { parseHistory, parseList, parseManifest, parseRelease, parseValues } from './parse.js';
import { planRepair, type RepairOptions, type RepairPlan } from './repair.js';
import { type ProcessOptions, runHelm, withValuesFile } from './runner.js';
import type { HelmMajor, ManifestObject, ReleaseState, ReleaseSummary, Revision } from './types.js';
import { type HelmVersion, parseHelmVersion } from './version.js';

export interface HelmOptions {
  /** helm executable path or command name; `helm` from PATH by default. */
  binary?: string;
  /** Kubeconfig file, handed to helm as KUBECONFIG (never on argv). */
  kubeconfig?: string;
  kubeContext?: string;
  /** Default namespace of every command (a request's own namespace wins). */
  namespace?: string;
}

type ReleaseRef = Scope & { release: string };

export interface RepairRequest extends ReleaseRef, RepairOptions {
  now?: Date;
  /** How the rollback or uninstall waits. */
  wait?: WaitMode;
  timeoutSeconds?: number;
}

export interface RepairOutcome {
  plan: RepairPlan;
  /** True when the rollback or uninstall ran (and succeeded). */
  repaired: boolean;
}

// Commands that wait get helm's own --timeout plus this margin before the process is stopped;
// queries get a fixed budget. helm's default --timeout is 5 minutes.
const processMarginMs = 60_000;
const helmDefaultTimeoutMs = 300_000;
const queryTimeoutMs = 120_000;

export class Helm {
  constructor(
    readonly version: HelmVersion,
    private readonly options: HelmOptions & { binary: string },
  ) {}

  get major(): HelmMajor {
    return this.version.major;
  }

  get binary(): string {
    return this.options.binary;
  }

  /** `helm upgrade --install`; returns the new revision as helm reports it. */
  async upgradeInstall(
    req: UpgradeInstallRequest,
    { signal }: { signal?: AbortSignal } = {},
  ): Promise<ReleaseState> {
    const r = this.scoped(req);
    const { stdout } = await withValuesFile(r.values, (file) =>
      this.run(upgradeInstallArgs(this.major, r, file), waitingBudget(r.timeoutSeconds), signal),
    );
    return parseRelease(stdout);
  }

  /** Renders a release's manifest without a cluster. */
  async template(req: TemplateRequest): Promise<{ manifest: string; objects: ManifestObject[] }> {
    const r = this.scoped(req);
    const { stdout } = await withValuesFile(r.values, (file) =>
      this.run(templateArgs(this.major, r, file), queryTimeoutMs),
    );
    return { manifest: stdout, objects: parseManifest(stdout) };
  }

  async rollback(req: RollbackRequest): Promise<void> {
    const r = this.scoped(req);
    await this.run(rollbackArgs(this.major, r), waitingBudget(r.timeoutSeconds));
  }

  async uninstall(req: UninstallRequest): Promise<void> {
    const r = this.scoped(req);
    await this.run(uninstallArgs(this.major, r), waitingBudget(r.timeoutSeconds));
  }

  /** Revisions, oldest first. */
  async history(req: ReleaseRef): Promise<Revision[]> {
    const { stdout } = await this.run(historyArgs(this.major, this.scoped(req)), queryTimeoutMs);
    return parseHistory(stdout);
  }

  async status(req: ReleaseRef & { revision?: number }): Promise<ReleaseState> {
    const { stdout } = await this.run(statusArgs(this.major, this.scoped(req)), queryTimeoutMs);
    return parseRelease(stdout);
  }

  /** The values supplied to a revision, or (all) merged with the chart's defaults. */
  async getValues(req: ReleaseRef & { revision?: number; all?: boolean }): Promise<Record<string, unknown>> {
    const { stdout } = await this.run(getValuesArgs(this.major, this.scoped(req)), queryTimeoutMs);
    return parseValues(stdout);
  }

  async getManifest(req: ReleaseRef & { revision?: number }): Promise<ManifestObject[]> {
    const { stdout } = await this.run(getManifestArgs(this.major, this.scoped(req)), queryTimeoutMs);
    return parseManifest(stdout);
  }

  /** Releases in every state (pending and uninstalled included) unless `states` narrows it. */
  async list(req: ListRequest = {}): Promise<ReleaseSummary[]> {
    const { stdout } = await this.run(listArgs(this.major, this.scoped(req)), queryTimeoutMs);
    return parseList(stdout);
  }

  /** `helm test`; returns helm's report (with the test pods' logs when asked). */
  async test(req: TestRequest): Promise<string> {
    const r = this.scoped(req);
    const { stdout } = await this.run(testArgs(this.major, r), waitingBudget(r.timeoutSeconds));
    return stdout;
  }

  /**
   * Repairs a release left pending by a killed helm: rolls back to its last deployed revision, or
   * uninstalls it when it never deployed, but only when planRepair judges it abandoned. Logs the decision.
   */
  async repairPending(req: RepairRequest): Promise<RepairOutcome> {
    const history = await this.history(req);
    const plan = planRepair(history, req.now ?? new Date(), req);
    const subject = `release ${req.release}`;
    const wait = { wait: req.wait, timeoutSeconds: req.timeoutSeconds };
    switch (plan.action) {
      case 'none':
        log.debug(`${subject}: no repair needed (${plan.reason})`);
        return { plan, repaired: false };
      case 'blocked':
        log.warn(`${subject} is pending but left alone: ${plan.reason}`);
        return { plan, repaired: false };
      case 'rollback':
        log.warn(`repairing ${subject}: ${plan.reason}`);
        await this.rollback({ ...scopeOf(req), release: req.release, revision: plan.toRevision, ...wait });
        break;
      case 'uninstall':
        log.warn(`repairing ${subject}: ${plan.reason}`);
        await this.uninstall({ ...scopeOf(req), release: req.release, ...wait });
        break;
    }
    log.info(`repaired ${subject} (${plan.action} done)`);
    return { plan, repaired: true };
  }

  private scoped<T extends Scope>(req: T): T {
    const namespace = req.namespace ?? this.options.namespace;
    const kubeContext = req.kubeContext ?? this.options.kubeContext;
    return {
      ...req,
      ...(namespace === undefined ? {} : { namespace }),
      ...(kubeContext === undefined ? {} : { kubeContext }),
    };
  }

  private run(args: string[], timeoutMs: number, signal?: AbortSignal) {
    return runHelm(this.processOptions(), args, signal ? { timeoutMs, signal } : { timeoutMs });
  }

  private processOptions(): ProcessOptions {
    const { binary, kubeconfig } = this.options;
    return kubeconfig === undefined ? { binary } : { binary, kubeconfig };
  }
}

const waitingBudget = (timeoutSeconds: number | undefined): number =>
  (timeoutSeconds === undefined ? helmDefaultTimeoutMs : timeoutSeconds * 1000) + processMarginMs;

const scopeOf = (req: Scope): Scope => ({
  ...(req.namespace === undefined ? {} : { namespace: req.namespace }),
  ...(req.kubeContext === undefined ? {} : { kubeContext: req.kubeContext }),
});

/** Finds helm (an explicit path, or `helm` on PATH) and detects its major version. */
export async function createHelm(options: HelmOptions = {}): Promise<Helm> {
  const binary = options.binary ?? 'helm';
  const { stdout } = await runHelm({ binary }, ['version', '--template', '{{.Version}}'], {
    timeoutMs: queryTimeoutMs,
  });
  const version = parseHelmVersion(stdout, binary);
  log.debug(`using helm ${version.raw} (${binary})`);
  return new Helm(version, { ...options, binary });
}
