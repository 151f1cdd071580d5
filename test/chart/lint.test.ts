// helm lint --strict passes for the umbrella and, standalone, for every subchart (both helm majors); broken
// values are refused by the values schemas with the field named.
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { helmBinary, helmMajors } from '../support/tools.js';
import { chartPath, templateText } from './render.js';

const subcharts = ['gateway', 'api', 'memory', 'storage', 'faiss', 'neo4j', 'redis', 'common'];

describe.each(helmMajors)('helm %i', (major) => {
  test('lint --strict passes for the umbrella and each subchart', async () => {
    const runs = [
      execa(helmBinary(major), ['lint', '--strict', chartPath, '--with-subcharts'], { reject: false }),
      // Values that switch every optional branch on or off must lint too (NOTES.txt included).
      execa(
        helmBinary(major),
        [
          'lint',
          '--strict',
          chartPath,
          '--set',
          'api.enabled=false,redis.enabled=false,platform.enabled=false',
        ],
        { reject: false },
      ),
      ...subcharts.map((c) =>
        execa(helmBinary(major), ['lint', '--strict', join(chartPath, 'charts', c)], { reject: false }),
      ),
    ];
    for (const r of await Promise.all(runs)) {
      expect(r.stdout, r.stdout).toMatch(/ 0 chart\(s\) failed/);
      expect(r.exitCode, `${r.command}\n${r.stdout}\n${r.stderr}`).toBe(0);
    }
  });

  test.each([
    [{ api: { replicas: -1 } }, /replicas/],
    [{ global: { healthCheck: { periodSeconds: 'ten' } } }, /periodSeconds/],
    [{ faiss: { indexSizeLimit: 'huge' } }, /indexSizeLimit/],
    [{ gateway: { service: { type: 'Public' } } }, /type/],
    [{ redis: { masters: 2 } }, /masters/],
    [{ api: { replica: 3 } }, /replica/],
    [{ typo: true }, /typo/],
  ])('refuses broken values %j and names the field', async (values, field) => {
    const err = await templateText({ major, values }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/values don't meet the specifications of the schema/);
    expect((err as Error).message).toMatch(field);
  });
});
