// `release-kit deploy`: helm-upgrades every release of the plan in waves, printing progress on stderr
// and a final table (or, with --json, the ledger) on stdout. With --verify the health gate runs after it
// (and with --auto-rollback rolls back what the run changed when the gate says so).
// Exit 0 success, 1 invalid input or a refusal before any change (deploy lock held, a helm operation in
// progress), 2 a release (or the rollback) failed, 3 verification failed, 4 verification inconclusive.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadReleaseConfig } from '../config/index.js';
import { parseWholeNumber, readImageMapArgument } from '../deploy/inputs.js';
import type { Ledger } from '../deploy/ledger.js';
import { formatTable, reportHeaders, reportRows } from '../deploy/report.js';
import { defaultConcurrency, defaultTimeoutSeconds, runDeploy } from '../deploy/run.js';
import { UserError } from '../errors.js';
import { captureGateBaseline, formatVerification, type GateContext, runGate } from '../gate/index.js';
import { planRelease } from '../plan/index.js';
import { CliExit, type CommandRegistrar } from './exit.js';

interface DeployCliOptions {
  config: string;
  env?: string;
  images?: string;
  kubeconfig?: string;
  namespace?: string;
  helm?: string;
  timeout: string;
  concurrency: string;
  dryRun?: boolean;
  json?: boolean;
  ledger?: string;
  verify?: boolean;
  autoRollback?: boolean;
  prometheusUrl?: string;
}

export const registerDeploy: CommandRegistrar = (program: Command) => {
  program
    .command('deploy')
    .description(
      'Deploy every component as its own Helm release, wave by wave (helm upgrade --install --wait); skips unchanged releases, stops at the first failed one, writes a ledger.',
    )
    .option('-c, --config <file>', 'release configuration file', 'release.yaml')
    .option('-e, --env <name>', 'environment (an entry of environments) to merge over the base')
    .option(
      '--images <file>',
      'images map (JSON, as `release-kit build --out` writes it): deploy those digests',
    )
    .option('--kubeconfig <file>', 'kubeconfig of the cluster (default: KUBECONFIG, then ~/.kube/config)')
    .option('-n, --namespace <name>', "namespace to deploy to (default: the config's namespace)")
    .option('--helm <path>', 'helm 3 or 4 executable', 'helm')
    .option('--timeout <seconds>', 'helm --timeout of each release', String(defaultTimeoutSeconds))
    .option('--concurrency <n>', 'releases of one wave deployed at the same time', String(defaultConcurrency))
    .option('--dry-run', 'inspect and show what would change; change nothing')
    .option('--json', 'print the ledger as JSON on stdout instead of the table')
    .option('--ledger <file>', 'also write the ledger (JSON) to this file, for verify and rollback')
    .option('--verify', 'run the health gate after the deploy (error ratios from Prometheus, rollout health)')
    .option('--auto-rollback', 'with --verify: roll back what this run changed when the gate fails')
    .option(
      '--prometheus-url <url>',
      'with --verify: Prometheus base URL (default: monitoring.prometheus.url)',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 success, 1 invalid input or refused before any change, 2 a release or the rollback failed, 3 verification failed, 4 verification inconclusive.',
    )
    .action(async (options: DeployCliOptions) => {
      const timeoutSeconds = parseWholeNumber(options.timeout, '--timeout', 1, 86_400);
      const concurrency = parseWholeNumber(options.concurrency, '--concurrency', 1, 64);
      const images = options.images ? await readImageMapArgument(options.images, '--images') : undefined;
      if (options.autoRollback && !options.verify) {
        throw new UserError(
          '--auto-rollback needs --verify',
          'add --verify, or roll back later with `release-kit rollback`',
        );
      }
      // The gate measures a baseline before anything changes, so it needs the config up front.
      const gate = options.verify ? await gateContext(options, images ? { images } : {}) : undefined;
      const ledger = await runDeploy({
        config: options.config,
        ...(options.env ? { environment: options.env } : {}),
        ...(images ? { images } : {}),
        ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
        ...(options.namespace ? { namespace: options.namespace } : {}),
        helm: options.helm ?? 'helm',
        timeoutSeconds,
        concurrency,
        dryRun: Boolean(options.dryRun),
      });
      if (options.ledger) await writeLedger(options.ledger, ledger);
      process.stdout.write(
        options.json
          ? `${JSON.stringify(ledger, null, 2)}\n`
          : `\n${formatTable(reportHeaders, reportRows(ledger))}\n`,
      );
      if (ledger.outcome === 'failed') throw new CliExit(2);
      if (!gate || ledger.dryRun) return;
      const result = await runGate({
        ...gate.context,
        ledger,
        baseline: gate.baseline,
        autoRollback: Boolean(options.autoRollback),
        helmBinary: options.helm ?? 'helm',
      });
      process.stdout.write(`\n${formatVerification(result.verification)}\n`);
      if (result.afterRollback) {
        process.stdout.write(`\nafter the rollback:\n${formatVerification(result.afterRollback)}\n`);
      }
      process.stdout.write(`\n${result.summary}\n`);
      if (result.exitCode !== 0) throw new CliExit(result.exitCode);
    });
};

/** The gate's context and the baseline taken before the deploy changes anything. */
async function gateContext(options: DeployCliOptions, planOptions: Parameters<typeof planRelease>[1]) {
  const config = await loadReleaseConfig(options.config, { environment: options.env });
  const context: GateContext = {
    config,
    ...(options.prometheusUrl ? { prometheusUrl: options.prometheusUrl } : {}),
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.namespace ? { namespace: options.namespace } : {}),
  };
  const releases = planRelease(config, planOptions).releases.map((r) => r.release);
  return { context, baseline: await captureGateBaseline(context, releases) };
}

async function writeLedger(file: string, ledger: Ledger): Promise<void> {
  try {
    await writeFile(file, `${JSON.stringify(ledger, null, 2)}\n`);
  } catch (e) {
    throw new UserError(
      `cannot write the ledger to ${file}: ${(e as Error).message}`,
      'give --ledger a path in a writable directory',
    );
  }
}
