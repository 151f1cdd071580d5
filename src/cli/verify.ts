// `release-kit verify`: the post-deploy health gate on its own — error ratios (Prometheus) and rollout health
// (cluster) of the releases over the verification window, against the config's thresholds.
import type { Command } from 'commander';
import { loadReleaseConfig } from '../config/index.js';
import { formatVerification, readLedger, runVerify } from '../gate/index.js';
import { log } from '../log.js';
import { CliExit, type CommandRegistrar } from './exit.js';

interface VerifyCliOptions {
  config: string;
  env?: string;
  ledger?: string;
  prometheusUrl?: string;
  kubeconfig?: string;
  json?: boolean;
}

export const registerVerify: CommandRegistrar = (program: Command) => {
  program
    .command('verify')
    .description(
      'Verify the deployed releases: per-tier error ratio (and latency) from Prometheus and rollout health from the cluster, for verification.window.',
    )
    .option('-c, --config <file>', 'release configuration file', 'release.yaml')
    .option('-e, --env <name>', 'environment (an entry of environments) to merge over the base')
    .option(
      '--ledger <file>',
      'verify the releases of one deploy run (the ledger it wrote); default: every release',
    )
    .option('--prometheus-url <url>', 'Prometheus base URL (default: monitoring.prometheus.url)')
    .option('--kubeconfig <file>', 'kubeconfig of the cluster (default: KUBECONFIG, then ~/.kube/config)')
    .option('--json', 'print the whole result (every measurement) as JSON on stdout')
    .addHelpText(
      'after',
      '\nExit codes: 0 pass, 1 invalid input, 2 internal error, 3 fail, 4 inconclusive (no data, too little traffic, Prometheus unreachable).',
    )
    .action(async (options: VerifyCliOptions) => {
      const config = await loadReleaseConfig(options.config, { environment: options.env });
      const ledger = options.ledger ? await readLedger(options.ledger) : undefined;
      const { result, exitCode } = await runVerify(
        { config, prometheusUrl: options.prometheusUrl, kubeconfig: options.kubeconfig },
        ledger,
      );
      if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else process.stdout.write(`${formatVerification(result)}\n`);
      if (result.decision === 'rollback') {
        const what = options.ledger ? `--ledger ${options.ledger}` : '--components <names>';
        log.info(`a rollback is due: run \`release-kit rollback ${what}\``);
      }
      if (exitCode !== 0) throw new CliExit(exitCode);
    });
};
