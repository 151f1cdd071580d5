// `release-kit restore`: the seed's recovery flow, each step printed as it runs and tabled at the end.
//   --snapshot ID[,ID…]|latest [--stores a,b]  start a restore (validate -> safety snapshot -> stop -> restore
//                                              -> verify -> migrate -> test -> start)
//   --resume | --revert                       continue a failed restore, or put the safety snapshot back
//   --dry-run                                 print the plan; change nothing
// Changes need --yes. Exit 0 restored, 1 invalid input, 2 a step failed (the state and the commands to
// resume or revert are printed).
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseList, repositoryFromEnvironment } from '../backup/pipeline/index.js';
import { loadReleaseConfig } from '../config/index.js';
import { UserError } from '../errors.js';
import { createHelm } from '../helm/index.js';
import { createKubeClient } from '../kube/client.js';
import { runSuffix } from '../kube/jobs.js';
import {
  defaultStatePath,
  executeRestore,
  formatPlan,
  formatReport,
  parseSnapshotSpec,
  prepareRestore,
  type RestoreRequest,
} from '../restore/index.js';
import { CliExit, type CommandRegistrar } from './exit.js';

interface RestoreCliOptions {
  config: string;
  env?: string;
  snapshot?: string;
  stores?: string;
  resume?: boolean;
  revert?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  state?: string;
  kubeconfig?: string;
  helm: string;
  json?: boolean;
}

/** Exactly one of --snapshot, --resume, --revert. */
export function restoreRequest(
  o: Pick<RestoreCliOptions, 'snapshot' | 'stores' | 'resume' | 'revert'>,
): RestoreRequest {
  const given = [
    o.snapshot !== undefined && '--snapshot',
    o.resume && '--resume',
    o.revert && '--revert',
  ].filter(Boolean);
  if (given.length !== 1) {
    throw new UserError(
      given.length
        ? `${given.join(' and ')} cannot be combined`
        : 'nothing to restore: --snapshot is required',
      'start with --snapshot ID|latest, or continue a failed restore with --resume or --revert',
    );
  }
  if (o.stores !== undefined && !o.snapshot)
    throw new UserError(
      '--stores goes with --snapshot',
      'a resume or revert restores the stores of the failed run',
    );
  if (o.resume) return { mode: 'resume' };
  if (o.revert) return { mode: 'revert' };
  const stores = parseList(o.stores);
  parseSnapshotSpec(o.snapshot as string);
  return { mode: 'restore', snapshot: o.snapshot as string, ...(stores?.length ? { stores } : {}) };
}

export const registerRestore: CommandRegistrar = (program: Command) => {
  program
    .command('restore')
    .description(
      "Restore the stores from backup snapshots following the seed's recovery flow: validate, safety snapshot, stop the app tiers, restore, verify, migrate, test, start.",
    )
    .option('-c, --config <file>', 'release configuration file', 'release.yaml')
    .option('-e, --env <name>', 'environment (an entry of environments) to merge over the base')
    .option('--snapshot <id|latest>', 'snapshot id(s), comma-separated, or latest (per store)')
    .option(
      '--stores <names>',
      'only these stores, comma-separated (default: every in-cluster store, or the stores of the ids)',
    )
    .option('--resume', 'continue the failed restore recorded in the state file')
    .option('--revert', 'restore the safety snapshots of the failed restore recorded in the state file')
    .option('--dry-run', 'print the plan; change nothing')
    .option('--yes', 'confirm: stop services and overwrite the stores')
    .option('--state <file>', 'progress file (default: .release-kit/restore-<namespace>.json)')
    .option('--kubeconfig <file>', 'kubeconfig of the cluster (default: KUBECONFIG, then ~/.kube/config)')
    .option('--helm <path>', 'helm 3 or 4 executable', 'helm')
    .option('--json', 'print the result (state and commands) as JSON on stdout')
    .action(async (options: RestoreCliOptions) => {
      const request = restoreRequest(options);
      if (!options.dryRun && !options.yes) {
        throw new UserError(
          'a restore stops the app tiers and overwrites the stores: it needs --yes',
          'look at the plan first with --dry-run, then run again with --yes',
        );
      }
      const config = await loadReleaseConfig(options.config, { environment: options.env });
      const restic = repositoryFromEnvironment(config, process.env);
      const statePath = resolve(options.state ?? defaultStatePath(process.cwd(), config.namespace));
      const restoreOptions = {
        config,
        configFile: options.config,
        ...(options.env ? { environment: options.env } : {}),
        restic,
        statePath,
        suffix: runSuffix(new Date(), randomBytes(2).toString('hex')),
      };
      // Reads the repository and the state file only: a bad request fails here, before the cluster is reached.
      const state = await prepareRestore(restoreOptions, request);
      if (options.dryRun) {
        const steps = state.steps.filter((s) => s.status !== 'done');
        process.stdout.write(
          options.json
            ? `${JSON.stringify({ dryRun: true, steps }, null, 2)}\n`
            : `dry run: nothing changed\n${formatPlan(steps)}`,
        );
        return;
      }
      const kube = createKubeClient(options.kubeconfig);
      const helm = await createHelm({
        binary: options.helm,
        ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
      });
      const report = await executeRestore({ ...restoreOptions, kube, helm }, state);
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      if (!report.ok) throw new CliExit(2);
    });
};
