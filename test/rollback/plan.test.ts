// Rollback planning as plain data: which releases, which revisions, which order, and every refusal.
import { describe, expect, it } from 'vitest';
import type { ReleaseConfig } from '../../src/config/types.js';
import type { Ledger, LedgerRelease } from '../../src/deploy/ledger.js';
import type { Revision } from '../../src/helm/types.js';
import {
  batchesOf,
  parseRevision,
  planAutomaticRollback,
  planManualRollback,
  previousDeployedRevision,
  type ReleaseRef,
  rollbackSettings,
} from '../../src/rollback/index.js';
import type { RollbackSettings } from '../../src/rollback/types.js';

const settings: RollbackSettings = {
  timeoutSeconds: 300,
  batchSize: 1,
  pauseMs: 30_000,
  rollForwardOnly: ['neo4j'],
  conditions: ['health_check_failed', 'error_rate_threshold', 'manual_trigger'],
};

const waves: Record<string, number> = {
  faiss: 1,
  neo4j: 1,
  redis: 1,
  memory: 2,
  storage: 2,
  api: 3,
  gateway: 4,
};
const releases: ReleaseRef[] = Object.entries(waves).map(([component, wave]) => ({
  component,
  release: `ms-${component}`,
  namespace: 'ms',
  wave,
}));

const entry = (component: string, changes: Partial<LedgerRelease>): LedgerRelease => ({
  component,
  release: `ms-${component}`,
  namespace: 'ms',
  wave: waves[component] as number,
  previousRevision: 4,
  revision: 5,
  chartVersion: '0.1.0',
  images: [],
  valuesDigest: '',
  changed: true,
  outcome: 'deployed',
  ...changes,
});

const ledger = (entries: LedgerRelease[]): Ledger => ({
  version: 1,
  runId: 'r1',
  config: 'release.yaml',
  namespace: 'ms',
  startedAt: '2026-01-01T00:00:00Z',
  dryRun: false,
  outcome: 'failed',
  releases: entries,
});

const history = (...statuses: Revision['status'][]): Revision[] =>
  statuses.map((status, i) => ({
    revision: i + 1,
    status,
    updated: new Date(0),
    chart: 'memory-system-0.1.0',
    appVersion: '1',
    description: '',
  }));

describe('automatic rollback plan', () => {
  it('rolls back only what the run changed, last wave first, one release per batch', () => {
    const plan = planAutomaticRollback(
      ledger([
        entry('redis', {}),
        entry('memory', { previousRevision: 2, revision: 3 }),
        entry('storage', { changed: false, previousRevision: 7, revision: 7, outcome: 'unchanged' }),
        entry('api', {}),
        entry('gateway', { outcome: 'failed' }),
      ]),
      settings,
      'error_rate_threshold',
      'memory error ratio 20%',
    );
    expect(
      plan.batches.map((b) => b.map((t) => `${t.component} ${t.fromRevision}->${t.toRevision}`)),
    ).toEqual([['gateway 5->4'], ['api 5->4'], ['memory 3->2'], ['redis 5->4']]);
    expect(plan.skipped).toEqual([]);
    expect(plan).toMatchObject({ trigger: 'error_rate_threshold', reason: 'memory error ratio 20%' });
  });

  it('skips roll-forward-only stores and releases the run installed, saying why', () => {
    const plan = planAutomaticRollback(
      ledger([
        entry('neo4j', {}),
        entry('faiss', { previousRevision: null, revision: 1 }),
        entry('memory', {}),
      ]),
      settings,
      'health_check_failed',
      'x',
    );
    expect(plan.batches.flat().map((t) => t.component)).toEqual(['memory']);
    expect(plan.skipped.map((s) => s.component)).toEqual(['neo4j', 'faiss']);
    expect(plan.skipped[0]?.reason).toMatch(/roll_forward_only.*fix it forward/);
    expect(plan.skipped[1]?.reason).toMatch(/installed by this run/);
  });

  it('batches batch_size releases of one wave together, never two waves', () => {
    const targets = ['faiss', 'redis', 'memory', 'storage', 'api'].map((c) => ({
      component: c,
      release: `ms-${c}`,
      namespace: 'ms',
      wave: waves[c] as number,
      fromRevision: 2,
      toRevision: 1,
    }));
    expect(batchesOf(targets, 3).map((b) => b.map((t) => t.component))).toEqual([
      ['api'],
      ['memory', 'storage'],
      ['faiss', 'redis'],
    ]);
  });
});

