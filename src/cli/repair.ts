// `release-kit repair`: after a cancelled or failed deploy run, rolls back (or uninstalls) the releases
// that run's killed helm left pending and releases its deploy lock; under another holder's lock it
// changes nothing. Progress goes to stderr, the report (or, with --json, the result) to stdout.
// Exit 0 repaired or nothing to do, 1 invalid input, 2 a repair failed.
import type { Command } from 'commander';
import { parseWholeNumber } from '../deploy/inputs.js';
import { formatRepairReport, runRepair } from '../deploy/repair.js';
import { defaultTimeoutSeconds } from '../deploy/run.js';
import { CliExit, type CommandRegistrar } from './exit.js';

interface RepairCliOptions {
  config: string;
  env?: string;
  kubeconfig?: string;
  namespace?: string;
  helm: string;
  holder: string;
  timeout: string;
  json?: boolean;
}

export const registerRepair: CommandRegistrar = (program: Command) => {
  program
    .command('repair')
    .description(
      "Repair what a cancelled or failed deploy left: roll back (or uninstall, if never deployed) the releases its killed helm left pending, then release its deploy lock. Only under that run's own lock; otherwise nothing is changed.",
    )
    .option('-c, --config <file>', 'release configuration file', 'release.yaml')
    .option('-e, --env <name>', 'environment (an entry of environments) to merge over the base')
    .option('--kubeconfig <file>', 'kubeconfig of the cluster (default: KUBECONFIG, then ~/.kube/config)')
    .option('-n, --namespace <name>', "namespace of the releases (default: the config's namespace)")
    .option('--helm <path>', 'helm 3 or 4 executable', 'helm')
    .requiredOption(
      '--holder <id>',
      'the deploy lock holder of the run to repair after, e.g. github:owner/repo/runs/123',
    )
    .option(
      '--timeout <seconds>',
      'helm --timeout of each rollback or uninstall',
      String(defaultTimeoutSeconds),
    )
    .option('--json', 'print the result as JSON on stdout instead of the report')
    .addHelpText(
      'after',
      '\nExit codes: 0 repaired or nothing to repair, 1 invalid input, 2 a repair failed.',
    )
    .action(async (options: RepairCliOptions) => {
      const timeoutSeconds = parseWholeNumber(options.timeout, '--timeout', 1, 86_400);
      const result = await runRepair({
        config: options.config,
        ...(options.env ? { environment: options.env } : {}),
        ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
        ...(options.namespace ? { namespace: options.namespace } : {}),
        helm: options.helm,
        holder: options.holder,
        timeoutSeconds,
      });
      process.stdout.write(
        options.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatRepairReport(result)}\n`,
      );
      if (result.outcome === 'failed') throw new CliExit(2);
    });
};
