// The deploy step the CLI and the action both call: config -> plan -> (lock, repair, inspect) -> waves
// of `helm upgrade --install --wait` -> a ledger. Order of checks: every input is validated before the
// first helm or Kubernetes call, and every release is rendered and inspected before the first change.
//
// runDeploy throws (a UserError) when it refuses before changing anything: invalid input, an unreachable
// cluster, the deploy lock held by another deploy, a release another helm may still be changing. Once
// releases are being inspected and deployed it returns the ledger, whose outcome says whether one failed.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ImageMap } from '../build/image-map.js';
import { loadReleaseConfig } from '../config/index.js';
import { describeError, isUserError, UserError } from '../errors.js';
import { createHelm, type DeployLock, type Helm, isPending, type ReleaseSummary } from '../helm/index.js';
import { ensureNamespace } from '../kube/annotation-lock.js';
import { createKubeClient } from '../kube/client.js';
import { type Logger, log } from '../log.js';
import { type PlannedRelease, planRelease } from '../plan/index.js';
import { valuesDigest } from './changes.js';
import { checkNamespace } from './inputs.js';
import type { Ledger, LedgerRelease } from './ledger.js';
import { acquireDeployLock, type HeldLock, kubeCall } from './lock.js';
import { deployRelease, inspectRelease, type ReleaseContext } from './release.js';
import { ledgerHeadline } from './report.js';
import { runInWaves } from './schedule.js';

export interface DeployOptions {
  /** Release configuration file. */
  config: string;
  environment?: string;
  /** Pinned images (component -> registry/name@sha256:…); every key must be a component. */
  images?: ImageMap;
  /** Kubeconfig file; KUBECONFIG or ~/.kube/config when absent. */
  kubeconfig?: string;
  /** Overrides the config's namespace. */
  namespace?: string;
  /** helm executable; `helm` on PATH by default. */
  helm?: string;
  /** helm --timeout of each release, in seconds (default 300, helm's own default). */
  timeoutSeconds?: number;
  /** Releases of one wave deployed at the same time (default 4). */
  concurrency?: number;
  /** Inspect and report what would change, change nothing. */
  dryRun?: boolean;
  /** Who takes the deploy lock, e.g. `github:owner/repo/runs/123` or `cli:alice@laptop`. */
  holder?: string;
  runId?: string;
  /** A pending revision older than this, under no live lock, counts as abandoned (default timeout + 2 min). */
  staleAfterMs?: number;
  now?: () => Date;
  /**
   * Runs after each wave whose releases all succeeded and at least one changed (never on a dry run), before
   * the next wave starts; 'stop' ends the rollout there. The CLI's `deploy --verify` verifies the wave with it;
   * deploy itself knows nothing of verification. An error it throws stops the rollout too, recorded in the ledger.
   */
  afterWave?: AfterWave;
}

/** A wave that finished: its 1-based index and the releases this run changed in it. */
export interface FinishedWave {
  index: number;
  releases: LedgerRelease[];
}

/** `ledger` is the run so far: every earlier wave deployed, later ones not started. */
export type AfterWave = (wave: FinishedWave, ledger: Ledger) => Promise<'continue' | 'stop'>;

export const defaultTimeoutSeconds = 300;
export const defaultConcurrency = 4;

