// Every `with:` a workflow or the root action gives reaches an input the called action (or reusable
// workflow) declares, every required one is given, and every output read exists. GitHub only warns about
// an unknown input and reads a missing output as '', so a renamed input would otherwise silently do nothing.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Action,
  type Job,
  loadAction,
  loadWorkflow,
  root,
  type Step,
  stepOutputRefs,
  type Workflow,
} from './support.js';

const yamlIn = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `${dir}/${f}`);
const workflowFiles = [...yamlIn('.github/workflows'), ...yamlIn('examples/workflows')];

/** The action.yml a local `uses:` runs: ./.release-kit/actions/x and ./actions/x are the same file. */
function localAction(uses: string): string | undefined {
  const path = uses.replace(/^\.\/(\.release-kit\/?)?/, '').replace(/\/$/, '');
  if (uses.startsWith('./') && (path === '' || path.startsWith('actions/')))
    return path ? `${path}/action.yml` : 'action.yml';
  return undefined;
}

/** Problems of one step calling a local action: unknown inputs, missing required inputs. */
function inputProblems(where: string, step: Step, action: Action): string[] {
  const declared = action.inputs ?? {};
  const given = Object.keys(step.with ?? {});
  return [
    ...given.filter((k) => !(k in declared)).map((k) => `${where}: input '${k}' is not declared`),
    ...Object.entries(declared)
      .filter(([k, d]) => d.required && d.default === undefined && !given.includes(k))
      .map(([k]) => `${where}: required input '${k}' is not given`),
  ];
}

/** Problems of the `steps.<id>.outputs.<name>` references in `text` to steps that run local actions. */
function outputProblems(where: string, text: string, steps: Step[]): string[] {
  const problems: string[] = [];
  for (const { id, output } of stepOutputRefs(text)) {
    const step = steps.find((s) => s.id === id);
    if (!step) {
      problems.push(`${where}: steps.${id} does not exist`);
      continue;
    }
    const file = step.uses ? localAction(step.uses) : undefined;
    if (file && !(output in (loadAction(file).outputs ?? {})))
      problems.push(`${where}: ${file} has no output '${output}'`);
  }
  return problems;
}

function workflowProblems(file: string, wf: Workflow): string[] {
  const problems: string[] = [];
  for (const [name, job] of Object.entries(wf.jobs)) {
    const steps = job.steps ?? [];
    for (const step of steps) {
      const action = step.uses ? localAction(step.uses) : undefined;
      if (action) problems.push(...inputProblems(`${file} ${name} '${step.uses}'`, step, loadAction(action)));
    }
    problems.push(...outputProblems(`${file} ${name}`, JSON.stringify(job), steps));
    if (job.uses) problems.push(...callerProblems(`${file} ${name}`, job));
  }
  return problems;
}

/** A caller of release-kit's reusable workflows (the examples): inputs and secrets it passes exist. */
function callerProblems(where: string, job: Job): string[] {
  const m = /^[\w.-]+\/release-kit\/(\.github\/workflows\/[\w-]+\.yml)@/.exec(job.uses ?? '');
  if (!m) return [];
  const called = loadWorkflow(m[1] as string).on.workflow_call ?? {};
  const inputs = called.inputs ?? {};
  const given = Object.keys(job.with ?? {});
  const problems = [
    ...given.filter((k) => !(k in inputs)).map((k) => `${where}: ${m[1]} has no input '${k}'`),
    ...Object.entries(inputs)
      .filter(([k, d]) => d.required && !given.includes(k))
      .map(([k]) => `${where}: required input '${k}' of ${m[1]} is not given`),
  ];
  if (job.secrets !== 'inherit') {
    const secrets = called.secrets ?? {};
    const passed = Object.keys(job.secrets ?? {});
    problems.push(
      ...passed.filter((k) => !(k in secrets)).map((k) => `${where}: ${m[1]} has no secret '${k}'`),
      ...Object.entries(secrets)
        .filter(([k, d]) => d.required && !passed.includes(k))
        .map(([k]) => `${where}: required secret '${k}' of ${m[1]} is not passed`),
    );
  }
  return problems;
}

/** The root composite runs the bundles with INPUT_* variables: each must be an input of that bundle's action. */
function rootActionProblems(): string[] {
  const problems: string[] = [];
  const rootAction = loadAction('action.yml');
  const bundleOf = (step: Step) => /dist\/([\w-]+)\/index\.js/.exec(step.run ?? '')?.[1];
  // A step running a bundle has that action's outputs: seen as `uses:` of it for the output check.
  const steps = (rootAction.runs.steps ?? []).map((step) => {
    const bundle = bundleOf(step);
    return bundle ? { ...step, uses: `./actions/${bundle}` } : step;
  });
  for (const step of steps) {
    const bundle = bundleOf(step);
    if (!bundle) continue;
    const given = Object.keys(step.env ?? {})
      .filter((k) => k.startsWith('INPUT_'))
      .map((k) => k.slice('INPUT_'.length).toLowerCase());
    const asWith: Step = { with: Object.fromEntries(given.map((k) => [k, ''])) };
    const where = `action.yml step '${step.id}' (actions/${bundle})`;
    problems.push(...inputProblems(where, asWith, loadAction(`actions/${bundle}/action.yml`)));
  }
  problems.push(...outputProblems('action.yml', JSON.stringify(rootAction), steps));
  return problems;
}

describe('wiring of the actions and workflows', () => {
  it.each(workflowFiles)('%s gives the actions and workflows it calls only inputs they declare', (file) => {
    expect(workflowProblems(file, loadWorkflow(file))).toEqual([]);
  });

  it('the root action passes each bundle only inputs its action.yml declares, and reads real outputs', () => {
    expect(rootActionProblems()).toEqual([]);
  });

  it('catches an unknown input, a missing required one and an output that does not exist', () => {
    const bad: Workflow = {
      on: {},
      jobs: {
        a: {
          steps: [
            { id: 'd', uses: './.release-kit/actions/deploy', with: { 'helm-version': '4' } },
            { uses: './actions/backup', with: { config: 'release.yaml' } },
            { run: 'true', env: { X: `${'$'}{{ steps.d.outputs.ledger-file }}` } },
          ],
        },
      },
    };
    expect(workflowProblems('bad.yml', bad)).toEqual([
      "bad.yml a './.release-kit/actions/deploy': input 'helm-version' is not declared",
      "bad.yml a './actions/backup': required input 'kind' is not given",
      "bad.yml a './actions/backup': required input 'restic-password' is not given",
      "bad.yml a: actions/deploy/action.yml has no output 'ledger-file'",
    ]);
  });
});
