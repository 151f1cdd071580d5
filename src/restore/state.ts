// The progress of a restore, kept in a small JSON file after every step: which snapshots are being restored,
// the safety snapshots, the replicas the stopped Deployments and StatefulSets had, and each step's outcome.
// A failed restore leaves services stopped; the file is what `--resume` continues from and `--revert`
// reverts with.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import type { RestoreStep } from './plan.js';

export type StepStatus = 'pending' | 'done' | 'failed' | 'skipped';

export interface StepRecord extends RestoreStep {
  status: StepStatus;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface RestoreState {
  format: 1;
  mode: 'restore' | 'revert';
  /** How the configuration was loaded: repeated by the printed resume/revert commands. */
  configFile: string;
  environment?: string;
  namespace: string;
  stores: string[];
  /** What --snapshot asked for (`latest`, or ids); a revert restores the safety snapshots instead. */
  request?: string;
  /** Store -> full snapshot id being restored (set by the validate step). */
  snapshots: Record<string, string>;
  /** Store -> full id of the safety snapshot of the data before the restore. */
  safetySnapshots: Record<string, string>;
  /** Deployment (app tier) -> replicas before the stop step; absent until services were stopped. */
  replicas?: Record<string, number>;
  /** StatefulSet (restored store) -> replicas before the stop step; absent until services were stopped. */
  storeReplicas?: Record<string, number>;
  /** Store -> its restore Jobs' names, one per data volume (of the latest run of its restore step). */
  jobs: Record<string, string[]>;
  steps: StepRecord[];
  startedAt: string;
  finished: boolean;
}

/** Where a restore of a namespace keeps its state unless --state says otherwise. */
export const defaultStatePath = (cwd: string, namespace: string): string =>
  join(cwd, '.release-kit', `restore-${namespace}.json`);

export async function readState(path: string): Promise<RestoreState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let state: RestoreState;
  try {
    state = JSON.parse(text) as RestoreState;
  } catch (e) {
    throw new UserError(
      `${path} is not a restore state file: ${(e as Error).message}`,
      'restore it from a copy, or remove it',
    );
  }
  if (state?.format !== 1 || !Array.isArray(state.steps)) {
    throw new UserError(
      `${path} is not a restore state file of this release-kit`,
      'remove it, or pass another --state',
    );
  }
  return state;
}

/** Writes the state atomically (a half-written file would lose the remembered replicas). */
export async function writeState(path: string, state: RestoreState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  await writeFile(partial, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(partial, path);
}

/** True when services were stopped and not started again: the namespace is not serving. */
export const servicesStopped = (state: RestoreState): boolean =>
  state.steps.some((s) => s.kind === 'stop' && s.status === 'done') &&
  !state.steps.some((s) => s.kind === 'start' && s.status === 'done');
