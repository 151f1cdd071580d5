// The health gate, after each wave of a deploy (verifyWave) and after the whole: measure the releases
// (Prometheus + cluster) against the config's thresholds and the pre-deploy baseline, decide, and (when asked)
// roll back what the run changed and verify again.
// A pipeline step: it logs through src/log and returns data; entry points (CLI, actions) print and exit.
import { parseDuration } from '../config/index.js';
import type { ReleaseConfig } from '../config/types.js';
import type { Ledger, LedgerRelease } from '../deploy/ledger.js';
import { UserError } from '../errors.js';
import { createHelm } from '../helm/index.js';
import { createKubeClient } from '../kube/client.js';
import { workloadReader } from '../kube/workloads.js';
import { log } from '../log.js';
import { createPrometheusClient, prometheusSource, tierQueriesFromConfig } from '../prometheus/index.js';
import {
  executeRollback,
  planAutomaticRollback,
  type RollbackHelm,
  type RollbackReport,
  type RollbackTrigger,
  rollbackSettings,
} from '../rollback/index.js';
import {
  type Baseline,
  type Check,
  type Clock,
  captureBaseline,
  kubeCheck,
  type MeasurementSource,
  prometheusChecks,
  runVerification,
  systemClock,
  type VerificationResult,
  type VerificationSettings,
  verificationSettings,
  verifiedJobs,
} from '../verify/index.js';
import { type GateOutcome, gateOutcome } from './outcome.js';
import { kubeSource, progressSource, routedSource } from './sources.js';

/** Where and how to measure. */
export interface GateContext {
  config: ReleaseConfig;
  /** Prometheus base URL; default `monitoring.prometheus.url`. */
  prometheusUrl?: string;
  /** Kubeconfig file; default KUBECONFIG, then ~/.kube/config. */
  kubeconfig?: string;
  /** Namespace of the releases; default the config's. */
  namespace?: string;
  clock?: Clock;
}

/** Everything one verification run needs, built once from the config. */
export interface PreparedVerification {
  settings: VerificationSettings;
  checks: Check[];
  source: MeasurementSource;
  clock: Clock;
}

/** The Prometheus URL to use, or a UserError saying where to set one. */
export function prometheusUrlOf(ctx: Pick<GateContext, 'config' | 'prometheusUrl'>): string {
  const url = ctx.prometheusUrl ?? ctx.config.monitoring?.prometheus?.url;
  if (!url) {
    throw new UserError(
      'no Prometheus to ask: monitoring.prometheus.url is not set',
      'set monitoring.prometheus.url in the release config, or pass --prometheus-url (CLI) / prometheus-url (action)',
    );
  }
  return url;
}

/**
 * The checks of `releases` (Helm release names) and the source that measures them: one error-ratio (and
 * latency) check per scrape job of the config, one rollout check per Deployment/StatefulSet of the releases.
 * Throws a UserError for unusable settings or queries before anything is measured.
 */
export async function prepareVerification(
  ctx: GateContext,
  releases: string[],
  /** Keeps only the Prometheus checks of the scrape jobs it accepts (default: every job). */
  measureJob: (job: string) => boolean = () => true,
): Promise<PreparedVerification> {
  const { config } = ctx;
  const settings = verificationSettings(config);
  const queries = tierQueriesFromConfig(config, verifiedJobs(config));
  const clock = ctx.clock ?? systemClock;
  const prometheus = createPrometheusClient({ url: prometheusUrlOf(ctx), timeoutMs: settings.timeoutMs });
  const reader = workloadReader(createKubeClient(ctx.kubeconfig), ctx.namespace ?? config.namespace);
  let workloads: Awaited<ReturnType<typeof reader.list>>;
  try {
    workloads = await reader.list(releases);
  } catch (e) {
    throw new UserError(
      `cannot list the workloads of ${releases.join(', ')}: ${(e as Error).message}`,
      'check that the kubeconfig reaches the cluster and may list Deployments and StatefulSets in the namespace',
    );
  }
  const missing = releases.filter((r) => !workloads.some((w) => w.release === r));
  if (missing.length > 0) log.warn(`no Deployment or StatefulSet found for ${missing.join(', ')}`);
  const checks = [
    ...prometheusChecks(config).filter((c) => c.kind !== 'kube' && measureJob(c.job)),
    ...workloads.map((w) => kubeCheck(w.id)),
  ];
  const source = routedSource({
    error_ratio: prometheusSource(prometheus, queries),
    latency: prometheusSource(prometheus, queries),
    kube: kubeSource(reader),
  });
  return { settings, checks, clock, source: progressSource(source, clock, (l) => log.info(l)) };
}

