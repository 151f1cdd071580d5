// The gate's pure parts with plain data: outcomes and exit codes, settings after a rollback, the ledger file,
// rollout signals from API objects, source routing, and the reports.
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Ledger, LedgerRelease } from '../../src/deploy/ledger.js';
import {
  formatVerification,
  formatWaveVerifications,
  gateOutcome,
  parseLedger,
  progressSource,
  routedSource,
  settingsAfterRollback,
  tierRunning,
  verificationMarkdown,
} from '../../src/gate/index.js';
import {
  failingReason,
  kubeSignalOf,
  matchesSelector,
  signalFromSnapshot,
} from '../../src/kube/workloads.js';
import type { RollbackReport } from '../../src/rollback/types.js';
import type { Check, VerificationResult, VerificationSettings } from '../../src/verify/types.js';
import { FakeClock } from '../verify/fake-clock.js';

const result = (over: Partial<VerificationResult>): VerificationResult => ({
  verdict: 'pass',
  decision: 'proceed',
  reason: 'all 2 checks passed',
  startedAt: 0,
  endedAt: 10_000,
  checks: [],
  measurements: [],
  ...over,
});

const report = (outcome: RollbackReport['outcome']): RollbackReport => ({
  trigger: 'error_rate_threshold',
  reason: 'memory 20%',
  outcome,
  releases: [
    {
      component: 'memory',
      release: 'ms-memory',
      namespace: 'ms',
      wave: 2,
      fromRevision: 2,
      toRevision: 1,
      outcome: outcome === 'failed' ? 'failed' : 'rolled-back',
      state: { known: true, revision: 2, status: 'deployed', description: '' },
    },
  ],
  skipped: [],
  startedAt: 0,
  endedAt: 1,
});

describe('gate outcome', () => {
  const failed = result({ verdict: 'fail', decision: 'rollback', reason: 'memory:error_ratio: 3 failures' });
  it.each([
    [result({}), undefined, undefined, 'passed', 0],
    [
      result({ verdict: 'inconclusive', decision: 'hold', reason: 'no data' }),
      undefined,
      undefined,
      'held',
      4,
    ],
    [
      result({ verdict: 'inconclusive', decision: 'fail', reason: 'no data' }),
      undefined,
      undefined,
      'failed',
      3,
    ],
    [result({ verdict: 'fail', decision: 'fail', reason: 'x' }), undefined, undefined, 'failed', 3],
    [failed, undefined, undefined, 'rollback-required', 3],
    [failed, report('rolled-back'), result({}), 'rolled-back', 3],
    [
      result({ verdict: 'inconclusive', decision: 'rollback' }),
      report('rolled-back'),
      result({}),
      'rolled-back',
      4,
    ],
    [failed, report('failed'), undefined, 'rollback-failed', 2],
  ] as const)('%#: %s', (verification, rollback, after, outcome, exitCode) => {
    const o = gateOutcome(verification, rollback, after);
    expect([o.outcome, o.exitCode]).toEqual([outcome, exitCode]);
  });

  it('says what happened in one line', () => {
    expect(gateOutcome(failed, report('failed')).summary).toMatch(
      /the rollback FAILED at ms-memory and stopped/,
    );
    expect(
      gateOutcome(failed, report('rolled-back'), result({ verdict: 'fail', reason: 'still bad' })).summary,
    ).toMatch(/rolled back ms-memory; after the rollback verification is fail: still bad/);
    expect(gateOutcome(failed).summary).toMatch(/run `release-kit rollback --ledger <file>`/);
  });
});

describe('settings after a rollback', () => {
  const base: VerificationSettings = {
    initialDelayMs: 0,
    periodMs: 1000,
    timeoutMs: 1000,
    successThreshold: 1,
    failureThreshold: 3,
    windowMs: 4000,
    errorRateThreshold: 0.05,
    maxErrorRateIncrease: 0.01,
    minRequestRate: 0.5,
    onInconclusive: 'hold',
    rollbackOn: [],
  };
  it('waits one rate window for the faulty samples to leave it, and keeps room for the thresholds', () => {
    expect(settingsAfterRollback(base, 5000)).toMatchObject({ initialDelayMs: 5000, windowMs: 7000 });
    expect(
      settingsAfterRollback({ ...base, initialDelayMs: 30_000, windowMs: 300_000 }, 60_000),
    ).toMatchObject({
      initialDelayMs: 60_000,
      windowMs: 300_000,
    });
  });
});

