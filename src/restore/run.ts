// Runs a restore plan step by step, recording each step's outcome in the state file as it goes. Validation and
// the safety snapshot come before anything is stopped, so a bad backup changes nothing. When a step after
// "stop" fails, services stay stopped (their data may be half restored) and the report carries the exact
// commands that resume the restore or revert to the safety snapshot.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1Job } from '@kubernetes/client-node';
import { verifyCopy } from '../backup/files.js';
import { runStoreBackups } from '../backup/pipeline/jobs.js';
import { environmentLabel, restoreCronJob, selectStores } from '../backup/pipeline/scope.js';
import type { Restic } from '../backup/restic.js';
import { restoreSnapshot } from '../backup/restore-snapshot.js';
import type { ReleaseConfig } from '../config/types.js';
import { UserError } from '../errors.js';
import type { Helm } from '../helm/index.js';
import type { KubeClient } from '../kube/client.js';
import { createJob, jobName, jobOutcome, waitForJob } from '../kube/jobs.js';
import {
  deploymentsOf,
  type ScalableKind,
  scaleWorkload,
  statefulSetsOf,
  waitForReplicas,
} from '../kube/scale.js';
import { log } from '../log.js';
import { planRelease } from '../plan/index.js';
import { runRestoreJobs } from './jobs.js';
import { planRestore, type RestoreStep } from './plan.js';
import { parseSnapshotSpec, resolveSnapshots } from './snapshots.js';
import { type RestoreState, readState, type StepRecord, servicesStopped, writeState } from './state.js';

export type RestoreRequest =
  | { mode: 'restore'; snapshot: string; stores?: string[] }
  | { mode: 'resume' }
  | { mode: 'revert' };

export interface RestoreOptions {
  config: ReleaseConfig;
  configFile: string;
  /** The --env the configuration was loaded with, repeated in the printed commands. */
  environment?: string;
  kube: KubeClient;
  restic: Restic;
  helm: Helm;
  statePath: string;
  /** Makes the Job names of this run unique (runSuffix). */
  suffix: string;
  jobTimeoutMs?: number;
  scaleTimeoutMs?: number;
  snapshotWaitMs?: number;
  /** Share of the pack files `restic check` re-reads (default 10%). */
  readDataSubset?: string;
  now?: () => Date;
}

/** What planning a restore reads: the configuration, the repository and the state file (no cluster). */
export type PlanningOptions = Pick<
  RestoreOptions,
  'config' | 'configFile' | 'environment' | 'restic' | 'statePath' | 'now'
>;

export interface RestoreReport {
  ok: boolean;
  state: RestoreState;
  statePath: string;
  failed?: StepRecord;
  /** Services were stopped and not started again. */
  stopped: boolean;
  /** Set when a step failed: continue from it after fixing the cause. */
  resumeCommand?: string;
  /** Set when a step after the safety snapshot failed: put the data back as it was. */
  revertCommand?: string;
}

/** A step that could not do its job; its message goes into the state and the summary. */
class StepFailure extends Error {}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function releasesOf(config: ReleaseConfig, stores: readonly string[]) {
  const plan = planRelease(config);
  return {
    app: plan.releases.filter((r) => r.kind === 'service').map((r) => r.release),
    stores: plan.releases.filter((r) => stores.includes(r.component)).map((r) => r.release),
    /** Store -> the Helm release whose StatefulSets hold its data. */
    storeRelease: Object.fromEntries(
      plan.releases.filter((r) => stores.includes(r.component)).map((r) => [r.component, r.release]),
    ),
    /** Labels that put the migration Job's pod under an app tier's NetworkPolicy (it reaches the stores). */
    appLabels: plan.releases
      .filter((r) => r.kind === 'service')
      .map((r) => ({
        'app.kubernetes.io/instance': r.release,
        'app.kubernetes.io/component': r.component,
        'release-kit.dev/zone': 'app',
      }))[0],
  };
}

