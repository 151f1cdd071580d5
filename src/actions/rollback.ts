// Action entry: roll back what a deploy run changed (ledger) or named components (optionally to a revision),
// then verify. Every input is checked — component names against the config, the revision against helm
// history — before anything changes; the summary tables each release's state.
import * as core from '@actions/core';
import { loadReleaseConfig } from '../config/index.js';
import { UserError } from '../errors.js';
import { readLedger, rollbackMarkdown, runRollback, verificationMarkdown } from '../gate/index.js';
import { getBooleanInput, getOptionalInput } from '../github/inputs.js';
import { type KubeconfigFile, readKubeconfigInput, writeKubeconfigFile } from '../github/kubeconfig.js';
import { runAction } from '../github/run.js';
import { writeSummary } from '../github/summary.js';
import { parseRevision, rolledBackReleases } from '../rollback/index.js';

export interface RollbackActionSettings {
  config: string;
  environment?: string;
  components: string[];
  revision?: number;
  reason?: string;
  skipVerify: boolean;
  ledger?: string;
  kubeconfig?: string;
  helmPath: string;
  prometheusUrl?: string;
}

/** A list input: one item per line or comma-separated (both YAML block and flow spellings work). */
export const listInput = (text: string | undefined): string[] =>
  (text ?? '')
    .split(/[\n,]/)
    .map((s) => s.trim().replace(/^- /, '').trim())
    .filter(Boolean);

export function readRollbackSettings(): RollbackActionSettings {
  const kubeconfig = readKubeconfigInput();
  const revision = getOptionalInput('revision');
  const settings: RollbackActionSettings = {
    config: getOptionalInput('config') ?? 'release.yaml',
    environment: getOptionalInput('environment'),
    components: listInput(getOptionalInput('components')),
    revision: revision === undefined ? undefined : parseRevision(revision, "the input 'revision'"),
    reason: getOptionalInput('reason'),
    skipVerify: getBooleanInput('skip-verify', false),
    ledger: getOptionalInput('ledger'),
    kubeconfig,
    helmPath: getOptionalInput('helm-path') ?? 'helm',
    prometheusUrl: getOptionalInput('prometheus-url'),
  };
  if (settings.components.length > 0 && !settings.reason) {
    throw new UserError(
      "the input 'reason' is required for a manual rollback",
      'say why the components are rolled back; it is kept in the job summary',
    );
  }
  return settings;
}

async function rollback(): Promise<void> {
  const settings = readRollbackSettings();
  const config = await loadReleaseConfig(settings.config, { environment: settings.environment });
  const ledger = settings.ledger ? await readLedger(settings.ledger) : undefined;
  let file: KubeconfigFile | undefined;
  try {
    if (settings.kubeconfig) file = await writeKubeconfigFile(settings.kubeconfig);
    const result = await runRollback({
      config,
      ledger,
      components: settings.components,
      toRevision: settings.revision,
      reason: settings.reason,
      skipVerify: settings.skipVerify,
      prometheusUrl: settings.prometheusUrl,
      kubeconfig: file?.path,
      helmBinary: settings.helmPath,
    });
    const { rollback: report, verification } = result;
    core.setOutput('outcome', report.outcome);
    core.setOutput('rolled-back', JSON.stringify(rolledBackReleases(report)));
    core.setOutput('verdict', verification?.verdict ?? 'skipped');
    core.setOutput(
      'reasons',
      JSON.stringify([
        ...report.releases.filter((r) => r.error).map((r) => `${r.release}: ${r.error}`),
        ...(verification?.checks ?? [])
          .filter((c) => c.verdict !== 'pass')
          .map((c) => `${c.check.id}: ${c.reason}`),
      ]),
    );
    await writeSummary((s) => {
      s.addHeading(`Rollback: ${report.outcome}`, 2).addRaw(`\n${rollbackMarkdown(report)}\n`, true);
      if (verification) {
        s.addRaw(
          `\n${verificationMarkdown('Verification after the rollback', verification, config.rollback.error_rate_threshold)}\n`,
          true,
        );
      }
      return s;
    });
    if (report.outcome === 'failed') {
      core.setFailed('the rollback failed and stopped; the job summary lists the state of every release');
    } else if (result.exitCode !== 0) {
      core.setFailed(`after the rollback, verification is ${verification?.verdict}: ${verification?.reason}`);
    }
  } finally {
    await file?.remove();
  }
}

await runAction(rollback);
