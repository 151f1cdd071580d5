// Action entry: backup. Inputs -> typed settings (secrets masked first) -> the kubeconfig into a private 0600
// file -> the same pipeline `release-kit backup data|config` runs -> outputs and a job summary with one row per
// store (snapshot, size added, files, duration, verified) and the freshness alert.
import { randomBytes } from 'node:crypto';
import * as core from '@actions/core';
import {
  backupHeaders,
  backupTable,
  type ConfigBackupResult,
  type DataBackupResult,
  parseList,
  repositoryFromEnvironment,
  runConfigBackup,
  runDataBackup,
  selectStores,
} from '../backup/pipeline/index.js';
import { loadReleaseConfig } from '../config/index.js';
import { UserError } from '../errors.js';
import { getOptionalInput, getRequiredInput } from '../github/inputs.js';
import { readKubeconfigInput, writeKubeconfigFile } from '../github/kubeconfig.js';
import { runAction } from '../github/run.js';
import { escapeHtml, summaryTable, writeSummary } from '../github/summary.js';
import { createHelm } from '../helm/index.js';
import { createKubeClient } from '../kube/client.js';
import { runSuffix } from '../kube/jobs.js';

export interface BackupSettings {
  kind: 'data' | 'config';
  config: string;
  environment?: string;
  stores?: string[];
  kubeconfig?: string;
  resticPassword: string;
  resticRepository?: string;
  helmPath: string;
}

export function readBackupSettings(): BackupSettings {
  const resticPassword = getRequiredInput('restic-password');
  core.setSecret(resticPassword);
  // Masked before anything else can print it.
  const kubeconfig = readKubeconfigInput();
  const kind = getRequiredInput('kind');
  if (kind !== 'data' && kind !== 'config') {
    throw new UserError(
      `the input 'kind' must be data or config, got '${kind}'`,
      'write kind: data or kind: config',
    );
  }
  const stores = parseList(getOptionalInput('stores'));
  if (stores?.length && kind === 'config') {
    throw new UserError("the input 'stores' goes with kind: data", 'a config backup covers every release');
  }
  const environment = getOptionalInput('environment');
  const resticRepository = getOptionalInput('restic-repository');
  return {
    kind,
    config: getOptionalInput('config') ?? 'release.yaml',
    ...(environment ? { environment } : {}),
    ...(stores?.length ? { stores } : {}),
    ...(kubeconfig ? { kubeconfig } : {}),
    resticPassword,
    ...(resticRepository ? { resticRepository } : {}),
    helmPath: getOptionalInput('helm-path') ?? 'helm',
  };
}

async function backup(): Promise<void> {
  const s = readBackupSettings();
  const config = await loadReleaseConfig(s.config, { environment: s.environment });
  const stores = s.kind === 'data' ? selectStores(config, s.stores) : [];
  const restic = repositoryFromEnvironment(config, {
    ...process.env,
    RESTIC_PASSWORD: s.resticPassword,
    ...(s.resticRepository ? { RESTIC_REPOSITORY: s.resticRepository } : {}),
  });
  const file = s.kubeconfig ? await writeKubeconfigFile(s.kubeconfig) : undefined;
  try {
    const kubeconfig = file?.path;
    if (s.kind === 'data') {
      const result = await runDataBackup({
        config,
        kube: createKubeClient(kubeconfig),
        restic,
        stores,
        suffix: runSuffix(new Date(), randomBytes(2).toString('hex')),
      });
      await report(result);
    } else {
      const helm = await createHelm({ binary: s.helmPath, ...(kubeconfig ? { kubeconfig } : {}) });
      await reportConfig(await runConfigBackup({ config, configFile: s.config, helm, restic }));
    }
  } finally {
    await file?.remove();
  }
}

async function report(result: DataBackupResult): Promise<void> {
  core.setOutput(
    'snapshots',
    JSON.stringify(Object.fromEntries(result.rows.map((r) => [r.store, r.snapshot ?? null]))),
  );
  core.setOutput('result', JSON.stringify(result));
  const overdue = Object.entries(result.freshness).filter(([, f]) => f.status !== 'fresh');
  for (const [store, f] of overdue)
    core.error(`${store}: the last good backup is overdue: ${f.message}`, { title: 'backup overdue' });
  await writeSummary((summary) =>
    summary
      .addHeading(`Data backup of ${result.environment}: ${result.ok ? 'verified' : 'FAILED'}`, 2)
      .addTable(summaryTable(backupHeaders, backupTable(result.rows)))
      .addRaw(
        `restic check: ${result.check?.ok ? 'no errors' : escapeHtml(result.check?.findings.join('; ') ?? 'not run')}. ` +
          `Retention removed ${result.retention.map((r) => `${r.removed} ${r.kind}`).join(', ')} snapshots.`,
        true,
      )
      .addList(
        Object.entries(result.freshness).map(([store, f]) =>
          escapeHtml(`${store}: ${f.status === 'fresh' ? 'fresh' : `OVERDUE: ${f.message}`}`),
        ),
      ),
  );
  if (!result.ok) {
    throw new UserError(
      `the data backup of ${result.environment} failed: ${result.rows
        .filter((r) => !r.verified)
        .map((r) => `${r.store}: ${r.problems.join('; ') || 'not verified'}`)
        .concat(overdue.map(([store]) => `${store}: overdue`))
        .join('; ')}`,
      "the job summary has one row per store; the backup Jobs' logs are in the cluster (kubectl logs job/<store>-backup-…)",
    );
  }
}

async function reportConfig(result: ConfigBackupResult): Promise<void> {
  core.setOutput('snapshots', JSON.stringify({ config: result.row.snapshot }));
  core.setOutput('result', JSON.stringify(result));
  await writeSummary((summary) =>
    summary
      .addHeading(
        `Configuration backup of ${result.environment}: ${result.row.verified ? 'verified' : 'FAILED'}`,
        2,
      )
      .addTable(summaryTable(backupHeaders, backupTable([result.row])))
      .addRaw(
        escapeHtml(
          `Releases: ${result.releases.join(', ')}.${result.missing.length ? ` Not installed: ${result.missing.join(', ')}.` : ''} Retention removed ${result.removed} snapshots.`,
        ),
        true,
      ),
  );
  if (!result.row.verified) {
    throw new UserError(
      `the configuration snapshot failed verification: ${result.row.problems.join('; ')}`,
      'run `restic check` on the repository',
    );
  }
}

await runAction(backup);