describe('ledger file', () => {
  const good = {
    version: 1,
    runId: 'r',
    namespace: 'ms',
    dryRun: false,
    releases: [
      {
        component: 'api',
        release: 'ms-api',
        namespace: 'ms',
        wave: 3,
        previousRevision: null,
        revision: 1,
        changed: true,
      },
    ],
  };
  it('accepts a ledger and names the file and field of a broken one', () => {
    expect(parseLedger(good, 'l.json').releases[0]?.release).toBe('ms-api');
    expect(() => parseLedger([], 'l.json')).toThrow(/l.json: the file is not a JSON object/);
    expect(() => parseLedger({ ...good, version: 2 }, 'l.json')).toThrow(/l.json: version is 2, expected 1/);
    const bad = (r: Record<string, unknown>) => ({ ...good, releases: [{ ...good.releases[0], ...r }] });
    expect(() => parseLedger(bad({ revision: 0 }), 'l.json')).toThrow(
      /releases\[0\].revision is 0, expected a revision or null/,
    );
    expect(() => parseLedger(bad({ changed: 'yes' }), 'l.json')).toThrow(
      /releases\[0\].changed is not true or false/,
    );
    expect(() => parseLedger(bad({ release: '' }), 'l.json')).toThrow(/releases\[0\].release is missing/);
  });
});

describe('rollout signals', () => {
  const deployment = (status: V1Deployment['status'], generation = 2): V1Deployment => ({
    metadata: { name: 'memory', generation },
    spec: { replicas: 2, selector: { matchLabels: { app: 'memory' } }, template: {} },
    status,
  });
  const pod = (name: string, containerStatus: object, labels = { app: 'memory' }): V1Pod =>
    ({
      metadata: { name, labels },
      status: { phase: 'Running', containerStatuses: [containerStatus] },
    }) as V1Pod;

  it('counts only ready pods of the current template, and names failing pods with their reason', () => {
    const signal = kubeSignalOf(
      'Deployment',
      deployment({ observedGeneration: 2, readyReplicas: 2, updatedReplicas: 1 }),
      [
        pod('memory-a', { state: { waiting: { reason: 'CrashLoopBackOff' } } }),
        pod('memory-b', { state: { running: {} } }),
      ],
    );
    expect(signal).toEqual({
      kind: 'kube',
      workload: 'Deployment/memory',
      desiredReplicas: 2,
      readyReplicas: 1,
      failingPods: [{ name: 'memory-a', reason: 'CrashLoopBackOff' }],
    });
    expect(
      kubeSignalOf(
        'Deployment',
        deployment({ observedGeneration: 1, readyReplicas: 2, updatedReplicas: 2 }),
        [],
      ).readyReplicas,
    ).toBe(0);
  });

  it('recognises pods that will not start by waiting', () => {
    expect(failingReason(pod('p', { state: { waiting: { reason: 'ImagePullBackOff' } } }))).toBe(
      'ImagePullBackOff',
    );
    expect(failingReason(pod('p', { state: { waiting: { reason: 'ContainerCreating' } } }))).toBeUndefined();
    expect(
      failingReason(
        pod('p', {
          restartCount: 2,
          state: { running: {} },
          lastState: { terminated: { reason: 'OOMKilled' } },
        }),
      ),
    ).toBe('OOMKilled');
    expect(failingReason({ status: { phase: 'Failed', reason: 'Evicted' } } as V1Pod)).toBe('Evicted');
  });

  it('matches selectors and reports a vanished workload as not ready', () => {
    expect(matchesSelector({ app: 'a', tier: 'x' }, { matchLabels: { app: 'a' } })).toBe(true);
    expect(matchesSelector({ app: 'a' }, { matchExpressions: [{ key: 'tier', operator: 'Exists' }] })).toBe(
      false,
    );
    expect(
      matchesSelector({ app: 'a' }, { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['b'] }] }),
    ).toBe(true);
    expect(matchesSelector({ app: 'a' }, undefined)).toBe(false);
    const gone = signalFromSnapshot({ deployments: [], statefulSets: [], pods: [] }, 'Deployment/memory');
    expect(gone).toMatchObject({ readyReplicas: 0, failingPods: [{ reason: 'NotFound' }] });
    expect(() => signalFromSnapshot({ deployments: [], statefulSets: [], pods: [] }, 'Pod/x')).toThrow(
      /does not name a workload/,
    );
  });
});

