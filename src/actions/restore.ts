// Action entry: restore (usually from a workflow_dispatch). Inputs -> typed settings (secrets masked first) ->
// the kubeconfig into a private 0600 file -> the same flow `release-kit restore` runs -> a job summary with each
// step's outcome and, after a failure, the state of the services and the commands that resume or revert.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import * as core from '@actions/core';
import { parseList, repositoryFromEnvironment } from '../backup/pipeline/index.js';
import { loadReleaseConfig } from '../config/index.js';
import { UserError } from '../errors.js';
import { getBooleanInput, getOptionalInput, getRequiredInput } from '../github/inputs.js';
import { readKubeconfigInput, writeKubeconfigFile } from '../github/kubeconfig.js';
import { runAction } from '../github/run.js';
import { escapeHtml, summaryTable, writeSummary } from '../github/summary.js';
import { createHelm } from '../helm/index.js';
import { createKubeClient } from '../kube/client.js';
import { runSuffix } from '../kube/jobs.js';
import {
  defaultStatePath,
  executeRestore,
  parseSnapshotSpec,
  prepareRestore,
  type RestoreReport,
  type RestoreRequest,
  type StepRecord,
  stepHeaders,
  stepRows,
} from '../restore/index.js';

export interface RestoreSettings {
  config: string;
  environment?: string;
  request: RestoreRequest;
  dryRun: boolean;
  state?: string;
  kubeconfig?: string;
  resticPassword: string;
  resticRepository?: string;
  helmPath: string;
}

const modes = ['restore', 'resume', 'revert'];

export function readRestoreSettings(): RestoreSettings {
  const resticPassword = getRequiredInput('restic-password');
  core.setSecret(resticPassword);
  // Masked before anything else can print it.
  const kubeconfig = readKubeconfigInput();
  const mode = getOptionalInput('mode') ?? 'restore';
  if (!modes.includes(mode)) {
    throw new UserError(
      `the input 'mode' must be one of ${modes.join(', ')}, got '${mode}'`,
      'restore starts one; resume and revert continue a failed one',
    );
  }
  const snapshot = getOptionalInput('snapshot');
  const stores = getOptionalInput('stores');
  if (mode === 'restore' && !snapshot) {
    throw new UserError(
      "the input 'snapshot' is required with mode: restore",
      'give latest, or snapshot ids (comma-separated)',
    );
  }
  if (mode !== 'restore' && (snapshot || stores)) {
    throw new UserError(
      `the inputs 'snapshot' and 'stores' go with mode: restore`,
      `mode ${mode} restores the stores of the failed run`,
    );
  }
  const storeList = parseList(stores);
  const request: RestoreRequest =
    mode === 'resume'
      ? { mode: 'resume' }
      : mode === 'revert'
        ? { mode: 'revert' }
        : {
            mode: 'restore',
            snapshot: snapshot as string,
            ...(storeList?.length ? { stores: storeList } : {}),
          };
  if (request.mode === 'restore') parseSnapshotSpec(request.snapshot);
  const dryRun = getBooleanInput('dry-run', false);
  if (!dryRun && !getBooleanInput('confirm', false)) {
    throw new UserError(
      'a restore stops the app tiers and overwrites the stores: it needs confirm: true',
      'run it once with dry-run: true to see the plan, then with confirm: true',
    );
  }
  const environment = getOptionalInput('environment');
  const state = getOptionalInput('state');
  const resticRepository = getOptionalInput('restic-repository');
  return {
    config: getOptionalInput('config') ?? 'release.yaml',
    ...(environment ? { environment } : {}),
    request,
    dryRun,
    ...(state ? { state } : {}),
    ...(kubeconfig ? { kubeconfig } : {}),
    resticPassword,
    ...(resticRepository ? { resticRepository } : {}),
    helmPath: getOptionalInput('helm-path') ?? 'helm',
  };
}

async function restore(): Promise<void> {
  const s = readRestoreSettings();
  const config = await loadReleaseConfig(s.config, { environment: s.environment });
  const restic = repositoryFromEnvironment(config, {
    ...process.env,
    RESTIC_PASSWORD: s.resticPassword,
    ...(s.resticRepository ? { RESTIC_REPOSITORY: s.resticRepository } : {}),
  });
  const statePath = resolve(s.state ?? defaultStatePath(process.cwd(), config.namespace));
  const planning = {
    config,
    configFile: s.config,
    ...(s.environment ? { environment: s.environment } : {}),
    restic,
    statePath,
  };
  const state = await prepareRestore(planning, s.request);
  if (s.dryRun) {
    const steps = state.steps.filter((step) => step.status !== 'done');
    core.setOutput('plan', JSON.stringify(steps));
    await summarize(`Restore plan for ${config.namespace} (dry run: nothing changed)`, steps);
    return;
  }
  const file = s.kubeconfig ? await writeKubeconfigFile(s.kubeconfig) : undefined;
  let report: RestoreReport;
  try {
    const kubeconfig = file?.path;
    const helm = await createHelm({ binary: s.helmPath, ...(kubeconfig ? { kubeconfig } : {}) });
    report = await executeRestore(
      {
        ...planning,
        kube: createKubeClient(kubeconfig),
        helm,
        suffix: runSuffix(new Date(), randomBytes(2).toString('hex')),
      },
      state,
    );
  } finally {
    await file?.remove();
  }
  core.setOutput('state-file', report.statePath);
  core.setOutput('state', JSON.stringify(report.state));
  core.setOutput('stopped', String(report.stopped));
  await summarize(
    report.ok
      ? `Restore of ${report.state.stores.join(', ')} in ${config.namespace} finished`
      : `Restore of ${config.namespace} FAILED at "${report.failed?.title}"`,
    report.state.steps,
    report,
  );
  if (!report.ok) {
    throw new UserError(
      `step "${report.failed?.title}" failed: ${report.failed?.message}. ${
        report.stopped ? 'Services are STOPPED.' : 'Nothing was stopped or overwritten.'
      }`,
      [
        report.resumeCommand ? `resume: ${report.resumeCommand}` : '',
        report.revertCommand ? `revert: ${report.revertCommand}` : '',
        report.state.finished
          ? ''
          : `keep the state file ${report.statePath} (upload it as an artifact) to resume or revert`,
      ]
        .filter(Boolean)
        .join('; '),
    );
  }
}

function summarize(heading: string, steps: readonly StepRecord[], report?: RestoreReport): Promise<void> {
  return writeSummary((summary) => {
    summary.addHeading(escapeHtml(heading), 2).addTable(summaryTable(stepHeaders, stepRows(steps)));
    if (report && !report.ok) {
      summary.addRaw(
        escapeHtml(
          report.stopped
            ? `Services are STOPPED; replicas remembered: ${Object.entries(report.state.replicas ?? {})
                .map(([n, r]) => `${n}=${r}`)
                .join(', ')}. State: ${report.statePath}.`
            : `Nothing was stopped or overwritten. State: ${report.statePath}.`,
        ),
        true,
      );
      const commands = [report.resumeCommand, report.revertCommand].filter((c): c is string => Boolean(c));
      if (commands.length) summary.addCodeBlock(commands.join('\n'), 'sh');
    }
    return summary;
  });
}

await runAction(restore);