/** The pre-deploy baseline of `releases`, to pass to runGate after the deploy. */
export async function captureGateBaseline(ctx: GateContext, releases: string[]): Promise<Baseline> {
  const p = await prepareVerification(ctx, releases);
  return log.group('Baseline before the deploy', async () => {
    const baseline = await captureBaseline({ ...p, settings: p.settings });
    const kept = Object.keys(baseline.values).length;
    log.info(`baseline: ${kept} of ${p.checks.length} checks gave a usable value`);
    return baseline;
  });
}

export interface VerifyOptions {
  baseline?: Baseline;
  /** Why this run, for the log (`after the deploy`, `after the rollback`). */
  title?: string;
  /** Adjusts the config's settings for this run (see settingsAfterRollback). */
  adjust?: (settings: VerificationSettings) => VerificationSettings;
  /** Keeps only the Prometheus checks of these scrape jobs (see verifyWave). */
  measureJob?: (job: string) => boolean;
}

/** One verification window over `releases`. */
export async function verifyReleases(
  ctx: GateContext,
  releases: string[],
  options: VerifyOptions = {},
): Promise<VerificationResult> {
  const p = await prepareVerification(ctx, releases, options.measureJob);
  const settings = options.adjust ? options.adjust(p.settings) : p.settings;
  const title = options.title ?? 'Verification';
  return log.group(title, async () => {
    log.info(
      `${p.checks.length} checks every ${settings.periodMs / 1000}s for ${settings.windowMs / 1000}s (first after ${settings.initialDelayMs / 1000}s; fail after ${settings.failureThreshold} consecutive failures)`,
    );
    const result = await runVerification({ ...p, settings, baseline: options.baseline });
    log.info(`verdict ${result.verdict}, decision ${result.decision}: ${result.reason}`);
    return result;
  });
}

/**
 * Settings for the verification right after a rollback: evaluations start no earlier than one
 * `verification.rate_window` later, because until then every rate still averages over the faulty pods'
 * samples; the window grows to keep room for the thresholds.
 */
export function settingsAfterRollback(
  settings: VerificationSettings,
  rateWindowMs: number,
): VerificationSettings {
  const initialDelayMs = Math.max(settings.initialDelayMs, rateWindowMs);
  const needed = Math.max(settings.failureThreshold, settings.successThreshold);
  const windowMs = Math.max(settings.windowMs, initialDelayMs + (needed - 1) * settings.periodMs);
  return { ...settings, initialDelayMs, windowMs };
}

export interface GateInput extends GateContext {
  /** What the deploy run changed (src/deploy/ledger.ts). */
  ledger: Ledger;
  /** Taken before the deploy with captureGateBaseline; without it only absolute thresholds apply. */
  baseline?: Baseline;
  /** Roll back the run's releases when the decision is `rollback`; otherwise only report that it is needed. */
  autoRollback: boolean;
  /** The helm runner for the rollback; default `createHelm({binary: helmBinary, kubeconfig})`. */
  helm?: RollbackHelm;
  helmBinary?: string;
}

export interface GateResult {
  verification: VerificationResult;
  rollback?: RollbackReport;
  /** The verification after a rollback that completed. */
  afterRollback?: VerificationResult;
  outcome: GateOutcome;
  /** One line for a person. */
  summary: string;
  /** 0 passed, 2 the rollback itself failed, 3 verification failed, 4 inconclusive (see gateOutcome). */
  exitCode: number;
}

/** The releases of a ledger that exist in the cluster; a dry run has none to verify. */
export function releasesToVerify(ledger: Ledger): string[] {
  if (ledger.dryRun) {
    throw new UserError(
      `the ledger of run ${ledger.runId} records a dry run: nothing was deployed, so there is nothing to verify`,
      'verify after a real deploy, or without --ledger to verify every release of the config',
    );
  }
  return ledger.releases.filter((r) => r.revision !== null).map((r) => r.release);
}

