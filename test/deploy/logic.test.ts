// The pure parts of deploy: change detection, wave scheduling, the lock decision, the report, input checks.
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  changedPaths,
  detectChange,
  valuesDigest,
  withoutHooks,
} from '../../src/deploy/changes.js';
import { checkNamespace, parseWholeNumber } from '../../src/deploy/inputs.js';
import type { Ledger, LedgerRelease } from '../../src/deploy/ledger.js';
import { decideLock } from '../../src/deploy/lock.js';
import {
  changedReleases,
  formatTable,
  ledgerHeadline,
  reportRows,
  revisionChange,
  revisionsByRelease,
} from '../../src/deploy/report.js';
import { runInWaves } from '../../src/deploy/schedule.js';
import type { ManifestObject } from '../../src/helm/index.js';

const obj = (kind: string, name: string, extra: Record<string, unknown> = {}): ManifestObject => ({
  apiVersion: 'v1',
  kind,
  name,
  namespace: 'ms',
  object: { apiVersion: 'v1', kind, metadata: { name, namespace: 'ms' }, ...extra },
});

describe('change detection', () => {
  it('ignores key order, in values and in objects', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 2 } })).toBe(
      '{"a":{"c":2,"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    expect(valuesDigest({ a: 1, b: 2 })).toBe(valuesDigest({ b: 2, a: 1 }));
    expect(valuesDigest({ a: 1 })).toMatch(/^sha256:[0-9a-f]{64}$/);
    const planned = {
      values: { x: { b: 1, a: 2 } },
      objects: [obj('Service', 'api', { spec: { b: 1, a: 2 } })],
    };
    const deployed = {
      values: { x: { a: 2, b: 1 } },
      objects: [obj('Service', 'api', { spec: { a: 2, b: 1 } })],
    };
    expect(detectChange(planned, deployed)).toEqual({ changed: false });
  });

  it('names the changed value paths and manifest objects', () => {
    const verdict = detectChange(
      {
        values: { memory: { image: { digest: 'sha256:b', tag: '' }, replicas: 2 } },
        objects: [obj('Deployment', 'memory', { spec: { image: 'b' } }), obj('ConfigMap', 'new')],
      },
      {
        values: { memory: { image: { digest: 'sha256:a', tag: '' }, replicas: 2 } },
        objects: [obj('Deployment', 'memory', { spec: { image: 'a' } }), obj('Secret', 'old')],
      },
    );
    expect(verdict).toEqual({
      changed: true,
      reasons: [
        'values changed at memory.image.digest',
        'changes Deployment/ms/memory',
        'adds ConfigMap/ms/new',
        'removes Secret/ms/old',
      ],
    });
  });

  it('does not compare hooks, which helm get manifest leaves out', () => {
    const hook = obj('Job', 'bootstrap', {
      metadata: { name: 'bootstrap', annotations: { 'helm.sh/hook': 'post-install' } },
    });
    expect(withoutHooks([hook, obj('Service', 'a')]).map((o) => o.name)).toEqual(['a']);
    expect(detectChange({ values: {}, objects: [hook] }, { values: {}, objects: [] })).toEqual({
      changed: false,
    });
  });

  it('reports arrays and added keys as whole paths, and caps the list', () => {
    expect(changedPaths({ a: [1, 2], b: 1 }, { a: [1], c: 1 }, '')).toEqual(['a', 'b', 'c']);
    const many = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`k${i}`, i]));
    const verdict = detectChange({ values: many, objects: [] }, { values: {}, objects: [] });
    expect(verdict.changed && verdict.reasons[0]).toBe('values changed at k0, k1, k2, k3 and 3 more');
  });
});

