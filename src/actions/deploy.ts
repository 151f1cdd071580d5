// Action entry: deploy. Inputs -> typed settings (fail fast) -> the kubeconfig secret into a private
// file -> with prometheus-url, the pre-deploy baseline (as `release-kit deploy --verify` measures it) ->
// runDeploy (the step `release-kit deploy` runs) -> outputs, a job summary and, with a token, a GitHub
// Deployment whose statuses follow the run (in_progress, then success or failure).
import * as core from '@actions/core';
import type { ImageMap } from '../build/image-map.js';
import { loadReleaseConfig } from '../config/index.js';
import { checkNamespace, parseWholeNumber, readImageMapArgument } from '../deploy/inputs.js';
import type { Ledger } from '../deploy/ledger.js';
import {
  changedReleases,
  ledgerHeadline,
  reportHeaders,
  reportRows,
  revisionsByRelease,
} from '../deploy/report.js';
import { defaultConcurrency, defaultTimeoutSeconds, runDeploy } from '../deploy/run.js';
import { describeError, isUserError, UserError } from '../errors.js';
import { captureGateBaseline } from '../gate/index.js';
import { GitHubDeployment } from '../github/deployments.js';
import { getBooleanInput, getOptionalInput } from '../github/inputs.js';
import { readKubeconfigInput, writeKubeconfigFile } from '../github/kubeconfig.js';
import { runAction } from '../github/run.js';
import { escapeHtml, summaryTable, writeSummary } from '../github/summary.js';
import { log } from '../log.js';
import { planRelease } from '../plan/index.js';
import { prometheusChecks } from '../verify/index.js';
import { type BaselineReport, baselineFailed, baselineReport } from './shared/baseline-report.js';
import { checkPrometheusUrlInput } from './shared/inputs.js';

export interface DeploySettings {
  config: string;
  environment?: string;
  images?: ImageMap;
  /** The kubeconfig's content (a secret), not a path. */
  kubeconfig?: string;
  namespace?: string;
  helmPath: string;
  dryRun: boolean;
  timeoutSeconds: number;
  concurrency: number;
  token?: string;
  /** Set: measure the baseline in Prometheus before deploying, for verify to compare against. */
  prometheusUrl?: string;
}

export async function readDeploySettings(): Promise<DeploySettings> {
  // Masked before anything else can print it.
  const kubeconfig = readKubeconfigInput();
  const token = getOptionalInput('token');
  if (token) core.setSecret(token);
  const namespace = getOptionalInput('namespace');
  if (namespace) checkNamespace(namespace, "the input 'namespace'");
  const images = getOptionalInput('images');
  const timeout = getOptionalInput('timeout');
  const concurrency = getOptionalInput('concurrency');
  const prometheusUrl = getOptionalInput('prometheus-url');
  return {
    config: getOptionalInput('config') ?? 'release.yaml',
    ...optional('environment', getOptionalInput('environment')),
    ...optional('images', images ? await readImageMapArgument(images, "the input 'images'") : undefined),
    ...optional('kubeconfig', kubeconfig),
    ...optional('namespace', namespace),
    helmPath: getOptionalInput('helm-path') ?? 'helm',
    dryRun: getBooleanInput('dry-run', false),
    timeoutSeconds: timeout
      ? parseWholeNumber(timeout, "the input 'timeout'", 1, 86_400)
      : defaultTimeoutSeconds,
    concurrency: concurrency
      ? parseWholeNumber(concurrency, "the input 'concurrency'", 1, 64)
      : defaultConcurrency,
    ...optional('token', token),
    ...optional('prometheusUrl', prometheusUrl ? checkPrometheusUrlInput(prometheusUrl) : undefined),
  };
}

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

