// Runs one helm process (execa). The kubeconfig reaches helm through KUBECONFIG in its environment,
// so it never appears on argv or in logs; values reach it through a 0600 file, never --set.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../errors.js';
import { log } from '../log.js';
import { classifyHelmFailure, describeCommand } from './classify.js';
import { HelmCancelledError, HelmTimeoutError } from './errors.js';

export interface ProcessOptions {
  /** helm executable: a path, or a name looked up on PATH. */
  binary: string;
  /** Kubeconfig file for the process; without it helm uses the inherited KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string;
}

export interface HelmOutput {
  stdout: string;
  stderr: string;
}

/** Runs helm with args; a failure becomes the typed error classifyHelmFailure picks. */
export async function runHelm(
  proc: ProcessOptions,
  args: string[],
  { timeoutMs, signal }: { timeoutMs: number; signal?: AbortSignal },
): Promise<HelmOutput> {
  log.debug(`${proc.binary} ${args.join(' ')}`);
  const result = await execa(proc.binary, args, {
    env: proc.kubeconfig ? { KUBECONFIG: proc.kubeconfig } : {},
    stdin: 'ignore',
    reject: false,
    timeout: timeoutMs,
    // SIGTERM first: helm then cancels its context and records the revision as failed, not pending.
    ...(signal ? { cancelSignal: signal } : {}),
    forceKillAfterDelay: 10_000,
  });
  if (!result.failed) return { stdout: result.stdout, stderr: result.stderr };
  if (result.isCanceled) throw new HelmCancelledError(args);

  if (result.exitCode === undefined && !result.timedOut && !result.isTerminated) {
    // The process never started.
    const missing = result.code === 'ENOENT';
    throw new UserError(
      missing
        ? `helm was not found: ${JSON.stringify(proc.binary)} is not an executable path or a command on PATH`
        : `helm could not be started from ${JSON.stringify(proc.binary)}: ${result.originalMessage ?? result.code}`,
      'install helm 3.x or 4.x, or pass its path with --helm (CLI) / helm-path (action)',
    );
  }
  const failure = { args, exitCode: result.exitCode, stderr: result.stderr, stdout: result.stdout };
  if (result.timedOut) {
    throw new HelmTimeoutError(
      `${describeCommand(args)} did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`,
      'helm itself should have given up at its --timeout: check that the Kubernetes API server answers',
      failure,
    );
  }
  throw classifyHelmFailure(failure);
}

/** Calls fn with the path of a private (0600, in a 0700 directory) values file, removed afterwards. */
export async function withValuesFile<T>(
  values: Record<string, unknown> | undefined,
  fn: (file: string | undefined) => Promise<T>,
): Promise<T> {
  if (values === undefined) return fn(undefined);
  // RUNNER_TEMP on GitHub runners is per job and cleaned up; elsewhere the OS temp dir.
  const dir = await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), 'release-kit-helm-'));
  try {
    const file = join(dir, 'values.json');
    // JSON is YAML that helm reads without YAML 1.1 surprises (on/off, octal, sexagesimal).
    await writeFile(file, JSON.stringify(values), { mode: 0o600 });
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
