// Runs a composite action.yml the way the GitHub runner does, for tests: each step's `if:` (with the
// implicit success()) and `${{ }}` expressions evaluated by GitHub's own expression engine
// (@actions/expressions), `run:` scripts in bash with GITHUB_ACTION_PATH, GITHUB_OUTPUT and the step's
// env, step outputs and outcomes fed to later steps, then the action's outputs. Only what release-kit's
// root action uses is supported: `run:` steps with shell bash, and the inputs, steps and env contexts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';
import { execa } from 'execa';
import { parseGithubOutput } from '../support/action-bundles.js';
import type { Action } from './support.js';

export type Outcome = 'success' | 'failure' | 'skipped';

export interface CompositeRun {
  steps: { id?: string; name?: string; outcome: Outcome; outputs: Record<string, string> }[];
  /** The action's outputs, evaluated after the last step. */
  outputs: Record<string, string>;
  /** Whether the step that used the action failed. */
  failed: boolean;
  /** Everything the steps printed (stdout and stderr interleaved per step), for assertion messages. */
  log: string;
}

type Context = Record<string, unknown>;

const statusFunctions = (failed: () => boolean): Map<string, FunctionDefinition> => {
  const fn = (name: string, value: () => boolean): [string, FunctionDefinition] => [
    name,
    { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value()) },
  ];
  return new Map([
    fn('success', () => !failed()),
    fn('failure', failed),
    fn('always', () => true),
    fn('cancelled', () => false),
  ]);
};

function evaluate(expression: string, context: Context, failed: () => boolean): data.ExpressionData {
  const functions = statusFunctions(failed);
  const tokens = new Lexer(expression).lex().tokens;
  const tree = new Parser(tokens, Object.keys(context), [...functions.values()]).parse();
  const dictionary = JSON.parse(JSON.stringify(context), data.reviver) as data.Dictionary;
  return new Evaluator(tree, dictionary, functions).evaluate();
}

/** A value with `${{ }}` parts replaced by their string values, as the runner does for env and outputs. */
function interpolate(text: string, context: Context, failed: () => boolean): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, body: string) => {
    const value = evaluate(body.trim(), context, failed);
    return value.kind === data.Kind.Null ? '' : value.coerceString();
  });
}

/** `if:` as the runner reads it: `${{ }}` optional, success() implied unless a status function is named. */
function condition(text: string | undefined, context: Context, failed: () => boolean): boolean {
  const body = (text ?? 'success()').trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  const withStatus = /\b(success|failure|always|cancelled)\(\)/.test(body) ? body : `success() && (${body})`;
  return truthy(evaluate(withStatus, context, failed));
}

export async function runComposite(
  action: Action,
  options: { actionPath: string; inputs: Record<string, string>; env: Record<string, string>; cwd: string },
): Promise<CompositeRun> {
  const inputs = Object.fromEntries(
    Object.entries(action.inputs ?? {}).map(([name, d]) => [name, options.inputs[name] ?? d.default ?? '']),
  );
  const steps: Record<string, { outcome: Outcome; conclusion: Outcome; outputs: Record<string, string> }> =
    {};
  const run: CompositeRun = { steps: [], outputs: {}, failed: false, log: '' };
  const failed = () => run.failed;
  const scratch = mkdtempSync(join(options.env.RUNNER_TEMP ?? options.cwd, 'composite-'));
  for (const [index, step] of (action.runs.steps ?? []).entries()) {
    const context: Context = { inputs, steps, env: options.env };
    let outcome: Outcome = 'skipped';
    let outputs: Record<string, string> = {};
    if (condition(step.if, context, failed)) {
      const outputFile = join(scratch, `output-${index}`);
      const scriptFile = join(scratch, `step-${index}.sh`);
      writeFileSync(outputFile, '');
      writeFileSync(scriptFile, step.run ?? '');
      const stepEnv = Object.fromEntries(
        Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(String(v), context, failed)]),
      );
      const result = await execa('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', scriptFile], {
        cwd: options.cwd,
        reject: false,
        all: true,
        env: {
          ...options.env,
          ...stepEnv,
          GITHUB_ACTION_PATH: options.actionPath,
          GITHUB_OUTPUT: outputFile,
        },
        extendEnv: false,
      });
      run.log += `--- ${step.name ?? step.id ?? index} (exit ${result.exitCode})\n${result.all}\n`;
      outcome = result.exitCode === 0 ? 'success' : 'failure';
      outputs = parseGithubOutput(readFileSync(outputFile, 'utf8'));
      if (outcome === 'failure') run.failed = true;
    }
    if (step.id) steps[step.id] = { outcome, conclusion: outcome, outputs };
    run.steps.push({ id: step.id, name: step.name, outcome, outputs });
  }
  const context: Context = { inputs, steps, env: options.env };
  run.outputs = Object.fromEntries(
    Object.entries(action.outputs ?? {}).map(([name, o]) => [
      name,
      interpolate(o.value ?? '', context, failed),
    ]),
  );
  return run;
}