/** The state a new run starts from (and what --dry-run prints the plan of). */
export async function prepareRestore(o: PlanningOptions, request: RestoreRequest): Promise<RestoreState> {
  const previous = await readState(o.statePath);
  if (request.mode === 'resume') {
    if (!previous || previous.finished) {
      throw new UserError(
        `there is no unfinished restore to resume in ${o.statePath}`,
        'start one with --snapshot, or pass the --state file the failed restore printed',
      );
    }
    return previous;
  }
  if (request.mode === 'revert') {
    if (!previous) {
      throw new UserError(
        `there is no restore state in ${o.statePath} to revert`,
        'pass the --state file the failed restore printed',
      );
    }
    const missing = previous.stores.filter((s) => !previous.safetySnapshots[s]);
    if (missing.length) {
      throw new UserError(
        `the restore in ${o.statePath} has no safety snapshot of ${missing.join(', ')}: there is nothing to revert to`,
        'restore an older snapshot of those stores with --snapshot instead',
      );
    }
    const releases = releasesOf(o.config, previous.stores);
    return {
      ...newState(o, 'revert', previous.stores),
      snapshots: { ...previous.safetySnapshots },
      // The workloads are probably at 0 now: keep the counts remembered before the first stop.
      ...(previous.replicas ? { replicas: previous.replicas } : {}),
      ...(previous.storeReplicas ? { storeReplicas: previous.storeReplicas } : {}),
      steps: planRestore({
        namespace: o.config.namespace,
        stores: previous.stores,
        snapshots: previous.safetySnapshots,
        appReleases: releases.app,
        storeReleases: releases.stores,
        ...(o.config.backup.migration ? { migration: o.config.backup.migration } : {}),
        revert: true,
      }).map(pending),
    };
  }
  if (previous && !previous.finished) {
    const failed = previous.steps.find((s) => s.status === 'failed');
    throw new UserError(
      `an unfinished restore of ${previous.namespace} is recorded in ${o.statePath}${failed ? ` (step "${failed.title}" failed: ${failed.message})` : ''}`,
      'finish it first with --resume or --revert, or remove the file if you are sure nothing is stopped',
    );
  }
  const spec = parseSnapshotSpec(request.snapshot);
  let stores = selectStores(o.config, request.stores);
  const requested: Record<string, string> = {};
  if (spec !== 'latest') {
    // Explicit ids name their stores (by tag); without --stores, restore exactly those.
    const { resolved } = await resolveSnapshots(o.restic, environmentLabel(o.config), spec, stores);
    if (!request.stores?.length && Object.keys(resolved).length) stores = Object.keys(resolved).sort();
    for (const [store, s] of Object.entries(resolved)) requested[store] = s.shortId;
  }
  const releases = releasesOf(o.config, stores);
  const state = newState(o, 'restore', stores);
  state.steps = planRestore({
    namespace: o.config.namespace,
    stores,
    snapshots: spec === 'latest' ? Object.fromEntries(stores.map((s) => [s, 'latest'])) : requested,
    appReleases: releases.app,
    storeReleases: releases.stores,
    ...(o.config.backup.migration ? { migration: o.config.backup.migration } : {}),
  }).map(pending);
  state.request = request.snapshot;
  return state;
}

const pending = (s: RestoreStep): StepRecord => ({ ...s, status: 'pending' });

function newState(o: PlanningOptions, mode: RestoreState['mode'], stores: string[]): RestoreState {
  return {
    format: 1,
    mode,
    configFile: o.configFile,
    ...(o.environment ? { environment: o.environment } : {}),
    namespace: o.config.namespace,
    stores,
    snapshots: {},
    safetySnapshots: {},
    jobs: {},
    steps: [],
    startedAt: (o.now?.() ?? new Date()).toISOString(),
    finished: false,
  };
}

