import { describe, expect, it } from 'vitest';
import { parseHistory, parseList, parseManifest, parseRelease, parseValues } from '../../src/helm/parse.js';

describe('parseRelease', () => {
  it('names the field helm got wrong', () => {
    expect(() =>
      parseRelease('{"name":"a","namespace":"b","version":1,"info":{"status":"exploded"}}'),
    ).toThrow('unexpected helm release output: unknown release status "exploded"');
    expect(() => parseRelease('{"name":"a","namespace":"b","version":1}')).toThrow(
      /info should be an object/,
    );
    expect(() => parseRelease('Error: boom')).toThrow(/not JSON/);
  });

  it('treats helm 3 zero times as unset', () => {
    const r = parseRelease(
      '{"name":"a","namespace":"b","version":2,"info":{"status":"deployed","first_deployed":"","last_deployed":"0001-01-01T00:00:00Z"}}',
    );
    expect(r.firstDeployed).toBeUndefined();
    expect(r.lastDeployed).toBeUndefined();
  });
});

describe('parseHistory and parseList', () => {
  it('sorts history oldest first and keeps times as dates', () => {
    const rows = parseHistory(
      JSON.stringify([
        {
          revision: 2,
          updated: '2026-03-01T10:05:00.5+01:00',
          status: 'deployed',
          chart: 'demo-0.1.0',
          app_version: '1.0.0',
          description: 'Upgrade complete',
        },
        {
          revision: 1,
          updated: '2026-03-01T10:00:00Z',
          status: 'superseded',
          chart: 'demo-0.1.0',
          app_version: '1.0.0',
          description: 'Install complete',
        },
      ]),
    );
    expect(rows.map((r) => r.revision)).toEqual([1, 2]);
    expect(rows[1]?.updated.toISOString()).toBe('2026-03-01T09:05:00.500Z');
    expect(rows[1]?.appVersion).toBe('1.0.0');
  });

  it('reads list revisions, which helm prints as strings', () => {
    const [row] = parseList(
      '[{"name":"api","namespace":"memory","revision":"3","updated":"2026-03-01T10:00:00.123456789Z","status":"pending-upgrade","chart":"demo-0.1.0","app_version":"1.0.0"}]',
    );
    expect(row).toMatchObject({ revision: 3, status: 'pending-upgrade' });
    expect(parseList('[]')).toEqual([]);
  });

  it('refuses times and revisions it cannot read', () => {
    expect(() =>
      parseList('[{"name":"a","namespace":"b","revision":"x","updated":"","status":"deployed","chart":"c"}]'),
    ).toThrow(/revision should be a number, got "x"/);
    expect(() =>
      parseHistory(
        '[{"revision":1,"updated":"2026-03-01 10:00:00 +0000 UTC","status":"deployed","chart":"c"}]',
      ),
    ).toThrow(/updated should be a time/);
    expect(() => parseHistory('{}')).toThrow(/expected a JSON array/);
  });
});

describe('parseValues and parseManifest', () => {
  it('reads null values as none', () => {
    expect(parseValues('null')).toEqual({});
    expect(parseValues('{"replicas":2}')).toEqual({ replicas: 2 });
    expect(() => parseValues('[1]')).toThrow(/expected a JSON object/);
  });

  it('skips empty documents and keeps namespaces', () => {
    const objects = parseManifest(
      '---\n# Source: x/templates/a.yaml\n\n---\n# Source: x/templates/b.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: memory\n',
    );
    expect(objects).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        name: 's',
        namespace: 'memory',
        source: 'x/templates/b.yaml',
        object: expect.any(Object),
      },
    ]);
    expect(() => parseManifest('a: [')).toThrow(/unexpected helm manifest output/);
    expect(() => parseManifest('- 1\n')).toThrow(/a document is not an object/);
  });
});
