// Reading the repository's workflows and action.yml files as plain data for the contract tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../../src/util/paths.js';

export const root = packageRoot();

export interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  'continue-on-error'?: boolean;
}

export interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  environment?: string | { name?: string };
  concurrency?: string | { group?: string; 'cancel-in-progress'?: boolean };
  permissions?: Record<string, string> | string;
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: 'inherit' | Record<string, unknown>;
  steps?: Step[];
}

export interface WorkflowInput {
  type?: string;
  required?: boolean;
  default?: unknown;
  options?: string[];
}

export interface Workflow {
  on: {
    workflow_call?: {
      inputs?: Record<string, WorkflowInput>;
      secrets?: Record<string, { required?: boolean }>;
      outputs?: Record<string, unknown>;
    };
    workflow_dispatch?: { inputs?: Record<string, WorkflowInput> };
    schedule?: { cron: string }[];
    push?: unknown;
  };
  permissions?: unknown;
  jobs: Record<string, Job>;
}

export interface Action {
  inputs?: Record<string, { required?: boolean; default?: string }>;
  outputs?: Record<string, { value?: string }>;
  runs: { using: string; main?: string; steps?: Step[] };
}

export const readText = (file: string): string => readFileSync(join(root, file), 'utf8');
export const loadWorkflow = (file: string): Workflow => parse(readText(file)) as Workflow;
export const loadAction = (file: string): Action => parse(readText(file)) as Action;

/** The step of a job with this id (or name); a missing one fails the test with the job's step list. */
export function stepOf(job: Job, idOrName: string): Step {
  const step = job.steps?.find((s) => s.id === idOrName || s.name === idOrName);
  if (!step) {
    const known = (job.steps ?? []).map((s) => s.id ?? s.name ?? s.uses);
    throw new Error(`no step '${idOrName}' in the job; steps: ${known.join(', ')}`);
  }
  return step;
}

/** Every `steps.<id>.outputs.<name>` an expression in `text` reads. */
export const stepOutputRefs = (text: string): { id: string; output: string }[] =>
  [...text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)].map((m) => ({
    id: m[1] as string,
    output: m[2] as string,
  }));

/** The text a `cat > … <<'EOF'` heredoc of the script writes, found by the start of its first line. */
export function heredoc(script: string, opening: string): string {
  const lines = script.split('\n');
  const start = lines.findIndex((l) => l.includes(opening) && l.includes("<<'EOF'"));
  if (start < 0) throw new Error(`no heredoc '${opening}' in the script`);
  const end = lines.indexOf('EOF', start + 1);
  if (end < 0) throw new Error(`the heredoc '${opening}' has no EOF line`);
  return `${lines.slice(start + 1, end).join('\n')}\n`;
}
