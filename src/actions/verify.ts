// Action entry: the post-deploy health gate. Inputs -> the same step `release-kit verify` runs (or, with
// auto-rollback, the whole gate: verify, roll back the ledger's changed releases, verify again) -> outputs and a
// job summary with every measurement and the error ratio over time. With the deploy action's `baseline`, an
// error ratio that rose above its pre-deploy value by more than the allowed increase fails too.
import * as core from '@actions/core';
import { loadReleaseConfig, type ReleaseConfig } from '../config/index.js';
import type { Ledger } from '../deploy/ledger.js';
import { UserError } from '../errors.js';
import { readLedger, rollbackMarkdown, runGate, runVerify, verificationMarkdown } from '../gate/index.js';
import { getBooleanInput, getOptionalInput } from '../github/inputs.js';
import { type KubeconfigFile, readKubeconfigInput, writeKubeconfigFile } from '../github/kubeconfig.js';
import { runAction } from '../github/run.js';
import { writeSummary } from '../github/summary.js';
import { log } from '../log.js';
import { rolledBackReleases } from '../rollback/index.js';
import type { Baseline, VerificationResult } from '../verify/index.js';
import { checkPrometheusUrlInput, parseBaselineInput } from './shared/inputs.js';

export interface VerifySettings {
  config: string;
  environment?: string;
  ledger?: string;
  prometheusUrl?: string;
  kubeconfig?: string;
  autoRollback: boolean;
  helmPath: string;
  /** Measured by the deploy action before it changed anything; absent: absolute thresholds only. */
  baseline?: Baseline;
}

export function readVerifySettings(): VerifySettings {
  const kubeconfig = readKubeconfigInput();
  const prometheusUrl = getOptionalInput('prometheus-url');
  const baseline = getOptionalInput('baseline');
  const settings: VerifySettings = {
    config: getOptionalInput('config') ?? 'release.yaml',
    environment: getOptionalInput('environment'),
    ledger: getOptionalInput('ledger'),
    prometheusUrl: prometheusUrl ? checkPrometheusUrlInput(prometheusUrl) : undefined,
    kubeconfig,
    autoRollback: getBooleanInput('auto-rollback', false),
    helmPath: getOptionalInput('helm-path') ?? 'helm',
    baseline: baseline ? parseBaselineInput(baseline) : undefined,
  };
  if (settings.autoRollback && !settings.ledger) {
    throw new UserError(
      "the input 'auto-rollback' needs the input 'ledger'",
      'pass the ledger file the deploy step wrote: only what that run changed is rolled back',
    );
  }
  return settings;
}

/** Non-passing checks first, as "check: reason" lines. */
export const reasonsOf = (result: VerificationResult): string[] =>
  [...result.checks]
    .sort((a, b) => Number(a.verdict === 'pass') - Number(b.verdict === 'pass'))
    .map((c) => `${c.check.id}: ${c.verdict}: ${c.reason}`);

async function verify(): Promise<void> {
  const settings = readVerifySettings();
  const config: ReleaseConfig = await loadReleaseConfig(settings.config, {
    environment: settings.environment,
  });
  const ledger: Ledger | undefined = settings.ledger ? await readLedger(settings.ledger) : undefined;
  let file: KubeconfigFile | undefined;
  try {
    if (settings.kubeconfig) file = await writeKubeconfigFile(settings.kubeconfig);
    const ctx = { config, prometheusUrl: settings.prometheusUrl, kubeconfig: file?.path };
    const threshold = config.rollback.error_rate_threshold;
    const { baseline } = settings;
    if (baseline) {
      const taken = new Date(baseline.takenAt).toISOString();
      log.info(`baseline of ${taken}: ${Object.keys(baseline.values).join(', ') || 'no values'}`);
    } else log.info('no baseline given: the error ratios are judged against the absolute thresholds only');
    if (settings.autoRollback && ledger) {
      const gate = await runGate({
        ...ctx,
        ledger,
        baseline,
        autoRollback: true,
        helmBinary: settings.helmPath,
      });
      core.setOutput('verdict', gate.verification.verdict);
      core.setOutput('decision', gate.verification.decision);
      core.setOutput('outcome', gate.outcome);
      core.setOutput('reasons', JSON.stringify(reasonsOf(gate.verification)));
      core.setOutput('rolled-back', JSON.stringify(rolledBackReleases(gate.rollback)));
      await writeSummary((s) => {
        s.addHeading(`Health gate: ${gate.outcome}`, 2).addRaw(gate.summary, true);
        s.addRaw(
          `\n${verificationMarkdown('Verification after the deploy', gate.verification, threshold)}\n`,
          true,
        );
        if (gate.rollback) s.addRaw(`\n${rollbackMarkdown(gate.rollback)}\n`, true);
        if (gate.afterRollback) {
          s.addRaw(
            `\n${verificationMarkdown('Verification after the rollback', gate.afterRollback, threshold)}\n`,
            true,
          );
        }
        return s;
      });
      if (gate.exitCode !== 0) core.setFailed(gate.summary);
      return;
    }
    const { result, exitCode } = await runVerify(ctx, ledger, baseline);
    core.setOutput('verdict', result.verdict);
    core.setOutput('decision', result.decision);
    core.setOutput('outcome', result.verdict);
    core.setOutput('reasons', JSON.stringify(reasonsOf(result)));
    core.setOutput('rolled-back', '[]');
    await writeSummary((s) =>
      s
        .addHeading(`Verification: ${result.verdict}`, 2)
        .addRaw(`\n${verificationMarkdown('Verification', result, threshold)}\n`, true),
    );
    if (exitCode !== 0)
      core.setFailed(`verification ${result.verdict} (decision ${result.decision}): ${result.reason}`);
  } finally {
    await file?.remove();
  }
}

await runAction(verify);
