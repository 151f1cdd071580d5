// Runs an action bundle the way the GitHub runner does, for tests: `node dist/<name>/index.js` from the
// action checkout built once per test run (./action-bundles-setup.ts), in a clean environment of INPUT_*
// variables, the GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files and RUNNER_TEMP; then reads the files back.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { inject } from 'vitest';

/** The temporary checkout of the action (dist/, package.json, charts/) this test run built. */
export function actionCheckout(): string {
  const checkout = inject('releaseKitActionCheckout');
  if (!checkout) {
    throw new Error(
      'no action checkout was provided: vitest.config.ts must list test/support/action-bundles-setup.ts in globalSetup',
    );
  }
  if ('buildError' in checkout) {
    throw new Error(`building the action bundles for this test run failed: ${checkout.buildError}`);
  }
  return checkout.path;
}

export interface BundledActionOptions {
  /** Action inputs by name as in action.yml; passed as INPUT_<NAME> the way the runner does. */
  inputs?: Record<string, string>;
  /** More environment (GITHUB_API_URL, HOME, ...); it wins over the defaults below. */
  env?: Record<string, string>;
  /** The workspace (cwd and GITHUB_WORKSPACE); a fresh empty one when absent. */
  cwd?: string;
  timeout?: number;
}

export interface BundledActionRun {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** The step outputs the action set (GITHUB_OUTPUT, parsed). */
  outputs: Record<string, string>;
  /** GITHUB_OUTPUT as the action wrote it. */
  outputText: string;
  /** GITHUB_STEP_SUMMARY as the action wrote it. */
  summary: string;
  /** The names of what the action left in RUNNER_TEMP (the directory itself is removed afterwards). */
  runnerTemp: string[];
}

export async function runBundledAction(
  name: string,
  { inputs = {}, env = {}, cwd, timeout = 120_000 }: BundledActionOptions = {},
): Promise<BundledActionRun> {
  const bundle = join(actionCheckout(), 'dist', name, 'index.js');
  if (!existsSync(bundle)) {
    const built = readdirSync(join(actionCheckout(), 'dist')).join(', ');
    throw new Error(`no action bundle named '${name}' (built: ${built})`);
  }
  const scratch = mkdtempSync(join(tmpdir(), `rk-run-${name}-`));
  try {
    const workspace = cwd ?? join(scratch, 'workspace');
    const runnerTemp = join(scratch, 'runner-temp');
    const output = join(scratch, 'github-output');
    const summary = join(scratch, 'step-summary');
    mkdirSync(workspace, { recursive: true });
    mkdirSync(runnerTemp);
    writeFileSync(output, '');
    writeFileSync(summary, '');
    const runEnv: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: scratch,
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      RUNNER_TEMP: runnerTemp,
      ...env,
    };
    for (const [input, value] of Object.entries(inputs)) runEnv[`INPUT_${input.toUpperCase()}`] = value;
    const r = await execa(process.execPath, [bundle], {
      cwd: workspace,
      env: runEnv,
      extendEnv: false,
      reject: false,
      timeout,
    });
    const outputText = readFileSync(output, 'utf8');
    return {
      exitCode: r.exitCode,
      stdout: r.stdout,
      stderr: r.stderr,
      outputs: parseGithubOutput(outputText),
      outputText,
      summary: readFileSync(summary, 'utf8'),
      runnerTemp: readdirSync(runnerTemp),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Reads a GITHUB_OUTPUT file as the runner does: `name=value` lines and `name<<DELIMITER` blocks (whichever
 * of `=` and `<<` comes first decides), blank lines ignored. Anything else is an error, as on GitHub.
 */
export function parseGithubOutput(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (heredoc > 0 && (equals < 0 || heredoc < equals)) {
      const delimiter = line.slice(heredoc + 2);
      const end = lines.indexOf(delimiter, i + 1);
      if (delimiter === '' || end < 0) {
        throw new Error(`GITHUB_OUTPUT line ${i + 1}: '${line}' opens a block whose delimiter never follows`);
      }
      outputs[line.slice(0, heredoc)] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (equals > 0) {
      outputs[line.slice(0, equals)] = line.slice(equals + 1);
    } else {
      throw new Error(`GITHUB_OUTPUT line ${i + 1}: '${line}' is neither name=value nor name<<DELIMITER`);
    }
  }
  return outputs;
}