async function deploy(): Promise<void> {
  const settings = await readDeploySettings();
  const kubeconfig = settings.kubeconfig ? await writeKubeconfigFile(settings.kubeconfig) : undefined;
  let deployment: GitHubDeployment | undefined;
  let finalStatus = false;
  try {
    // Before any helm call; a dry run changes nothing, so there is nothing to compare against later.
    const baseline =
      settings.prometheusUrl && !settings.dryRun
        ? await measureBaseline(settings, settings.prometheusUrl, kubeconfig?.path)
        : undefined;
    if (baseline) reportBaseline(baseline);
    if (settings.token && !settings.dryRun) {
      const environment = settings.environment ?? settings.namespace ?? 'default';
      deployment = await GitHubDeployment.create(
        settings.token,
        environment,
        `release-kit deploy of ${settings.config}`,
      );
      await deployment.status('in_progress', 'deploying in waves');
    }
    const runId = process.env.GITHUB_RUN_ID
      ? `${process.env.GITHUB_RUN_ID}-${process.env.GITHUB_RUN_ATTEMPT ?? '1'}`
      : undefined;
    const ledger = await runDeploy({
      config: settings.config,
      ...optional('environment', settings.environment),
      ...optional('images', settings.images),
      ...optional('kubeconfig', kubeconfig?.path),
      ...optional('namespace', settings.namespace),
      helm: settings.helmPath,
      timeoutSeconds: settings.timeoutSeconds,
      concurrency: settings.concurrency,
      dryRun: settings.dryRun,
      holder: `github:${process.env.GITHUB_REPOSITORY ?? 'local'}/runs/${process.env.GITHUB_RUN_ID ?? process.pid}`,
      ...optional('runId', runId),
    });
    core.setOutput('ledger', JSON.stringify(ledger));
    core.setOutput('changed-releases', JSON.stringify(changedReleases(ledger)));
    core.setOutput('revisions', JSON.stringify(revisionsByRelease(ledger)));
    await summarize(ledger, baseline);
    const headline = ledgerHeadline(ledger);
    await deployment?.status(ledger.outcome === 'success' ? 'success' : 'failure', headline);
    finalStatus = true;
    if (ledger.outcome === 'failed') {
      for (const r of ledger.releases.filter((e) => e.outcome === 'failed')) {
        core.error(`${r.release}: ${r.error ?? 'failed'}`, { title: `deploy of ${r.release} failed` });
      }
      throw new UserError(
        headline,
        'the job summary tables every release; the ledger output has the details',
      );
    }
  } catch (e) {
    if (deployment && !finalStatus) {
      await deployment
        .status('failure', describeError(e))
        .catch((s) => core.warning(`could not set the deployment status: ${describeError(s)}`));
    }
    throw e;
  } finally {
    await kubeconfig?.remove();
  }
}

/**
 * The baseline of every release of the plan (the CLI's choice too: which of them change is only known once
 * deploying). Only a failure to measure is tolerated: an unreachable or broken Prometheus yields a baseline
 * without values, a cluster that cannot be listed a UserError; either way the deploy goes ahead, with a warning.
 * A config that cannot be loaded or planned fails the step, as the deploy would.
 */
async function measureBaseline(
  settings: DeploySettings,
  prometheusUrl: string,
  kubeconfig: string | undefined,
): Promise<BaselineReport> {
  const config = await loadReleaseConfig(settings.config, { environment: settings.environment });
  const releases = planRelease(config, settings.images ? { images: settings.images } : {}).releases;
  const errorRatios = prometheusChecks(config)
    .filter((c) => c.kind === 'error_ratio')
    .map((c) => c.id);
  try {
    const baseline = await captureGateBaseline(
      {
        config,
        prometheusUrl,
        ...optional('kubeconfig', kubeconfig),
        ...optional('namespace', settings.namespace),
      },
      releases.map((r) => r.release),
    );
    return baselineReport(baseline, errorRatios);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return baselineFailed(describeError(e));
  }
}

function reportBaseline(report: BaselineReport): void {
  core.setOutput('baseline', report.output);
  const details = report.details.length > 0 ? ` ${report.details.join('; ')}` : '';
  if (report.usable) log.info(`${report.headline}${details}`);
  else core.warning(`${report.headline}${details}`, { title: 'no pre-deploy baseline' });
}

function summarize(ledger: Ledger, baseline: BaselineReport | undefined): Promise<void> {
  return writeSummary((s) => {
    s.addHeading(ledgerHeadline(ledger), 2)
      .addTable(summaryTable(reportHeaders, reportRows(ledger)))
      .addRaw(
        `Run ${ledger.runId}, helm ${ledger.helmVersion ?? 'unknown'}${ledger.environment ? `, environment ${ledger.environment}` : ''}.`,
        true,
      );
    if (baseline) {
      s.addHeading('Baseline', 3).addRaw(escapeHtml(baseline.headline), true);
      if (baseline.details.length > 0) s.addList(baseline.details.map(escapeHtml));
    }
    return s;
  });
}

await runAction(deploy);
