// `release-kit deploy`: helm-upgrades every release of the plan in waves, printing progress on stderr
// and a final table (or, with --json, the ledger) on stdout. With --verify the health gate runs after each
// wave that changed something and stops the rollout at the first wave that does not pass (with
// --auto-rollback rolling back what the run changed so far, then verifying again), and runs once more over
// every release after the last wave. This module wires deploy and gate: neither imports the other.
// Exit 0 success, 1 invalid input or a refusal before any change (deploy lock held, a helm operation in
// progress), 2 a release (or the rollback) failed, 3 verification failed, 4 verification inconclusive.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadReleaseConfig } from '../config/index.js';
import { parseWholeNumber, readImageMapArgument } from '../deploy/inputs.js';
import type { Ledger } from '../deploy/ledger.js';
import { formatTable, reportHeaders, reportRows } from '../deploy/report.js';
import { type DeployOptions, defaultConcurrency, defaultTimeoutSeconds, runDeploy } from '../deploy/run.js';
import { UserError } from '../errors.js';
import {
  captureGateBaseline,
  concludeGate,
  formatVerification,
  formatWaveVerifications,
  type GateContext,
  type GateResult,
  runGate,
  verifyWave,
  type WaveVerification,
} from '../gate/index.js';
import { planRelease } from '../plan/index.js';
import type { RollbackHelm } from '../rollback/index.js';
import type { Baseline } from '../verify/index.js';
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
    .option(
      '--verify',
      'run the health gate after each wave and after the last (error ratios from Prometheus, rollout health); a wave that does not pass stops the deploy',
    )
    .option(
      '--auto-rollback',
      'with --verify: roll back what this run changed so far when a verification calls for it',
    )
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
      const gate = options.verify
        ? {
            ...(await gateContext(options, images ? { images } : {})),
            autoRollback: Boolean(options.autoRollback),
            helmBinary: options.helm ?? 'helm',
          }
        : undefined;
      const deployOptions: DeployOptions = {
        config: options.config,
        ...(options.env ? { environment: options.env } : {}),
        ...(images ? { images } : {}),
        ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
        ...(options.namespace ? { namespace: options.namespace } : {}),
        helm: options.helm ?? 'helm',
        timeoutSeconds,
        concurrency,
        dryRun: Boolean(options.dryRun),
      };
      const { ledger, waves } = gate
        ? await deployVerifyingWaves(deployOptions, gate)
        : { ledger: await runDeploy(deployOptions), waves: [] };
      if (options.ledger) await writeLedger(options.ledger, ledger);
      process.stdout.write(
        options.json
          ? `${JSON.stringify(ledger, null, 2)}\n`
          : `\n${formatTable(reportHeaders, reportRows(ledger))}\n`,
      );
      if (!gate || ledger.dryRun) {
        if (ledger.outcome === 'failed') throw new CliExit(2);
        return;
      }
      process.stdout.write(`\n${formatWaveVerifications(ledger, waves)}\n`);
      const result = await concludeVerifiedDeploy(ledger, waves, gate);
      if (!result) throw new CliExit(2);
      const stopped = ledger.stoppedAfterWave !== undefined;
      const heading = stopped
        ? `verification of wave ${ledger.stoppedAfterWave}, which stopped the deploy:`
        : 'verification after the last wave:';
      process.stdout.write(`\n${heading}\n${formatVerification(result.verification)}\n`);
      if (result.afterRollback) {
        process.stdout.write(`\nafter the rollback:\n${formatVerification(result.afterRollback)}\n`);
      }
      process.stdout.write(`\n${stopped ? `${ledger.error}\n` : ''}${result.summary}\n`);
      if (result.exitCode !== 0) throw new CliExit(result.exitCode);
    });
};

/** What deploy --verify needs besides the deploy options: where to measure, the baseline, what to do. */
export interface DeployGate {
  context: GateContext;
  baseline?: Baseline;
  autoRollback: boolean;
  helm?: RollbackHelm;
  helmBinary?: string;
}

/**
 * runDeploy with each wave that changed something verified before the next starts; a verification that
 * does not pass (decision other than proceed) stops the rollout. Returns the ledger and every wave's result.
 */
export async function deployVerifyingWaves(
  options: DeployOptions,
  gate: DeployGate,
): Promise<{ ledger: Ledger; waves: WaveVerification[] }> {
  const waves: WaveVerification[] = [];
  const ledger = await runDeploy({
    ...options,
    afterWave: async (wave, sofar) => {
      const result = await verifyWave(gate.context, sofar, wave, gate.baseline);
      waves.push({ wave: wave.index, result });
      return result.decision === 'proceed' ? 'continue' : 'stop';
    },
  });
  return { ledger, waves };
}

/**
 * The gate's end of a deploy with per-wave verification: after the wave that stopped the rollout, what its
 * verification calls for (with autoRollback, the rollback of every release this run changed, then a
 * verification again); after a complete rollout, the verification over every release. Undefined when the
 * deploy failed on its own (a release, or the check after a wave could not run): that is deploy's exit 2.
 */
export async function concludeVerifiedDeploy(
  ledger: Ledger,
  waves: readonly WaveVerification[],
  gate: DeployGate,
): Promise<GateResult | undefined> {
  const { context, ...rest } = gate;
  const input = { ...context, ...rest, ledger };
  if (ledger.outcome === 'success') return runGate(input);
  const last = waves.at(-1);
  if (ledger.stoppedAfterWave === undefined || last?.wave !== ledger.stoppedAfterWave) return undefined;
  return concludeGate(input, last.result);
}

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
