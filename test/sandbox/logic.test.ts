// Pure logic of the sandbox, with plain data: patches, selectors, rollout arithmetic, the fault vocabulary.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { BehaviourError, behaviourOf, imageTag } from '../../src/sandbox/behaviour.js';
import { rolloutLimits, rolloutStep } from '../../src/sandbox/controllers/rollout.js';
import { applyDefaults } from '../../src/sandbox/defaults.js';
import {
  applyJsonPatch,
  applyMergePatch,
  applyPatchFor,
  applyStrategicMerge,
  PatchError,
} from '../../src/sandbox/patch.js';
import {
  fromLabelSelector,
  matches,
  parseLabelSelector,
  SelectorError,
} from '../../src/sandbox/selectors.js';

describe('patches', () => {
  it('JSON patch: add, replace, remove, test; a missing path is a PatchError', () => {
    const doc = { a: { b: [1, 2] } };
    expect(
      applyJsonPatch(doc, [
        { op: 'add', path: '/a/b/-', value: 3 },
        { op: 'replace', path: '/a/b/0', value: 0 },
        { op: 'remove', path: '/a/b/1' },
        { op: 'test', path: '/a/b', value: [0, 3] },
      ]),
    ).toEqual({ a: { b: [0, 3] } });
    expect(doc).toEqual({ a: { b: [1, 2] } });
    expect(() => applyJsonPatch(doc, [{ op: 'remove', path: '/x/y' }])).toThrow(PatchError);
    expect(() => applyJsonPatch(doc, { op: 'add' })).toThrow('must be an array');
  });

  it('merge patch: null deletes, maps merge, lists replace', () => {
    expect(applyMergePatch({ a: 1, b: { c: 1, d: 2 }, l: [1] }, { a: null, b: { d: 3 }, l: [2] })).toEqual({
      b: { c: 1, d: 3 },
      l: [2],
    });
  });

  it('strategic merge: lists merge by key (ports by containerPort vs port), $retainKeys, primitive list deletion', () => {
    const container = { name: 'a', ports: [{ containerPort: 80 }, { containerPort: 81 }] };
    expect(
      applyStrategicMerge(
        { containers: [container] },
        { containers: [{ name: 'a', ports: [{ containerPort: 81, name: 'x' }] }] },
      ),
    ).toEqual({
      containers: [{ name: 'a', ports: [{ containerPort: 80 }, { containerPort: 81, name: 'x' }] }],
    });
    expect(
      applyStrategicMerge({ ports: [{ port: 1, name: 'a' }] }, { ports: [{ port: 2, name: 'b' }] }),
    ).toEqual({
      ports: [
        { port: 1, name: 'a' },
        { port: 2, name: 'b' },
      ],
    });
    expect(
      applyStrategicMerge(
        { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } },
        { strategy: { $retainKeys: ['type'], type: 'Recreate' } },
      ),
    ).toEqual({ strategy: { type: 'Recreate' } });
    expect(
      applyStrategicMerge({ finalizers: ['a', 'b'] }, { '$deleteFromPrimitiveList/finalizers': ['a'] }),
    ).toEqual({ finalizers: ['b'] });
  });

  it('apply: fields and keyed items the manager no longer sets are removed, others stay', () => {
    const live = {
      data: { a: '1', b: '2', byOther: 'x' },
      spec: { containers: [{ name: 'a' }, { name: 'b' }] },
    };
    const previous = { data: { a: '1', b: '2' }, spec: { containers: [{ name: 'a' }, { name: 'b' }] } };
    const now = { data: { a: '1' }, spec: { containers: [{ name: 'a' }] } };
    expect(applyStrategicMerge(live, applyPatchFor(previous, now))).toEqual({
      data: { a: '1', byOther: 'x' },
      spec: { containers: [{ name: 'a' }] },
    });
  });
});

describe('selectors', () => {
  it('parses equality, set and existence requirements', () => {
    const sel = parseLabelSelector('app=api,tier in (a, b),env!=dev,!legacy,owner');
    expect(matches(sel, { app: 'api', tier: 'b', owner: 'helm' })).toBe(true);
    expect(matches(sel, { app: 'api', tier: 'c', owner: 'helm' })).toBe(false);
    expect(matches(sel, { app: 'api', tier: 'a', owner: 'helm', legacy: '1' })).toBe(false);
    expect(() => parseLabelSelector('a==b==c')).toThrow(SelectorError);
  });

  it('reads LabelSelector objects', () => {
    const sel = fromLabelSelector({
      matchLabels: { a: '1' },
      matchExpressions: [{ key: 'b', operator: 'NotIn', values: ['x'] }],
    });
    expect(matches(sel, { a: '1', b: 'y' })).toBe(true);
    expect(matches(sel, { a: '1', b: 'x' })).toBe(false);
  });
});

