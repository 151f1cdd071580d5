// Whatever text arrives, the validator answers with problems (or a config), never with an exception.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { parse, stringify } from 'yaml';
import { type ValidationResult, validateReleaseConfig } from '../../src/config/index.js';
import { packageRoot } from '../../src/util/paths.js';

const exampleText = readFileSync(join(packageRoot(), 'examples', 'memory-system.yaml'), 'utf8');
const example = parse(exampleText) as Record<string, unknown>;
const lineCount = exampleText.split('\n').length;

function wellFormed(result: ValidationResult, text: string): void {
  expect(result.config === undefined).toBe(result.problems.length > 0);
  for (const p of result.problems) {
    expect(p.message.length).toBeGreaterThan(0);
    expect(p.line).toBeGreaterThanOrEqual(1);
    expect(p.line).toBeLessThanOrEqual(Math.max(1, text.split('\n').length + 1));
    expect(p.column).toBeGreaterThanOrEqual(1);
  }
}

/** Every path to a value of the example, for mutations to aim at. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (value && typeof value === 'object') {
    return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  }
  return [prefix];
}
const examplePaths = paths(example).filter((p) => p.length > 0);

type Mutation = {
  path: (string | number)[];
  kind: 'delete' | 'replace' | 'rename';
  value: unknown;
  key: string;
};

function mutate(doc: Record<string, unknown>, m: Mutation): Record<string, unknown> {
  const copy = structuredClone(doc);
  const parent = m.path
    .slice(0, -1)
    .reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], copy) as
    | Record<string | number, unknown>
    | unknown[];
  const last = m.path.at(-1) as string | number;
  if (m.kind === 'replace') (parent as Record<string | number, unknown>)[last] = m.value;
  else if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else {
    const value = parent[last];
    delete parent[last];
    if (m.kind === 'rename') parent[m.key] = value;
  }
  return copy;
}

const mutation = fc.record({
  path: fc.constantFrom(...examplePaths),
  kind: fc.constantFrom('delete', 'replace', 'rename'),
  value: fc.jsonValue({ maxDepth: 3 }),
  key: fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('api', 'replicas', 'depends_on', '__proto__', 'constructor'),
  ),
}) as fc.Arbitrary<Mutation>;

describe('the validator never throws', () => {
  test.prop([fc.string({ maxLength: 300 })], { numRuns: 300 })('on random text', (text) => {
    wellFormed(validateReleaseConfig(text, { file: 'f.yaml' }), text);
  });

  test.prop([fc.jsonValue({ maxDepth: 4 })], { numRuns: 200 })('on random YAML values', (value) => {
    const text = stringify(value);
    wellFormed(validateReleaseConfig(text, { file: 'f.yaml' }), text);
  });

  test.prop(
    [fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.constantFrom(undefined, 'staging', 'production')],
    {
      numRuns: 120,
    },
  )('on random mutations of the example', (mutations, environment) => {
    let doc = example;
    for (const m of mutations) {
      try {
        doc = mutate(doc, m);
      } catch {
        // An earlier mutation removed the path this one aims at: nothing to mutate.
      }
    }
    const text = stringify(doc);
    wellFormed(validateReleaseConfig(text, { file: 'f.yaml', environment }), text);
  });

  test.prop(
    [
      fc.array(fc.tuple(fc.nat({ max: lineCount }), fc.string({ maxLength: 8 })), {
        minLength: 1,
        maxLength: 5,
      }),
    ],
    { numRuns: 120 },
  )('on the example with lines replaced by garbage', (edits) => {
    const lines = exampleText.split('\n');
    for (const [i, garbage] of edits) lines[i] = garbage;
    const text = lines.join('\n');
    wellFormed(validateReleaseConfig(text, { file: 'f.yaml', environment: 'staging' }), text);
  });
});