export async function runDeploy(options: DeployOptions, deps: { logger?: Logger } = {}): Promise<Ledger> {
  const logger = deps.logger ?? log;
  const now = options.now ?? (() => new Date());
  const timeoutSeconds = options.timeoutSeconds ?? defaultTimeoutSeconds;
  const concurrency = options.concurrency ?? defaultConcurrency;
  if (!(Number.isInteger(timeoutSeconds) && timeoutSeconds > 0))
    throw new UserError(`invalid timeout ${timeoutSeconds}`, 'give whole seconds greater than 0');
  if (!(Number.isInteger(concurrency) && concurrency > 0))
    throw new UserError(
      `invalid concurrency ${concurrency}`,
      'give a whole number of releases greater than 0',
    );

  // Inputs first: nothing below runs helm or talks to the cluster until they all hold.
  const config = await loadReleaseConfig(options.config, { environment: options.environment });
  const namespace = options.namespace ?? config.namespace;
  checkNamespace(namespace, options.namespace ? 'the namespace' : 'the config namespace');
  const plan = planRelease(config, options.images ? { images: options.images } : {});
  const releases = plan.releases.map((r) => ({ ...r, namespace }));
  const kube = createKubeClient(options.kubeconfig);
  const helm = await createHelm({
    ...(options.helm ? { binary: options.helm } : {}),
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    namespace,
  });

  const runId = options.runId ?? randomUUID();
  const ledger: Ledger = {
    version: 1,
    runId,
    config: options.config,
    ...(options.environment ? { environment: options.environment } : {}),
    namespace,
    startedAt: now().toISOString(),
    dryRun: Boolean(options.dryRun),
    outcome: 'success',
    helmVersion: helm.version.raw,
    releases: releases.map((r) => initialEntry(r)),
  };
  const entryOf = new Map(ledger.releases.map((e) => [e.release, e]));
  const ctx: ReleaseContext = {
    helm,
    kube,
    logger,
    timeoutSeconds,
    runId,
    now,
  };
  logger.info(
    `${options.dryRun ? 'dry run: ' : ''}deploying ${releases.length} releases of ${config.name} to namespace ${namespace} in ${plan.waves.length} waves (helm ${helm.version.raw}, up to ${concurrency} at a time, timeout ${timeoutSeconds} s each)`,
  );

  let lock: HeldLock | undefined;
  try {
    if (!options.dryRun) {
      await kubeCall(() => ensureNamespace(kube, namespace), namespace);
      // The lock must outlive every wave at its full timeout, plus the repairs before them.
      const ttlMs = (plan.waves.length + 1) * (timeoutSeconds + 60) * 1000;
      lock = await acquireDeployLock(kube, namespace, options.holder ?? defaultHolder(), ttlMs, now);
    }
    let listed = await listReleases(helm, namespace);
    if (await repairPending(ctx, releases, listed, lock, options, entryOf))
      listed = await listReleases(helm, namespace);
    await logger.group(`checking ${releases.length} releases for changes`, () =>
      inspectAll(ctx, releases, listed, entryOf, concurrency),
    );
    if (ledger.releases.some((e) => e.outcome === 'failed')) ledger.outcome = 'failed';
    else if (options.dryRun) {
      for (const e of ledger.releases) if (e.action === 'skip') e.outcome = 'unchanged';
    } else {
      await deployWaves(
        ctx,
        plan.waves,
        releases,
        entryOf,
        { concurrency, afterWave: options.afterWave },
        ledger,
      );
    }
  } finally {
    if (lock) {
      try {
        await lock.release();
      } catch (e) {
        logger.warn(
          `could not release the deploy lock: ${describeError(e)}; it expires at ${lock.lock.expiresAt.toISOString()}`,
        );
      }
    }
  }
  ledger.finishedAt = now().toISOString();
  logger.info(ledgerHeadline(ledger));
  return ledger;
}

/** Inspects every release; one that cannot be inspected (e.g. its chart does not render) is marked failed. */
async function inspectAll(
  ctx: ReleaseContext,
  releases: readonly PlannedRelease[],
  listed: Map<string, ReleaseSummary>,
  entryOf: Map<string, LedgerRelease>,
  concurrency: number,
): Promise<void> {
  await mapLimit(releases, concurrency, async (r) => {
    const entry = entryOf.get(r.release) as LedgerRelease;
    try {
      await inspectRelease(ctx, r, entry, listed.get(r.release));
    } catch (e) {
      if (!isUserError(e)) throw e;
      entry.outcome = 'failed';
      entry.error = describeError(e);
      ctx.logger.error(`${r.release}: ${entry.error}`);
    }
  });
  const failed = [...entryOf.values()].filter((e) => e.outcome === 'failed');
  const changing = [...entryOf.values()].filter((e) => e.action === 'install' || e.action === 'upgrade');
  if (failed.length > 0) {
    ctx.logger.error(`${failed.length} release(s) could not be inspected; nothing was changed`);
  } else {
    ctx.logger.info(
      changing.length === 0
        ? 'every release matches its deployed revision: nothing to do'
        : `to install or upgrade: ${changing.map((e) => e.release).join(', ')}; ${entryOf.size - changing.length} unchanged`,
    );
  }
}

/**
 * The waves, each in its own log group; a failed release stops the rollout (see runInWaves), and so does
 * `afterWave` saying 'stop' (or throwing). The releases not started say why in the ledger.
 */