describe('runInWaves', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('runs a wave in parallel up to the bound, and a wave only after the previous one', async () => {
    const events: string[] = [];
    let running = 0;
    let peak = 0;
    const result = await runInWaves(
      [['a', 'b', 'c'], ['d'], ['e']],
      { concurrency: 2 },
      async (item, wave) => {
        running++;
        peak = Math.max(peak, running);
        events.push(`start ${item}@${wave}`);
        await sleep(item === 'a' ? 30 : 5);
        events.push(`end ${item}`);
        running--;
        return { item, ok: true };
      },
      (r) => !r.ok,
    );
    expect(peak).toBe(2);
    expect(result.failedWave).toBeUndefined();
    expect(result.notStarted).toEqual([]);
    expect(result.results.map((r) => r.item).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    // d starts after all of wave 1 ended, e after d.
    expect(events.indexOf('start d@2')).toBeGreaterThan(events.indexOf('end a'));
    expect(events.indexOf('start e@3')).toBeGreaterThan(events.indexOf('end d'));
  });

  it('stops at a failure: no queued item of that wave and no later wave starts', async () => {
    const started: string[] = [];
    const waves: string[] = [];
    const result = await runInWaves(
      [['ok'], ['bad', 'slow', 'queued'], ['later']],
      { concurrency: 2 },
      async (item) => {
        started.push(item);
        await sleep(item === 'slow' ? 20 : 1);
        return { item, ok: item !== 'bad' };
      },
      (r) => !r.ok,
      async (wave, _items, run) => {
        waves.push(`wave ${wave}`);
        await run();
      },
    );
    expect(started).toEqual(['ok', 'bad', 'slow']);
    expect(result.failedWave).toBe(2);
    expect(result.notStarted).toEqual(['queued', 'later']);
    expect(result.results.map((r) => r.item)).toEqual(['ok', 'bad', 'slow']);
    expect(waves).toEqual(['wave 1', 'wave 2']);
  });

  it('asks afterWave after each wave that did not fail; true starts no later wave', async () => {
    const calls: string[] = [];
    const started: string[] = [];
    const result = await runInWaves(
      [['a', 'b'], ['c'], ['d'], ['e']],
      {
        concurrency: 2,
        afterWave: async (wave, results: readonly { item: string; ok: boolean }[]) => {
          calls.push(`${wave}: ${results.map((r) => r.item).sort()}`);
          return wave === 2;
        },
      },
      async (item) => {
        started.push(item);
        return { item, ok: true };
      },
      (r) => !r.ok,
    );
    expect(calls).toEqual(['1: a,b', '2: c']);
    expect(started).toEqual(['a', 'b', 'c']);
    expect(result.stoppedAfterWave).toBe(2);
    expect(result.failedWave).toBeUndefined();
    expect(result.notStarted).toEqual(['d', 'e']);
  });

  it('does not ask afterWave about a wave that failed', async () => {
    const calls: number[] = [];
    const result = await runInWaves(
      [['ok'], ['bad'], ['later']],
      {
        concurrency: 1,
        afterWave: async (wave) => {
          calls.push(wave);
          return false;
        },
      },
      async (item) => ({ item, ok: item !== 'bad' }),
      (r) => !r.ok,
    );
    expect(calls).toEqual([1]);
    expect(result.failedWave).toBe(2);
    expect(result.stoppedAfterWave).toBeUndefined();
    expect(result.notStarted).toEqual(['later']);
  });

  it('rejects a concurrency below 1', async () => {
    await expect(
      runInWaves(
        [['a']],
        { concurrency: 0 },
        async () => 1,
        () => false,
      ),
    ).rejects.toThrow(/concurrency/);
  });
});

describe('deploy lock decision', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  const lock = (holder: string, expires: string) => ({
    holder,
    acquiredAt: new Date('2026-01-01T11:50:00Z'),
    expiresAt: new Date(expires),
  });

  it('takes a missing or expired lock, and refuses a live one naming its holder', () => {
    expect(decideLock(undefined, 'me', now, 'namespace ms')).toEqual({ take: true });
    expect(decideLock(lock('other', '2026-01-01T11:59:59Z'), 'me', now, 'namespace ms')).toEqual({
      take: true,
    });
    const refused = decideLock(lock('github:o/r/runs/7', '2026-01-01T12:10:00Z'), 'me', now, 'namespace ms');
    expect(refused.take).toBe(false);
    if (!refused.take) {
      expect(refused.reason).toBe(
        'another deploy holds the deploy lock of namespace ms: github:o/r/runs/7, since 2026-01-01T11:50:00.000Z, until 2026-01-01T12:10:00.000Z',
      );
      expect(refused.hint).toContain(
        'kubectl annotate configmap release-kit-lock -n ms release-kit.io/deploy-lock-',
      );
    }
  });

  it('refuses a live lock of the same holder too (two terminals of one user)', () => {
    const refused = decideLock(lock('me', '2026-01-01T12:10:00Z'), 'me', now, 'namespace ms');
    expect(refused.take).toBe(false);
    if (!refused.take) expect(refused.reason).toContain('me (this same holder, in another run)');
  });
});

