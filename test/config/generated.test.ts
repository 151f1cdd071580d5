// The schema file and the configuration reference are generated (src/config/generate.ts); the
// committed copies must be what the generator produces now.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GENERATED_FILES } from '../../src/config/generate.js';
import { releaseConfigSchema } from '../../src/config/index.js';
import { packageRoot } from '../../src/util/paths.js';

const committed = (file: string): string => readFileSync(join(packageRoot(), file), 'utf8');

/** Every schema node that declares a property, with its path. */
function properties(schema: unknown, path = ''): [string, Record<string, unknown>][] {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Record<string, unknown>;
  const own = Object.entries((node.properties as Record<string, Record<string, unknown>>) ?? {}).flatMap(
    ([k, v]): [string, Record<string, unknown>][] => [[`${path}.${k}`, v], ...properties(v, `${path}.${k}`)],
  );
  const nested = ['items', 'additionalProperties'].flatMap((k) =>
    properties(node[k], `${path}${k === 'items' ? '[]' : '.*'}`),
  );
  return [...own, ...nested];
}

describe('generated files', () => {
  it.each(Object.entries(GENERATED_FILES))(
    '%s is up to date (run `npx tsx src/config/generate.ts`)',
    (file, render) => {
      expect(committed(file)).toBe(render());
    },
  );

  it('describes every property (the reference is built from the descriptions)', () => {
    const all = properties(releaseConfigSchema);
    expect(all.length).toBeGreaterThan(100);
    const undescribed = all.filter(([, s]) => typeof s.description !== 'string' || s.description.length < 5);
    expect(undescribed.map(([p]) => p)).toEqual([]);
  });

  it('closes every object: unknown keys are errors', () => {
    const open = properties(releaseConfigSchema).filter(
      ([, s]) => s.type === 'object' && s.properties !== undefined && s.additionalProperties !== false,
    );
    expect(open.map(([p]) => p)).toEqual([]);
  });

  it('makes an environment overlay require nothing and default nothing', () => {
    const overlay = JSON.stringify(
      (releaseConfigSchema.properties as { environments: { additionalProperties: unknown } }).environments
        .additionalProperties,
    );
    expect(overlay).not.toContain('"required"');
    expect(overlay).not.toContain('"default"');
    expect(overlay).toContain('"additionalProperties":false');
  });

  it('accepts the example as a plain JSON Schema 2020-12 validator (an editor) sees it', () => {
    const ajv = new Ajv2020({ allErrors: true, validateFormats: false });
    const validate = ajv.compile(JSON.parse(committed('schemas/release-config.schema.json')));
    expect(validate(parse(committed('examples/memory-system.yaml'))), JSON.stringify(validate.errors)).toBe(
      true,
    );
    expect(validate({ ...parse(committed('examples/memory-system.yaml')), replicas: 3 })).toBe(false);
  });
});
