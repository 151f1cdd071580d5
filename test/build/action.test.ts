// The composite action: both workflow linters, the script-injection check, pinned docker actions, and
// its build slots in step with ACTION_SLOTS.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { ACTION_SLOTS } from '../../src/build/index.js';
import { packageRoot } from '../../src/util/paths.js';
import { lintAction } from '../support/workflow-lint.js';

// The opening of a GitHub expression, spelled out so no linter takes it for a template placeholder.
const EXPRESSION = ['$', '{{'].join('');
const file = join(packageRoot(), 'actions', 'build-push', 'action.yml');
const text = () => readFile(file, 'utf8');

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
const steps = async (): Promise<Step[]> => parse(await text()).runs.steps;

describe('actions/build-push/action.yml', () => {
  test('passes actionlint and the GitHub workflow parser', async () => {
    expect(await lintAction(await text(), 'actions/build-push/action.yml')).toEqual([]);
  });

  test('the linter helper catches a wrong step reference, an unknown input and a schema error', async () => {
    const source = await text();
    const typos = source
      .replace('steps.meta.outputs.labels', 'steps.nope.outputs.labels')
      .replace('inputs.config', 'inputs.cnfig');
    const found = (await lintAction(typos, 'typos.yml')).map((p) => `${p.tool}: ${p.message}`);
    expect(found.some((m) => m.startsWith('actionlint:') && m.includes('"nope" is not defined'))).toBe(true);
    expect(found.some((m) => m.startsWith('actionlint:') && m.includes('"cnfig" is not defined'))).toBe(true);
    const schema = await lintAction(source.replace('using: composite', 'using: composit'), 'schema.yml');
    expect(schema.map((p) => `${p.tool}: ${p.message}`)).toEqual([
      expect.stringMatching(/^workflow-parser: .*'composit'/),
    ]);
  });

  test('the injection check reports no problem for this file', async () => {
    const r = await execa('python3', ['/work/shared/tools/check-workflows.py', packageRoot()], {
      reject: false,
    });
    expect(r.stdout.split('\n').filter((l) => l.startsWith('actions/build-push/'))).toEqual([]);
  });

  test('no expressions inside run:, inputs reach scripts through env:', async () => {
    for (const step of await steps()) if (step.run) expect(step.run).not.toContain(EXPRESSION);
    const plan = (await steps()).find((s) => s.id === 'plan');
    expect(plan?.env?.CONFIG).toBe(`${EXPRESSION} inputs.config }}`);
  });

  test('every docker action is pinned by a full commit SHA with its version comment', async () => {
    const pins = [...(await text()).matchAll(/uses: (docker\/[a-z-]+)@(\S+) # (v\d+\.\d+\.\d+)/g)].map(
      (m) => [m[1], m[2], m[3]],
    );
    const names = new Set(pins.map((p) => p[0]));
    expect([...names].sort()).toEqual([
      'docker/build-push-action',
      'docker/login-action',
      'docker/metadata-action',
      'docker/setup-buildx-action',
    ]);
    for (const [, sha] of pins) expect(sha).toMatch(/^[0-9a-f]{40}$/);
    const usesLines = (await text()).split('\n').filter((l) => l.trim().startsWith('uses:'));
    expect(usesLines.length).toBe(pins.length);
  });

  test(`has ${ACTION_SLOTS} build slots, slot N reading plan entry N and feeding digest N`, async () => {
    const all = await steps();
    const builds = all.filter((s) => s.uses?.startsWith('docker/build-push-action@'));
    expect(builds.length).toBe(ACTION_SLOTS);
    const assemble = all.find((s) => s.id === 'images');
    const digests = JSON.parse(
      String(assemble?.env?.DIGESTS).replace(/\$\{\{ steps\.(build-\d+)\.outputs\.digest \}\}/g, '$1'),
    );
    builds.forEach((step, i) => {
      expect(step.id).toBe(`build-${i}`);
      expect(step.if).toBe(`fromJSON(steps.plan.outputs.plan)[${i}] != null`);
      for (const key of ['context', 'file', 'tags', 'build-args']) {
        expect(String(step.with?.[key])).toContain(`fromJSON(steps.plan.outputs.plan)[${i}]`);
      }
      expect(step.with).toMatchObject({ push: true, provenance: 'mode=max', sbom: true });
      expect(digests[i]).toBe(`build-${i}`);
    });
  });
});