async function deployWaves(
  ctx: ReleaseContext,
  waveNames: readonly string[][],
  releases: readonly PlannedRelease[],
  entryOf: Map<string, LedgerRelease>,
  options: { concurrency: number; afterWave: AfterWave | undefined },
  ledger: Ledger,
): Promise<void> {
  const waves = waveNames.map((names) => releases.filter((r) => names.includes(r.component)));
  const { afterWave } = options;
  let hookError: string | undefined;
  const result = await runInWaves(
    waves,
    {
      concurrency: options.concurrency,
      ...(afterWave && {
        afterWave: async (index: number) => {
          // In plan order, not the order the releases finished.
          const changed = ledger.releases.filter((e) => e.wave === index && e.changed);
          if (changed.length === 0) return false;
          try {
            return (await afterWave({ index, releases: changed }, ledger)) === 'stop';
          } catch (e) {
            // The ledger keeps the message; the stack of an unexpected error goes to the debug log.
            hookError = isUserError(e) || !(e instanceof Error) ? describeError(e) : e.message;
            ctx.logger.debug(describeError(e));
            return true;
          }
        },
      }),
    },
    (r) => deployRelease(ctx, r, entryOf.get(r.release) as LedgerRelease),
    (entry) => entry.outcome === 'failed',
    (wave, items, run) =>
      ctx.logger.group(`wave ${wave}/${waves.length}: ${items.map((r) => r.component).join(', ')}`, run),
  );
  const skipped = result.notStarted.map((r) => r.release);
  const notStarted = skipped.length ? `; not started: ${skipped.join(', ')}` : '';
  let why: string | undefined;
  if (result.failedWave !== undefined) {
    why = `wave ${result.failedWave} failed`;
    ctx.logger.error(`${why}, so the rollout stopped${notStarted}`);
  } else if (result.stoppedAfterWave !== undefined) {
    const wave = result.stoppedAfterWave;
    why = hookError
      ? `the check after wave ${wave} could not run: ${hookError}`
      : `the verification of wave ${wave} did not pass`;
    ledger.stoppedAfterWave = wave;
    ledger.error = `${why}, so the rollout stopped${notStarted}`;
    ctx.logger.error(ledger.error);
  }
  if (why === undefined) return;
  ledger.outcome = 'failed';
  for (const r of result.notStarted) (entryOf.get(r.release) as LedgerRelease).notStartedReason = why;
}

function initialEntry(r: PlannedRelease): LedgerRelease {
  return {
    component: r.component,
    release: r.release,
    namespace: r.namespace,
    wave: r.wave,
    previousRevision: null,
    revision: null,
    chartVersion: chartVersionOf(r.chart),
    images: [r.image],
    valuesDigest: valuesDigest(r.values),
    changed: false,
    outcome: 'not-started',
  };
}

const chartVersions = new Map<string, string>();
/** The version in a chart directory's Chart.yaml ('' for a packaged or remote chart until helm reports it). */
function chartVersionOf(chart: string): string {
  let version = chartVersions.get(chart);
  if (version === undefined) {
    try {
      const meta = parse(readFileSync(join(chart, 'Chart.yaml'), 'utf8')) as { version?: unknown };
      version = typeof meta?.version === 'string' ? meta.version : '';
    } catch {
      version = '';
    }
    chartVersions.set(chart, version);
  }
  return version;
}

async function listReleases(helm: Helm, namespace: string): Promise<Map<string, ReleaseSummary>> {
  return new Map((await helm.list({ namespace })).map((r) => [r.name, r]));
}

/**
 * Releases left pending by a killed helm are repaired (rolled back, or uninstalled if never deployed)
 * when planRepair judges them abandoned; one another helm may still be working on stops the deploy
 * before anything changed. Returns whether anything was repaired.
 */
async function repairPending(
  ctx: ReleaseContext,
  releases: readonly PlannedRelease[],
  listed: Map<string, ReleaseSummary>,
  lock: HeldLock | undefined,
  options: DeployOptions,
  entryOf: Map<string, LedgerRelease>,
): Promise<boolean> {
  const pending = releases.filter((r) => {
    const status = listed.get(r.release)?.status;
    return status !== undefined && isPending(status);
  });
  if (pending.length === 0) return false;
  const staleAfterMs = options.staleAfterMs ?? (ctx.timeoutSeconds + 120) * 1000;
  for (const r of pending) {
    const summary = listed.get(r.release) as ReleaseSummary;
    if (options.dryRun) {
      ctx.logger.warn(
        `${r.release} is ${summary.status} (revision ${summary.revision}); a deploy would repair it first`,
      );
      continue;
    }
    // The lock this run replaced tells planRepair whether the pending revision was our own holder's.
    const previous: DeployLock | undefined = lock?.previous;
    const outcome = await ctx.helm.repairPending({
      release: r.release,
      namespace: r.namespace,
      staleAfterMs,
      ...(previous ? { lock: previous } : {}),
      ...(lock ? { holder: lock.lock.holder } : {}),
      now: ctx.now(),
      wait: true,
      timeoutSeconds: ctx.timeoutSeconds,
    });
    if (outcome.plan.action === 'blocked') {
      throw new UserError(
        `another helm operation is in progress on release ${r.release}: ${outcome.plan.reason}`,
        `wait for it to finish and deploy again; if no helm is running, deploy again after ${outcome.plan.retryAt.toISOString()}, when release-kit repairs the release`,
      );
    }
    if (outcome.repaired) (entryOf.get(r.release) as LedgerRelease).repaired = outcome.plan.reason;
  }
  return true;
}

/** Runs fn over items, at most `limit` at a time; rejects with the first failure once all have settled. */
async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  const errors: unknown[] = [];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      try {
        await fn(item);
      } catch (e) {
        errors.push(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
}

function defaultHolder(): string {
  const user = process.env.USER ?? process.env.USERNAME ?? 'unknown';
  return `cli:${user}@${hostname()}`;
}
