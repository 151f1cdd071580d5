// `release-kit rollback`: return what one deploy run changed (--ledger), or named components (--components,
// optionally --to-revision), to their earlier revisions; then verify unless --skip-verify.
import { type Command, InvalidArgumentError } from 'commander';
import { loadReleaseConfig } from '../config/index.js';
import { formatVerification, readLedger, runRollback } from '../gate/index.js';
import { formatRollbackReport, parseRevision } from '../rollback/index.js';
import { CliExit, type CommandRegistrar } from './exit.js';

interface RollbackCliOptions {
  config: string;
  env?: string;
  ledger?: string;
  components?: string[];
  toRevision?: number;
  reason?: string;
  skipVerify?: boolean;
  prometheusUrl?: string;
  kubeconfig?: string;
  helm: string;
  json?: boolean;
}

const revision = (text: string): number => {
  try {
    return parseRevision(text, '--to-revision');
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};
const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export const registerRollback: CommandRegistrar = (program: Command) => {
  program
    .command('rollback')
    .description(
      'Roll back releases in reverse wave order, rollback.settings.batch_size at a time, pause_time apart, each with helm rollback --wait.',
    )
    .option('-c, --config <file>', 'release configuration file', 'release.yaml')
    .option('-e, --env <name>', 'environment (an entry of environments) to merge over the base')
    .option('--ledger <file>', 'roll back the releases one deploy run changed (the ledger it wrote)')
    .option('--components <a,b>', 'roll back these components instead', list)
    .option(
      '--to-revision <n>',
      'target revision (one component only; default: its previous deployed revision)',
      revision,
    )
    .option('--reason <text>', 'why; kept in the report')
    .option('--skip-verify', 'do not verify after the rollback')
    .option('--prometheus-url <url>', 'Prometheus base URL (default: monitoring.prometheus.url)')
    .option('--kubeconfig <file>', 'kubeconfig of the cluster (default: KUBECONFIG, then ~/.kube/config)')
    .option('--helm <path>', 'helm binary', 'helm')
    .option('--json', 'print the rollback report (and verification) as JSON on stdout')
    .addHelpText(
      'after',
      '\nExit codes: 0 rolled back (and verified), 1 refused before any change (invalid input), 2 the rollback failed (the state of every release is printed), 3 verification after it failed, 4 it was inconclusive.',
    )
    .action(async (options: RollbackCliOptions) => {
      const config = await loadReleaseConfig(options.config, { environment: options.env });
      const ledger = options.ledger ? await readLedger(options.ledger) : undefined;
      const result = await runRollback({
        config,
        ledger,
        components: options.components,
        toRevision: options.toRevision,
        reason: options.reason ?? (ledger ? undefined : 'manual rollback from the release-kit CLI'),
        skipVerify: Boolean(options.skipVerify),
        prometheusUrl: options.prometheusUrl,
        kubeconfig: options.kubeconfig,
        helmBinary: options.helm,
      });
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } else {
        process.stdout.write(`${formatRollbackReport(result.rollback)}\n`);
        if (result.verification) process.stdout.write(`${formatVerification(result.verification)}\n`);
      }
      if (result.exitCode !== 0) throw new CliExit(result.exitCode);
    });
};
