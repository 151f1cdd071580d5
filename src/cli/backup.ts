// `release-kit backup data|config`: the stores' backup Jobs run now and checked, or a snapshot of the releases'
// configuration. The repository comes from RESTIC_REPOSITORY (else backup.repository.url) and RESTIC_PASSWORD.
// Exit 0 done and verified, 1 invalid input, 2 a backup, its verification or its freshness failed.
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import {
  backupHeaders,
  backupTable,
  parseList,
  repositoryFromEnvironment,
  runConfigBackup,
  runDataBackup,
  selectStores,
} from '../backup/pipeline/index.js';
import { loadReleaseConfig } from '../config/index.js';
import { formatTable } from '../deploy/report.js';
import { createHelm } from '../helm/index.js';
import { createKubeClient } from '../kube/client.js';
import { runSuffix } from '../kube/jobs.js';
import { CliExit, type CommandRegistrar } from './exit.js';

interface BackupCliOptions {
  config: string;
  env?: string;
  kubeconfig?: string;
  helm: string;
  stores?: string;
  json?: boolean;
}

const common = (command: Command): Command =>
  command
    .option('-c, --config <file>', 'release configuration file', 'release.yaml')
    .option('-e, --env <name>', 'environment (an entry of environments) to merge over the base')
    .option('--kubeconfig <file>', 'kubeconfig of the cluster (default: KUBECONFIG, then ~/.kube/config)')
    .option('--json', 'print the result as JSON on stdout instead of the table');

export const registerBackup: CommandRegistrar = (program: Command) => {
  const backup = program
    .command('backup')
    .description(
      'Back up the stores (data) or the releases (config) into the restic repository (RESTIC_REPOSITORY, RESTIC_PASSWORD).',
    );
  common(backup.command('data'))
    .description(
      "Run every store's backup Job now (from its CronJob), collect each snapshot, apply retention, verify, and alert when a store's last good backup is overdue.",
    )
    .option('--stores <names>', 'only these stores, comma-separated (default: every in-cluster store)')
    .action(async (options: BackupCliOptions) => {
      const config = await loadReleaseConfig(options.config, { environment: options.env });
      const stores = selectStores(config, parseList(options.stores));
      const restic = repositoryFromEnvironment(config, process.env);
      const kube = createKubeClient(options.kubeconfig);
      const result = await runDataBackup({
        config,
        kube,
        restic,
        stores,
        suffix: runSuffix(new Date(), randomBytes(2).toString('hex')),
      });
      process.stdout.write(
        options.json
          ? `${JSON.stringify(result, null, 2)}\n`
          : `${formatTable(backupHeaders, backupTable(result.rows))}\n${Object.entries(result.freshness)
              .map(([store, f]) => `${store}: ${f.status === 'fresh' ? 'fresh' : `OVERDUE: ${f.message}`}`)
              .join('\n')}\n`,
      );
      if (!result.ok) throw new CliExit(2);
    });
  common(backup.command('config'))
    .description(
      "Store every release's values, manifest and history and the release configuration as one full snapshot (kind=config), keeping config_backup.retention weeks.",
    )
    .option('--helm <path>', 'helm 3 or 4 executable', 'helm')
    .action(async (options: BackupCliOptions) => {
      const config = await loadReleaseConfig(options.config, { environment: options.env });
      const restic = repositoryFromEnvironment(config, process.env);
      const helm = await createHelm({
        binary: options.helm,
        ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
      });
      const result = await runConfigBackup({ config, configFile: options.config, helm, restic });
      process.stdout.write(
        options.json
          ? `${JSON.stringify(result, null, 2)}\n`
          : `${formatTable(backupHeaders, backupTable([result.row]))}\nreleases: ${result.releases.join(', ')}${
              result.missing.length ? `\nnot installed: ${result.missing.join(', ')}` : ''
            }\n`,
      );
      if (!result.row.verified) throw new CliExit(2);
    });
};