describe('sources and reports', () => {
  const checks: Check[] = [
    { id: 'memory:error_ratio', kind: 'error_ratio', job: 'memory' },
    { id: 'kube:Deployment/memory', kind: 'kube', workload: 'Deployment/memory' },
  ];
  const context = { timeoutMs: 1000, signal: new AbortController().signal };

  it('routes each check to the source of its kind; a kind without one is unavailable', async () => {
    const source = routedSource({
      error_ratio: {
        measure: async () => ({ kind: 'error_ratio', ratio: 0.2, requestRate: 10, query: 'q' }),
      },
    });
    expect(await source.measure(checks[0] as Check, context)).toMatchObject({ ratio: 0.2 });
    expect(await source.measure(checks[1] as Check, context)).toMatchObject({
      kind: 'unavailable',
      reason: 'no measurement source is configured for kube checks',
    });
  });

  it('prints one progress line per round of measurements', async () => {
    const lines: string[] = [];
    const clock = new FakeClock(1_000_000);
    const source = progressSource(
      routedSource({
        error_ratio: {
          measure: async () => ({ kind: 'error_ratio', ratio: 0.2, requestRate: 10, query: 'q' }),
        },
        kube: {
          measure: async () => ({
            kind: 'kube',
            workload: 'Deployment/memory',
            desiredReplicas: 2,
            readyReplicas: 1,
            failingPods: [],
          }),
        },
      }),
      clock,
      (l) => lines.push(l),
    );
    await Promise.all(checks.map((c) => source.measure(c, context)));
    await new Promise((r) => setImmediate(r));
    expect(lines).toEqual([
      '+0s  memory:error_ratio 20.00% of 10 req/s | Deployment/memory 1/2 | 0/1 workloads ready',
    ]);
  });

  const verification = result({
    verdict: 'fail',
    decision: 'rollback',
    reason: 'memory:error_ratio: 3 consecutive failing evaluations',
    checks: [
      {
        check: checks[0] as Check,
        verdict: 'fail',
        reason: '3 consecutive failing evaluations',
        trigger: 'error_rate_threshold',
      },
    ],
    measurements: [1, 2, 3].map((s) => ({
      check: 'memory:error_ratio',
      time: s * 1000,
      outcome: 'fail' as const,
      value: 0.2,
      reason: 'error ratio 20.00% is above 5.00%',
      query: 'sum(rate(x[5s]))',
    })),
  });

  it('reads well in a terminal', () => {
    expect(formatVerification(verification)).toBe(
      [
        'FAIL after 10s (decision: rollback)',
        '  FAIL         memory:error_ratio  3 consecutive failing evaluations [3 evaluations]',
      ].join('\n'),
    );
  });

  it('renders a summary with the checks, the error ratio chart and every measurement', () => {
    const md = verificationMarkdown('Verification after the deploy', verification, 0.05);
    expect(md).toContain('### Verification after the deploy: FAIL (decision: rollback)');
    expect(md).toContain('| memory:error_ratio | FAIL | 3 consecutive failing evaluations |');
    expect(md).toContain('```mermaid\nxychart-beta');
    expect(md).toContain('line [20, 20, 20]');
    expect(md).toContain('| +1s | 20% | ❌ fail | error ratio 20.00% is above 5.00% |');
  });
});

describe('per-wave verification', () => {
  const entry = (
    wave: number,
    component: string,
    outcome: LedgerRelease['outcome'],
    previousRevision: number | null,
    revision: number | null,
  ): LedgerRelease => ({
    component,
    release: `ms-${component}`,
    namespace: 'ms',
    wave,
    previousRevision,
    revision,
    chartVersion: '0.1.0',
    images: [],
    valuesDigest: '',
    changed: outcome === 'deployed',
    outcome,
  });
  const ledger = (releases: LedgerRelease[]): Ledger => ({
    version: 1,
    runId: 'r',
    config: 'release.yaml',
    namespace: 'ms',
    startedAt: '2025-01-01T00:00:00Z',
    dryRun: false,
    outcome: 'failed',
    releases,
  });

  it('measures a tier once its component runs (an old revision counts), and jobs named after no component', () => {
    // A first install stopped after wave 2: api was never installed; storage upgrades an old revision.
    const running = tierRunning(
      ledger([
        entry(2, 'memory', 'deployed', null, 1),
        entry(2, 'storage', 'not-started', 4, null),
        entry(3, 'api', 'not-started', null, null),
      ]),
    );
    expect(['memory', 'storage', 'api', 'nginx'].map(running)).toEqual([true, true, false, true]);
  });

  it('says per wave whether it passed, failed, changed nothing or was not started', () => {
    const failed = result({
      verdict: 'fail',
      decision: 'rollback',
      reason: 'memory:error_ratio failed: 3 consecutive failing evaluations',
    });
    const text = formatWaveVerifications(
      ledger([
        entry(1, 'faiss', 'unchanged', 1, 1),
        entry(1, 'redis', 'unchanged', 1, 1),
        entry(2, 'memory', 'deployed', 1, 2),
        entry(3, 'storage', 'deployed', 1, 2),
        entry(4, 'api', 'not-started', 1, null),
        entry(5, 'gateway', 'not-started', 1, null),
      ]),
      [
        { wave: 2, result: result({}) },
        { wave: 3, result: failed },
      ],
    );
    expect(text.split('\n')).toEqual([
      'Verification per wave:',
      '  wave 1 (faiss, redis): nothing changed, not verified',
      '  wave 2 (memory): PASS (decision: proceed): all 2 checks passed',
      '  wave 3 (storage): FAIL (decision: rollback): memory:error_ratio failed: 3 consecutive failing evaluations',
      '  wave 4 (api): not started',
      '  wave 5 (gateway): not started',
    ]);
  });
});