/** `release-kit restore --resume|--revert …` with the options this run was started with. */
export function followUpCommand(state: RestoreState, statePath: string, mode: 'resume' | 'revert'): string {
  const quote = (s: string) => (/^[\w./:@=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return [
    'release-kit restore',
    `--${mode}`,
    `--config ${quote(state.configFile)}`,
    ...(state.environment ? [`--env ${quote(state.environment)}`] : []),
    `--state ${quote(statePath)}`,
    '--yes',
  ].join(' ');
}

export async function runRestore(o: RestoreOptions, request: RestoreRequest): Promise<RestoreReport> {
  return executeRestore(o, await prepareRestore(o, request));
}

/** Runs the steps of a prepared state that are not done yet. */
export async function executeRestore(o: RestoreOptions, state: RestoreState): Promise<RestoreReport> {
  await writeState(o.statePath, state);
  const workDir = `${o.statePath}.d`;
  const releases = releasesOf(o.config, state.stores);
  const jobTimeoutMs = o.jobTimeoutMs ?? 6 * 3600_000;
  const scaleTimeoutMs = o.scaleTimeoutMs ?? 600_000;
  const ns = o.config.namespace;

  const copyOf = async (store: string) => {
    const dir = join(workDir, store);
    const id = state.snapshots[store] as string;
    // A resumed run in a new process may find the copy of an earlier run: trust it only if it still matches.
    try {
      const existing = await verifyCopy(dir);
      if (existing.problems.length === 0) return existing;
    } catch {
      // no copy yet
    }
    await rm(dir, { recursive: true, force: true });
    return restoreSnapshot(o.restic, id, dir);
  };

  /** Scales every remembered workload of a kind to `to(remembered)` and waits until they got there. */
  const scaleAll = async (
    kind: ScalableKind,
    remembered: Record<string, number>,
    to: (replicas: number) => number,
  ) => {
    const targets = Object.entries(remembered).map(([name, n]) => ({ name, replicas: to(n) }));
    for (const t of targets) await scaleWorkload(o.kube, ns, t.name, t.replicas, kind);
    await waitForReplicas(o.kube, ns, targets, { timeoutMs: scaleTimeoutMs, kind });
  };

  const steps: Record<RestoreStep['kind'], (step: StepRecord) => Promise<string>> = {
    validate: async () => {
      const spec =
        state.mode === 'revert'
          ? Object.values(state.snapshots)
          : parseSnapshotSpec(state.request ?? 'latest');
      const { resolved, problems } = await resolveSnapshots(
        o.restic,
        environmentLabel(o.config),
        spec,
        state.stores,
      );
      const unresolved = problems.length > 0;
      for (const store of state.stores) {
        const s = resolved[store];
        if (s) state.snapshots[store] = s.id;
        else if (!unresolved) problems.push(`none of the snapshots given holds ${store}`);
      }
      const check = await o.restic.check(o.readDataSubset ?? '10%');
      problems.push(...check.findings.map((f) => `repository ${o.restic.repository}: ${f}`));
      for (const [store, s] of Object.entries(resolved)) {
        try {
          const copy = await copyOf(store);
          problems.push(...copy.problems.map((p) => `snapshot ${s.shortId} (${store}): ${p}`));
          if (copy.manifest.store !== store)
            problems.push(
              `snapshot ${s.shortId}: its manifest describes ${copy.manifest.store}, not ${store}`,
            );
        } catch (e) {
          problems.push(`snapshot ${s.shortId} (${store}) could not be restored: ${(e as Error).message}`);
        }
      }
      if (problems.length) throw new StepFailure(`the backup is not usable:\n  - ${problems.join('\n  - ')}`);
      return `${Object.entries(resolved)
        .map(([store, s]) => `${store} ${s.shortId} (${s.time.toISOString()})`)
        .join(', ')}: repository check passed, every file matches its manifest`;
    },

    'safety-snapshot': async () => {
      const runs = await runStoreBackups({
        kube: o.kube,
        restic: o.restic,
        namespace: ns,
        environment: environmentLabel(o.config),
        stores: state.stores,
        suffix: o.suffix,
        jobTimeoutMs,
        ...(o.snapshotWaitMs !== undefined ? { snapshotWaitMs: o.snapshotWaitMs } : {}),
      });
      for (const r of runs) if (r.snapshot) state.safetySnapshots[r.store] = r.snapshot.id;
      const failed = runs.filter((r) => r.problem);
      if (failed.length) throw new StepFailure(failed.map((r) => `${r.store}: ${r.problem}`).join('; '));
      return runs.map((r) => `${r.store} ${r.snapshot?.shortId}`).join(', ');
    },

    stop: async () => {
      if (!state.replicas || !state.storeReplicas) {
        const found = await deploymentsOf(o.kube, ns, releases.app);
        if (!found.length)
          throw new StepFailure(`no Deployments of ${releases.app.join(', ')} found in ${ns}`);
        const stores = await statefulSetsOf(o.kube, ns, releases.stores);
        if (!stores.length)
          throw new StepFailure(`no StatefulSets of ${releases.stores.join(', ')} found in ${ns}`);
        state.replicas ??= Object.fromEntries(found.map((d) => [d.name, d.replicas]));
        state.storeReplicas ??= Object.fromEntries(stores.map((d) => [d.name, d.replicas]));
        // Remembered before anything is scaled: a crash from here on must not lose the counts.
        await writeState(o.statePath, state);
      }
      // The app tiers first, so no client writes to a store that is going away.
      await scaleAll('Deployment', state.replicas, () => 0);
      await scaleAll('StatefulSet', state.storeReplicas, () => 0);
      return `scaled ${[...Object.entries(state.replicas), ...Object.entries(state.storeReplicas)]
        .map(([n, r]) => `${n} ${r}->0`)
        .join(', ')}`;
    },

    restore: async (step) => {
      const store = step.store as string;
      return runRestoreJobs(o.kube, {
        namespace: ns,
        cronJob: restoreCronJob(store),
        release: releases.storeRelease[store] as string,
        snapshot: state.snapshots[store] as string,
        remembered: state.storeReplicas ?? {},
        suffix: o.suffix,
        timeoutMs: jobTimeoutMs,
        onCreated: async (jobs) => {
          // Recorded as they are created: verify and the operator find every Job of a half-started restore.
          state.jobs[store] = jobs;
          await writeState(o.statePath, state);
        },
      });
    },

    verify: async () => {
      const problems: string[] = [];
      const done: string[] = [];
      for (const store of state.stores) {
        const jobs = state.jobs[store] ?? [];
        if (!jobs.length) problems.push(`${store}: no restore Job is recorded`);
        for (const job of jobs) {
          const outcome = jobOutcome(await o.kube.batch.readNamespacedJob({ name: job, namespace: ns }));
          if (outcome?.status !== 'succeeded')
            problems.push(`${store}: its restore Job ${job} did not succeed`);
        }
        const copy = await copyOf(store);
        problems.push(...copy.problems.map((p) => `${store}: ${p}`));
        const counts = Object.entries(copy.manifest.counts)
          .filter(([k]) => !k.includes('.'))
          .map(([k, v]) => `${k} ${v}`)
          .join(', ');
        done.push(
          `${store}: ${plural(copy.manifest.files.length, 'file')} as in the manifest${counts ? ` (${counts})` : ''}`,
        );
      }
      problems.push(...(await unreadyStores(o.kube, ns, releases.stores)));
      if (problems.length) throw new StepFailure(problems.join('; '));
      return done.join('; ');
    },

    migrate: async () => {
      const migration = o.config.backup.migration;
      if (!migration) return 'skipped: backup.migration is not configured';
      const job: V1Job = {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name: jobName(`${o.config.name}-migrate`, o.suffix),
          namespace: ns,
          labels: { 'app.kubernetes.io/part-of': o.config.name, 'release-kit.dev/job': 'migrate' },
        },
        spec: {
          backoffLimit: 0,
          template: {
            metadata: { labels: { ...releases.appLabels, 'release-kit.dev/job': 'migrate' } },
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'migrate', image: migration.image, command: [...migration.command] }],
            },
          },
        },
      };
      const name = await createJob(o.kube, ns, job);
      const outcome = await waitForJob(o.kube, ns, name, { timeoutMs: jobTimeoutMs });
      if (outcome.status === 'failed') {
        throw new StepFailure(
          `migration Job ${name} failed${outcome.reason ? ` (${outcome.reason})` : ''}: see kubectl -n ${ns} logs job/${name}`,
        );
      }
      return `migration Job ${name} completed`;
    },

    test: async () => {
      const problems: string[] = [];
      for (const release of releases.stores) {
        try {
          await o.helm.test({ release, namespace: ns, timeoutSeconds: 300 });
        } catch (e) {
          problems.push(`helm test ${release}: ${(e as Error).message}`);
        }
      }
      problems.push(...(await unreadyStores(o.kube, ns, releases.stores)));
      if (problems.length) throw new StepFailure(problems.join('; '));
      return `helm test passed for ${releases.stores.join(', ')}; every store workload is ready`;
    },

    'start-stores': async () => {
      const replicas = state.storeReplicas ?? {};
      await scaleAll('StatefulSet', replicas, (n) => n);
      return `scaled ${Object.entries(replicas)
        .map(([n, r]) => `${n} 0->${r}`)
        .join(', ')}; all ready`;
    },

    start: async () => {
      const replicas = state.replicas ?? {};
      await scaleAll('Deployment', replicas, (n) => n);
      return `scaled ${Object.entries(replicas)
        .map(([n, r]) => `${n} 0->${r}`)
        .join(', ')}; all ready`;
    },
  };

  let failed: StepRecord | undefined;
  for (const step of state.steps) {
    if (step.status === 'done' || step.status === 'skipped') continue;
    step.startedAt = (o.now?.() ?? new Date()).toISOString();
    step.status = 'pending';
    delete step.message;
    try {
      const message = await log.group(step.title, () => steps[step.kind](step));
      step.status = message.startsWith('skipped') ? 'skipped' : 'done';
      step.message = message;
      log.info(`${step.title}: ${message}`);
    } catch (e) {
      if (!(e instanceof StepFailure) && !(e instanceof UserError)) throw e;
      step.status = 'failed';
      step.message = e instanceof UserError && e.hint ? `${e.message} (${e.hint})` : e.message;
      log.error(`${step.title} failed: ${step.message}`);
      failed = step;
    }
    step.finishedAt = (o.now?.() ?? new Date()).toISOString();
    await writeState(o.statePath, state);
    if (failed) break;
  }

  const stopped = servicesStopped(state);
  if (!failed) {
    state.finished = true;
    await rm(workDir, { recursive: true, force: true });
  } else if (!state.steps.some((s) => s.kind === 'stop' && s.status !== 'pending')) {
    // Nothing was stopped or overwritten: there is nothing to resume or revert.
    state.finished = true;
    await rm(workDir, { recursive: true, force: true });
  }
  await writeState(o.statePath, state);
  const canRevert = state.stores.every((s) => state.safetySnapshots[s]) && state.mode === 'restore';
  return {
    ok: !failed,
    state,
    statePath: o.statePath,
    stopped,
    ...(failed ? { failed } : {}),
    ...(failed && !state.finished ? { resumeCommand: followUpCommand(state, o.statePath, 'resume') } : {}),
    ...(failed && !state.finished && canRevert
      ? { revertCommand: followUpCommand(state, o.statePath, 'revert') }
      : {}),
  };
}

/** StatefulSets of the store releases whose pods are not all ready, one sentence each. */
async function unreadyStores(
  kube: KubeClient,
  namespace: string,
  releases: readonly string[],
): Promise<string[]> {
  const problems: string[] = [];
  for (const release of releases) {
    const list = await kube.apps.listNamespacedStatefulSet({
      namespace,
      labelSelector: `app.kubernetes.io/instance=${release}`,
    });
    for (const s of list.items) {
      const want = s.spec?.replicas ?? 1;
      const ready = s.status?.readyReplicas ?? 0;
      if (ready < want) problems.push(`StatefulSet ${s.metadata?.name}: ${ready}/${want} pods ready`);
    }
  }
  return problems;
}
