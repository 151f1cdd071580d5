// One release, two steps: inspect (what is deployed, and would this run change it?) and deploy (helm
// upgrade --install --wait, stopped early when a new pod cannot start). Both fill in its ledger entry.
import { describeError } from '../errors.js';
import { type Helm, HelmCancelledError, type ReleaseSummary } from '../helm/index.js';
import type { KubeClient } from '../kube/client.js';
import { describePodFailure, type PodFailure, watchPodFailures } from '../kube/pods.js';
import type { Logger } from '../log.js';
import type { PlannedRelease } from '../plan/index.js';
import { detectChange } from './changes.js';
import type { LedgerRelease } from './ledger.js';
import { formatDuration } from './report.js';

export interface ReleaseContext {
  helm: Helm;
  kube: KubeClient;
  logger: Logger;
  timeoutSeconds: number;
  runId: string;
  now: () => Date;
}

export interface Inspection {
  release: PlannedRelease;
  entry: LedgerRelease;
}

/** Decides install, upgrade or skip; the template renders for every release, so a chart error shows before any change. */
export async function inspectRelease(
  ctx: ReleaseContext,
  release: PlannedRelease,
  entry: LedgerRelease,
  summary: ReleaseSummary | undefined,
): Promise<void> {
  const ref = { release: release.release, namespace: release.namespace };
  const rendering = ctx.helm.template({ ...ref, chart: release.chart, values: release.values });
  if (!summary || summary.status === 'uninstalled') {
    await rendering;
    entry.action = 'install';
    entry.reasons = [summary ? `revision ${summary.revision} was uninstalled` : 'new release'];
    return;
  }
  if (summary.status !== 'deployed') {
    // The last revision failed (or was superseded without a deployed one after it): upgrade from the
    // last revision that did deploy, which is also where a rollback would go.
    const [history] = await Promise.all([ctx.helm.history(ref), rendering]);
    entry.previousRevision =
      history.findLast((r) => r.status === 'deployed' || r.status === 'superseded')?.revision ?? null;
    entry.action = 'upgrade';
    entry.reasons = [`the last revision ${summary.revision} is ${summary.status}`];
    return;
  }
  entry.previousRevision = summary.revision;
  const [planned, values, objects] = await Promise.all([
    rendering,
    ctx.helm.getValues(ref),
    ctx.helm.getManifest(ref),
  ]);
  const verdict = detectChange({ values: release.values, objects: planned.objects }, { values, objects });
  if (verdict.changed) {
    entry.action = 'upgrade';
    entry.reasons = verdict.reasons;
  } else {
    entry.action = 'skip';
    entry.revision = summary.revision;
  }
}

/** Applies the inspected decision. Never throws: a failure is recorded in the entry (outcome failed). */
export async function deployRelease(
  ctx: ReleaseContext,
  release: PlannedRelease,
  entry: LedgerRelease,
): Promise<LedgerRelease> {
  const started = ctx.now();
  entry.startedAt = started.toISOString();
  const finish = () => {
    const end = ctx.now();
    entry.finishedAt = end.toISOString();
    entry.durationMs = end.getTime() - started.getTime();
  };
  if (entry.action === 'skip') {
    entry.outcome = 'unchanged';
    finish();
    ctx.logger.info(`  ${release.release}: unchanged, revision ${entry.revision} kept`);
    return entry;
  }
  const verb = entry.action === 'install' ? 'installing' : 'upgrading';
  ctx.logger.info(`  ${release.release}: ${verb} (${(entry.reasons ?? []).join('; ')})`);

  const abort = new AbortController();
  let podFailure: PodFailure | undefined;
  const watch = await watchPodFailures(ctx.kube, {
    namespace: release.namespace,
    labelSelector: `app.kubernetes.io/instance=${release.release}`,
    onFailure: (f) => {
      podFailure = f;
      ctx.logger.warn(
        `${release.release}: ${describePodFailure(f)}; stopping helm instead of waiting for its timeout`,
      );
      abort.abort();
    },
  });
  try {
    const state = await ctx.helm.upgradeInstall(
      {
        release: release.release,
        namespace: release.namespace,
        chart: release.chart,
        values: release.values,
        wait: true,
        timeoutSeconds: ctx.timeoutSeconds,
        description: `release-kit ${ctx.runId}: values ${entry.valuesDigest}`,
      },
      { signal: abort.signal },
    );
    entry.outcome = 'deployed';
    entry.revision = state.revision;
    entry.changed = true;
    if (state.chart) entry.chartVersion = state.chart.version;
    finish();
    ctx.logger.info(
      `  ${release.release}: revision ${state.revision} ready in ${formatDuration(entry.durationMs)}`,
    );
  } catch (e) {
    entry.outcome = 'failed';
    entry.error =
      e instanceof HelmCancelledError && podFailure
        ? `${describePodFailure(podFailure)}: the new pods cannot become ready`
        : describeError(e);
    finish();
    await recordFailedRevision(ctx, entry);
    ctx.logger.error(`${release.release}: failed after ${formatDuration(entry.durationMs)}: ${entry.error}`);
  } finally {
    watch.stop();
  }
  return entry;
}

/** After a failed upgrade: the revision helm created for it (failed, or pending if helm was killed), if any. */
async function recordFailedRevision(ctx: ReleaseContext, entry: LedgerRelease): Promise<void> {
  try {
    const last = (await ctx.helm.history({ release: entry.release, namespace: entry.namespace })).at(-1);
    if (last && last.revision !== entry.previousRevision) {
      entry.revision = last.revision;
      entry.changed = true;
      if (last.status !== 'failed') entry.error += ` (revision ${last.revision} is ${last.status})`;
    }
  } catch {
    // No history: the install failed before helm stored a revision.
  }
}
