// Every action.yml and workflow in the repository (and the caller examples users copy) passes both
// workflow linters and the safety rules: node24 runtimes, no expressions inside run: scripts, a
// permissions: block in every workflow, third-party actions pinned by a full commit SHA.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../../src/util/paths.js';
import { lintAction, lintWorkflow } from '../support/workflow-lint.js';

const root = packageRoot();
const yamlIn = (dir: string) => {
  try {
    return readdirSync(join(root, dir))
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
};
const actionFiles = [
  'action.yml',
  ...readdirSync(join(root, 'actions')).map((d) => join('actions', d, 'action.yml')),
].filter((f) => {
  try {
    readFileSync(join(root, f));
    return true;
  } catch {
    return false;
  }
});
const workflowFiles = [...yamlIn('.github/workflows'), ...yamlIn('examples/workflows')];

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
}
type Doc = {
  runs?: { using?: string; steps?: Step[] };
  permissions?: unknown;
  jobs?: Record<string, { permissions?: unknown; steps?: Step[]; uses?: string }>;
};
const load = (file: string) => parse(readFileSync(join(root, file), 'utf8')) as Doc;
const stepsOf = (doc: Doc): Step[] => [
  ...(doc.runs?.steps ?? []),
  ...Object.values(doc.jobs ?? {}).flatMap((job) => job.steps ?? []),
];
const usesOf = (doc: Doc): string[] => [
  ...stepsOf(doc).flatMap((s) => (s.uses ? [s.uses] : [])),
  ...Object.values(doc.jobs ?? {}).flatMap((job) => (job.uses ? [job.uses] : [])),
];
// The expression opener, spelled out so no linter reads this file's text as one.
const expressionOpener = `${'$'}{{`;

/** Safety problems of one file; the same rules as ../shared/tools/check-workflows.py. */
function safetyProblems(file: string, doc: Doc): string[] {
  const problems: string[] = [];
  if (doc.runs) {
    if (doc.runs.using !== 'node24' && doc.runs.using !== 'composite')
      problems.push(`${file}: runs.using is ${doc.runs.using}, want node24 or composite`);
  } else if (
    doc.permissions === undefined &&
    !Object.values(doc.jobs ?? {}).every((j) => j.permissions !== undefined)
  ) {
    problems.push(`${file}: no permissions: block`);
  }
  for (const step of stepsOf(doc)) {
    const name = step.name ?? step.id ?? step.uses ?? '?';
    if (step.run?.includes(expressionOpener))
      problems.push(`${file}: step '${name}' has an expression inside run:`);
  }
  for (const uses of usesOf(doc)) {
    if (uses.startsWith('./') || uses.startsWith('docker://')) continue;
    if (!/@[0-9a-f]{40}$/.test(uses)) problems.push(`${file}: ${uses} is not pinned by a full commit SHA`);
  }
  return problems;
}

describe('GitHub Actions files', () => {
  it('finds the actions and workflows to check', () => {
    expect(actionFiles.length).toBeGreaterThanOrEqual(2);
    expect(workflowFiles.length).toBeGreaterThanOrEqual(1);
  });

  it.each(actionFiles)('%s passes the workflow linters', async (file) => {
    expect(await lintAction(readFileSync(join(root, file), 'utf8'), file)).toEqual([]);
  });

  it.each(workflowFiles)('%s passes the workflow linters', async (file) => {
    expect(await lintWorkflow(readFileSync(join(root, file), 'utf8'), file)).toEqual([]);
  });

  it.each([...actionFiles, ...workflowFiles])('%s follows the safety rules', (file) => {
    expect(safetyProblems(file, load(file))).toEqual([]);
  });

  it('the safety rules catch each kind of mistake', () => {
    const bad = parse(`
runs:
  using: node20
jobs:
  build:
    steps:
      - name: inject
        run: echo "${expressionOpener} github.event.issue.title }}"
      - uses: actions/checkout@v5
      - uses: ./actions/validate
`) as Doc;
    const found = safetyProblems('bad.yml', bad);
    expect(found).toEqual([
      'bad.yml: runs.using is node20, want node24 or composite',
      "bad.yml: step 'inject' has an expression inside run:",
      'bad.yml: actions/checkout@v5 is not pinned by a full commit SHA',
    ]);
    const noPermissions = parse('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: []\n') as Doc;
    expect(safetyProblems('wf.yml', noPermissions)).toEqual(['wf.yml: no permissions: block']);
  });

  it('every action runs on node24 from a committed bundle, or is composite', () => {
    for (const file of actionFiles) {
      const doc = load(file) as Doc & { runs: { main?: string } };
      if (doc.runs.using === 'composite') continue;
      expect(doc.runs.using, file).toBe('node24');
      const bundle = join(root, file, '..', doc.runs.main ?? '');
      expect(relative(root, bundle), file).toMatch(/^dist\/[a-z-]+\/index\.js$/);
    }
  });
});