describe('rollout arithmetic', () => {
  it('resolves the apiserver defaults: 25% surge rounds up, 25% unavailable rounds down', () => {
    expect(
      rolloutLimits(2, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }),
    ).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(
      rolloutLimits(3, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }),
    ).toEqual({ maxSurge: 0, maxUnavailable: 1 });
  });

  it('Recreate scales the new set up only once the old pods are gone', () => {
    const input = {
      replicas: 2,
      recreate: true,
      limits: { maxSurge: 0, maxUnavailable: 2 },
      newSet: { name: 'new', replicas: 0, current: 0, available: 0 },
    };
    expect(
      rolloutStep({ ...input, oldSets: [{ name: 'old', replicas: 2, current: 2, available: 2 }] }),
    ).toEqual(
      new Map([
        ['new', 0],
        ['old', 0],
      ]),
    );
    expect(
      rolloutStep({ ...input, oldSets: [{ name: 'old', replicas: 0, current: 0, available: 0 }] }),
    ).toEqual(
      new Map([
        ['new', 2],
        ['old', 0],
      ]),
    );
  });

  // Simulate a whole rolling update where every pod becomes available at once: the controller must never
  // exceed replicas + maxSurge pods nor drop below replicas - maxUnavailable available, and must finish.
  test.prop([
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 0, max: 4 }),
    fc.integer({ min: 0, max: 4 }),
  ])('honours maxSurge and maxUnavailable and converges', (replicas, surge, unavailable) => {
    const limits = rolloutLimits(replicas, {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable },
    });
    let sets = { new: 0, old: replicas };
    for (let step = 0; step < 100 && (sets.new !== replicas || sets.old !== 0); step++) {
      const next = rolloutStep({
        replicas,
        recreate: false,
        limits,
        newSet: { name: 'new', replicas: sets.new, current: sets.new, available: sets.new },
        oldSets: [{ name: 'old', replicas: sets.old, current: sets.old, available: sets.old }],
      });
      sets = { new: next.get('new') ?? 0, old: next.get('old') ?? 0 };
      expect(sets.new + sets.old).toBeLessThanOrEqual(replicas + limits.maxSurge);
      expect(sets.new + sets.old).toBeGreaterThanOrEqual(replicas - limits.maxUnavailable);
    }
    expect(sets).toEqual({ new: replicas, old: 0 });
  });
});

describe('fault vocabulary', () => {
  it('reads the tag spelling and the annotation spelling, the annotation winning', () => {
    expect(imageTag('registry:5000/team/api:v2-errors-0.2')).toBe('v2-errors-0.2');
    expect(imageTag('registry:5000/team/api')).toBe('latest');
    expect(behaviourOf('api:v2-errors-0.2-latency-200ms', undefined)).toMatchObject({
      errors: 0.2,
      latencyMs: 200,
    });
    expect(behaviourOf('api:crash', undefined).crash).toBe(true);
    expect(behaviourOf('api:slow-start-3s', undefined).slowStartSeconds).toBe(3);
    expect(behaviourOf('api:v1', 'unready,latency=1s')).toMatchObject({ unready: true, latencyMs: 1000 });
    expect(behaviourOf('api:crash', 'healthy').crash).toBe(false);
    expect(behaviourOf('api:pull-error', undefined).pullError).toBe(true);
    // A version that merely contains a word is not a fault.
    expect(behaviourOf('api:crashed-v1', undefined).crash).toBe(false);
  });

  it('rejects unknown words and out-of-range values with the annotation in the message', () => {
    expect(() => behaviourOf('api:v1', 'explode')).toThrow(BehaviourError);
    expect(() => behaviourOf('api:v1', 'explode')).toThrow(
      /unknown behaviour "explode".*known: healthy, crash/,
    );
    expect(() => behaviourOf('api:v1', 'errors=1.5')).toThrow('errors must be a fraction between 0 and 1');
    expect(() => behaviourOf('api:v1', 'latency=fast')).toThrow('latency must be a number');
  });
});

describe('apiserver defaults', () => {
  it('gives StatefulSets a RollingUpdate strategy and Secrets data from stringData', () => {
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 's' },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } },
    };
    applyDefaults(sts);
    expect(sts.spec).toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    });
    expect(sts.spec.template.spec.containers[0]).toMatchObject({
      imagePullPolicy: 'Always',
      terminationMessagePath: '/dev/termination-log',
    });
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      stringData: { a: 'b' },
    } as Record<string, unknown>;
    applyDefaults(secret as never);
    expect(secret).toMatchObject({ data: { a: 'Yg==' }, type: 'Opaque' });
    expect(secret.stringData).toBeUndefined();
  });
});
