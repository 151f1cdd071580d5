// The restore plan, the request parsing and the report, with plain data.
import { describe, expect, it } from 'vitest';
import { restoreRequest } from '../../src/cli/restore.js';
import {
  formatPlan,
  formatReport,
  parseSnapshotSpec,
  planRestore,
  type RestoreState,
  stepRows,
} from '../../src/restore/index.js';
import { followUpCommand } from '../../src/restore/run.js';

const input = {
  namespace: 'ms',
  stores: ['neo4j', 'redis'],
  snapshots: { neo4j: 'latest', redis: 'latest' },
  appReleases: ['ms-api', 'ms-memory', 'ms-storage'],
  storeReleases: ['ms-neo4j', 'ms-redis'],
};

describe('planRestore', () => {
  it("follows the seed's flow with a safety snapshot before stop and one restore step per store", () => {
    expect(planRestore(input).map((s) => s.id)).toEqual([
      'validate',
      'safety-snapshot',
      'stop',
      'restore:neo4j',
      'restore:redis',
      'start-stores',
      'verify',
      'migrate',
      'test',
      'start',
    ]);
  });

  it('a revert takes no new safety snapshot', () => {
    expect(planRestore({ ...input, revert: true }).map((s) => s.kind)).not.toContain('safety-snapshot');
  });

  it('says what each step touches; the migration step names the configured Job or says there is none', () => {
    const text = formatPlan(
      planRestore({ ...input, migration: { image: 'mig:1', command: ['migrate', 'up'] } }),
    );
    expect(text).toContain('1. Validate backup: find neo4j latest, redis latest');
    expect(text).toContain(
      '3. Stop services: remember the replicas of the Deployments of ms-api, ms-memory, ms-storage and of the StatefulSets of ms-neo4j, ms-redis in ms; scale the Deployments to 0, then the StatefulSets',
    );
    expect(text).toContain(
      '6. Start stores: scale the StatefulSets of ms-neo4j, ms-redis back to the remembered replicas and wait until they are ready',
    );
    expect(text).toContain('10. Start services: scale the Deployments of ms-api, ms-memory, ms-storage back');
    expect(text).toContain('CronJob redis-restore');
    expect(text).toContain('run the migration Job (mig:1: migrate up)');
    expect(formatPlan(planRestore(input))).toContain('backup.migration is not configured');
  });
});

describe('parseSnapshotSpec', () => {
  it('takes latest or hex ids', () => {
    expect(parseSnapshotSpec('latest')).toBe('latest');
    expect(parseSnapshotSpec('0123abcd, 89abcdef')).toEqual(['0123abcd', '89abcdef']);
  });

  it.each(['', 'newest', '12ab', 'zzzzzzzz', 'latest,0123abcd'])('refuses %j with a hint', (spec) => {
    expect(() => parseSnapshotSpec(spec)).toThrow(/the snapshot .* is neither "latest" nor snapshot ids/);
  });
});

describe('restoreRequest (the CLI options)', () => {
  it('needs exactly one of --snapshot, --resume, --revert', () => {
    expect(() => restoreRequest({})).toThrow('nothing to restore: --snapshot is required');
    expect(() => restoreRequest({ snapshot: 'latest', resume: true })).toThrow(
      '--snapshot and --resume cannot be combined',
    );
    expect(() => restoreRequest({ resume: true, stores: 'redis' })).toThrow('--stores goes with --snapshot');
    expect(restoreRequest({ snapshot: 'latest', stores: 'redis, faiss' })).toEqual({
      mode: 'restore',
      snapshot: 'latest',
      stores: ['redis', 'faiss'],
    });
    expect(restoreRequest({ revert: true })).toEqual({ mode: 'revert' });
  });
});

describe('the report', () => {
  const state: RestoreState = {
    format: 1,
    mode: 'restore',
    configFile: 'conf/my release.yaml',
    environment: 'staging',
    namespace: 'ms',
    stores: ['redis'],
    snapshots: { redis: 'a'.repeat(64) },
    safetySnapshots: { redis: 'b'.repeat(64) },
    replicas: { api: 3, memory: 2 },
    storeReplicas: { redis: 9 },
    jobs: {},
    steps: planRestore({ ...input, stores: ['redis'] }).map((s, i) => ({
      ...s,
      status: i < 3 ? 'done' : i === 3 ? 'failed' : 'pending',
      ...(i === 3 ? { message: 'restore Job redis-restore-x failed\n(BackoffLimitExceeded)' } : {}),
    })),
    startedAt: '2026-01-01T00:00:00.000Z',
    finished: false,
  };

  it('quotes what the shell would split in the follow-up commands', () => {
    expect(followUpCommand(state, '/tmp/state.json', 'resume')).toBe(
      "release-kit restore --resume --config 'conf/my release.yaml' --env staging --state /tmp/state.json --yes",
    );
  });

  it('tables every step with its outcome and prints the exact state and commands after a failure', () => {
    expect(stepRows(state.steps)[3]).toEqual([
      '4',
      'Restore redis',
      'failed',
      'restore Job redis-restore-x failed (BackoffLimitExceeded)',
    ]);
    const text = formatReport({
      ok: false,
      state,
      statePath: '/tmp/state.json',
      stopped: true,
      failed: state.steps[3],
      resumeCommand: 'RESUME',
      revertCommand: 'REVERT',
    });
    expect(text).toContain(
      'restore FAILED at "Restore redis". Services in ms are STOPPED (replicas remembered: api=3, memory=2, redis=9).',
    );
    expect(text).toContain('state: /tmp/state.json');
    expect(text).toContain('resume after fixing the cause: RESUME');
    expect(text).toContain('revert to the safety snapshot: REVERT');
  });
});