describe('manual rollback plan', () => {
  const histories = new Map([
    ['ms-api', history('superseded', 'superseded', 'deployed')],
    ['ms-memory', history('superseded', 'deployed', 'failed')],
  ]);
  const request = { reason: 'bad release', components: ['api'] };

  it('defaults to the previous deployed revision, passing over failed ones', () => {
    expect(previousDeployedRevision(history('superseded', 'deployed'))?.revision).toBe(1);
    expect(previousDeployedRevision(history('superseded', 'failed', 'deployed'))?.revision).toBe(1);
    expect(previousDeployedRevision(history('superseded', 'deployed', 'failed'))?.revision).toBe(2);
    expect(previousDeployedRevision(history('deployed'))).toBeUndefined();
    const plan = planManualRollback(
      { ...request, components: ['api', 'memory'] },
      releases,
      histories,
      settings,
    );
    expect(
      plan.batches.map((b) => b.map((t) => `${t.component} ${t.fromRevision}->${t.toRevision}`)),
    ).toEqual([['api 3->2'], ['memory 3->2']]);
    expect(plan.trigger).toBe('manual_trigger');
  });

  it('goes to a chosen revision', () => {
    const plan = planManualRollback({ ...request, toRevision: 1 }, releases, histories, settings);
    expect(plan.batches.flat().map((t) => t.toRevision)).toEqual([1]);
  });

  it.each([
    [{ components: ['apii'] }, /"apii" is not a component of this release \(components: faiss, neo4j/],
    [{ components: [] }, /no component named/],
    [{ components: ['neo4j'] }, /neo4j: listed in rollback.roll_forward_only/],
    [
      { toRevision: 9 },
      /api: release ms-api has no revision 9 \(history: 1 superseded, 2 superseded, 3 deployed\)/,
    ],
    [{ toRevision: 3 }, /revision 3 is already the current revision of ms-api/],
    [{ toRevision: 0 }, /revision 0 is not a positive integer/],
    [
      { components: ['api', 'memory'], toRevision: 1 },
      /a revision number belongs to one release, but 2 components/,
    ],
    [{ components: ['storage'] }, /storage: release ms-storage is not installed in namespace ms/],
    [{ reason: ' ' }, /no reason given/],
  ])('refuses %j before anything changes', (change, message) => {
    expect(() => planManualRollback({ ...request, ...change }, releases, histories, settings)).toThrow(
      message,
    );
  });

  it('refuses a release that is mid-operation, and refuses everything when manual_trigger is disabled', () => {
    const pending = new Map([['ms-api', history('superseded', 'pending-upgrade')]]);
    expect(() => planManualRollback(request, releases, pending, settings)).toThrow(/pending-upgrade/);
    const noManual = { ...settings, conditions: settings.conditions.filter((c) => c !== 'manual_trigger') };
    expect(() => planManualRollback(request, releases, histories, noManual)).toThrow(
      /rollback.conditions does not list manual_trigger/,
    );
  });
});

describe('inputs', () => {
  it('parses a revision or names the field', () => {
    expect(parseRevision('3', '--to-revision')).toBe(3);
    for (const bad of ['0', '-1', '1.5', 'two', '', '1e3']) {
      expect(() => parseRevision(bad, '--to-revision')).toThrow(
        /--to-revision: ".*" is not a revision number/,
      );
    }
  });

  it('reads rollback settings from the config, in engine units', () => {
    const config = {
      rollback: {
        conditions: ['manual_trigger'],
        error_rate_threshold: 0.05,
        settings: { timeout: 300, batch_size: 1, pause_time: 30 },
        roll_forward_only: ['neo4j'],
      },
    } as unknown as ReleaseConfig;
    expect(rollbackSettings(config)).toEqual({
      timeoutSeconds: 300,
      batchSize: 1,
      pauseMs: 30_000,
      rollForwardOnly: ['neo4j'],
      conditions: ['manual_trigger'],
    });
    const broken = {
      rollback: { ...config.rollback, settings: { timeout: 300, batch_size: 0, pause_time: 30 } },
    };
    expect(() => rollbackSettings(broken as ReleaseConfig)).toThrow(
      /rollback.settings.batch_size: 0 is not an integer >= 1/,
    );
  });
});