/**
 * One wave's verification during a deploy, with the same settings and baseline as the gate after it: the
 * rollout of the releases the wave changed, and the error ratio (and latency) of every tier already running.
 * A scrape job named after a component is measured only once that component has a revision, so the first
 * install of the lower waves is not judged by tiers that cannot have traffic yet; other jobs always are.
 * What follows a failure (stop, roll back) is the caller's and concludeGate's to decide.
 */
export async function verifyWave(
  ctx: GateContext,
  ledger: Ledger,
  wave: { index: number; releases: readonly LedgerRelease[] },
  baseline?: Baseline,
): Promise<VerificationResult> {
  const releases = wave.releases.map((r) => r.release);
  return verifyReleases({ ...ctx, namespace: ctx.namespace ?? ledger.namespace }, releases, {
    baseline,
    title: `Verification of wave ${wave.index} (${wave.releases.map((r) => r.component).join(', ')})`,
    measureJob: tierRunning(ledger),
  });
}

/**
 * Whether a scrape job's tier is running: true unless it is a component with no revision yet (not installed
 * before this run, nor by it so far). A later wave's release being upgraded still runs its old revision.
 */
export function tierRunning(ledger: Ledger): (job: string) => boolean {
  const components = new Map(
    ledger.releases.map((r) => [r.component, r.revision !== null || r.previousRevision !== null]),
  );
  return (job) => components.get(job) ?? true;
}

/**
 * The whole gate after a deploy: verify the ledger's releases; on a `rollback` decision (and `autoRollback`)
 * roll back what this run changed, in reverse wave order, then verify again. Only a UserError (bad config,
 * unreachable cluster before the start) is thrown; every verdict is returned.
 */
export async function runGate(input: GateInput): Promise<GateResult> {
  const ctx: GateContext = { ...input, namespace: input.namespace ?? input.ledger.namespace };
  const verification = await verifyReleases(ctx, releasesToVerify(input.ledger), {
    baseline: input.baseline,
    title: 'Verification after the deploy',
  });
  return concludeGate(input, verification);
}

/**
 * What follows a verification of the ledger's run (after the deploy, or of the wave that stopped it): on a
 * `rollback` decision (and `autoRollback`) roll back what this run changed, in reverse wave order, then verify
 * the ledger's releases again; otherwise only the outcome.
 */
export async function concludeGate(input: GateInput, verification: VerificationResult): Promise<GateResult> {
  const ctx: GateContext = { ...input, namespace: input.namespace ?? input.ledger.namespace };
  const releases = releasesToVerify(input.ledger);
  const rollback = rollbackSettings(input.config);
  if (verification.decision !== 'rollback' || !input.autoRollback) {
    return { verification, ...gateOutcome(verification) };
  }
  const trigger: RollbackTrigger =
    verification.verdict === 'fail'
      ? (verification.checks.find(
          (c) => c.verdict === 'fail' && c.trigger && rollback.conditions.includes(c.trigger),
        )?.trigger ?? 'health_check_failed')
      : 'inconclusive_policy';
  const plan = planAutomaticRollback(input.ledger, rollback, trigger, verification.reason);
  const helm = input.helm ?? (await createHelm({ binary: input.helmBinary, kubeconfig: input.kubeconfig }));
  const report = await log.group('Automatic rollback', () =>
    executeRollback(plan, { helm, clock: ctx.clock ?? systemClock, settings: rollback }),
  );
  if (report.outcome === 'failed') {
    return { verification, rollback: report, ...gateOutcome(verification, report) };
  }
  const rateWindowMs = parseDuration(input.config.verification?.rate_window, 'verification.rate_window');
  const afterRollback = await verifyReleases(ctx, releases, {
    baseline: input.baseline,
    title: 'Verification after the rollback',
    adjust: (s) => settingsAfterRollback(s, rateWindowMs),
  });
  return {
    verification,
    rollback: report,
    afterRollback,
    ...gateOutcome(verification, report, afterRollback),
  };
}