describe('report', () => {
  const entry = (over: Partial<LedgerRelease>): LedgerRelease => ({
    component: 'api',
    release: 'ms-api',
    namespace: 'ms',
    wave: 3,
    previousRevision: 2,
    revision: 3,
    chartVersion: '0.1.0',
    images: ['r/api@sha256:1'],
    valuesDigest: 'sha256:x',
    changed: true,
    outcome: 'deployed',
    durationMs: 2345,
    action: 'upgrade',
    ...over,
  });
  const ledger: Ledger = {
    version: 1,
    runId: 'r1',
    config: 'release.yaml',
    namespace: 'ms',
    startedAt: '2026-01-01T00:00:00Z',
    dryRun: false,
    outcome: 'failed',
    releases: [
      entry({
        component: 'redis',
        release: 'ms-redis',
        wave: 1,
        revision: 4,
        previousRevision: 4,
        changed: false,
        outcome: 'unchanged',
        action: 'skip',
      }),
      entry({
        component: 'memory',
        release: 'ms-memory',
        wave: 2,
        previousRevision: null,
        revision: 1,
        action: 'install',
      }),
      entry({ outcome: 'failed', error: 'pod api-1, container api: CrashLoopBackOff' }),
      entry({
        component: 'gateway',
        release: 'ms-gateway',
        wave: 4,
        revision: 1,
        previousRevision: 1,
        changed: false,
        outcome: 'not-started',
        durationMs: undefined,
      }),
    ],
  };

  it('has one row per release: wave, revision before -> after, image, duration, status, why', () => {
    expect(reportRows(ledger)).toEqual([
      ['1', 'ms-redis', '4', 'r/api@sha256:1', '', 'skipped (unchanged)', ''],
      ['2', 'ms-memory', '- -> 1', 'r/api@sha256:1', '2.3 s', 'installed', ''],
      [
        '3',
        'ms-api',
        '2 -> 3',
        'r/api@sha256:1',
        '2.3 s',
        'FAILED',
        'pod api-1, container api: CrashLoopBackOff',
      ],
      ['4', 'ms-gateway', '1', 'r/api@sha256:1', '', 'not started', ''],
    ]);
    expect(revisionChange(entry({ revision: null, outcome: 'failed' }))).toBe('2 -> -');
    expect(ledgerHeadline(ledger)).toBe(
      'deploy of 4 releases in namespace ms FAILED: 1 deployed, 1 unchanged, 1 failed, 1 not started',
    );
    expect(changedReleases(ledger)).toEqual(['ms-memory', 'ms-api']);
    expect(revisionsByRelease(ledger)).toEqual({
      'ms-redis': 4,
      'ms-memory': 1,
      'ms-api': 3,
      'ms-gateway': 1,
    });
  });

  it('aligns the terminal table', () => {
    const text = formatTable(
      ['A', 'Long header'],
      [
        ['xyz', 'v'],
        ['1', 'long value'],
      ],
    );
    expect(text.split('\n')).toEqual(['A    Long header', '---  -----------', 'xyz  v', '1    long value']);
  });
});

describe('input checks', () => {
  it('accepts DNS labels as namespaces and rejects anything else, naming the input', () => {
    expect(() => checkNamespace('memory-system', '--namespace')).not.toThrow();
    for (const bad of ['api; rm -rf /', 'Upper', '-x', 'a'.repeat(64), '']) {
      expect(() => checkNamespace(bad, '--namespace')).toThrow(
        /--namespace .* is not a valid Kubernetes namespace/,
      );
    }
  });

  it('parses whole numbers within bounds', () => {
    expect(parseWholeNumber(' 30 ', '--timeout', 1, 100)).toBe(30);
    for (const bad of ['0', '1.5', '-3', 'ten', '101', '']) {
      expect(() => parseWholeNumber(bad, '--timeout', 1, 100)).toThrow(
        /--timeout must be a whole number from 1 to 100/,
      );
    }
  });
});
