// Retention against a real restic repository, with snapshots dated over 40 days (restic counts calendar
// days, so the dates are set with `backup --time`).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRetention, type RetentionResult, retentionPolicies } from '../../src/backup/retention.js';
import { snapshotHost } from '../../src/backup/stage.js';
import { type SnapshotLabels, snapshotTags } from '../../src/backup/tags.js';
import { loadReleaseConfig } from '../../src/config/index.js';
import type { ReleaseConfig } from '../../src/config/types.js';
import { UserError } from '../../src/errors.js';
import { packageRoot } from '../../src/util/paths.js';
import { createTestRepository, type TestRepository } from '../support/restic.js';

const day = 24 * 60 * 60 * 1000;
// Sunday 30 March 2025, 00:00 UTC: "today" for this repository.
const today = Date.UTC(2025, 2, 30);
const at = (daysAgo: number, minutes = 0) => new Date(today - daysAgo * day + minutes * 60_000);

const redisData: SnapshotLabels = { store: 'redis', environment: 'staging', kind: 'data' };
const neo4jData: SnapshotLabels = { store: 'neo4j', environment: 'staging', kind: 'data' };
const config: SnapshotLabels = { store: 'config', environment: 'staging', kind: 'config' };

// Daily redis backups for 9 days (two on the newest day), then sparse ones back to day 39.
const redisDays = [[0, 30], [0, 5], [1], [2], [3], [4], [5], [6], [7], [8], [12], [20], [30], [39]] as const;
// Weekly config backups on Sundays back to day 35, and one extra mid-week.
const configDays = [0, 3, 7, 14, 21, 28, 35];
// Only three old neo4j backups: a group of its own keeps them all.
const neo4jDays = [20, 30, 39];

let repo: TestRepository;
let backup: ReleaseConfig['backup'];
let results: RetentionResult[];

const times = async (labels: SnapshotLabels) =>
  (await repo.restic.snapshots(snapshotTags(labels))).map((s) => s.time.toISOString());
const iso = (d: Date) => d.toISOString();

beforeAll(async () => {
  backup = (await loadReleaseConfig(join(packageRoot(), 'examples', 'memory-system.yaml'))).backup;
  repo = await createTestRepository();
  const dir = join(repo.scratch, 'data');
  await mkdir(dir);
  await writeFile(join(dir, 'file'), 'same content in every snapshot');
  const jobs: [SnapshotLabels, Date][] = [
    ...redisDays.map(([d, m]) => [redisData, at(d, m ?? 0)] as [SnapshotLabels, Date]),
    ...configDays.map((d) => [config, at(d)] as [SnapshotLabels, Date]),
    ...neo4jDays.map((d) => [neo4jData, at(d)] as [SnapshotLabels, Date]),
  ];
  // Each restic run takes ~0.7 s, mostly waiting; six at a time overlap the waits.
  for (let i = 0; i < jobs.length; i += 6) {
    await Promise.all(
      jobs
        .slice(i, i + 6)
        .map(([labels, time]) =>
          repo.restic.backup(dir, { tags: snapshotTags(labels), host: snapshotHost, time }),
        ),
    );
  }
  results = await applyRetention(repo.restic, backup);
});

afterAll(async () => {
  await repo?.remove();
});

describe('retention from the release config', () => {
  it('takes its numbers from backup.data_backup and backup.config_backup', () => {
    expect(retentionPolicies(backup)).toEqual([
      { kind: 'data', keepDaily: 7 },
      { kind: 'config', keepWeekly: 4 },
    ]);
  });

  it('keeps exactly the newest snapshot of each of the last 7 days for data', async () => {
    expect(await times(redisData)).toEqual([6, 5, 4, 3, 2, 1].map((d) => iso(at(d))).concat(iso(at(0, 30))));
  });

  it('keeps exactly the newest snapshot of each of the last 4 weeks for config', async () => {
    expect(await times(config)).toEqual([21, 14, 7, 0].map((d) => iso(at(d))));
  });

  it('groups by store: a store with few snapshots keeps them all, however old', async () => {
    expect(await times(neo4jData)).toEqual([39, 30, 20].map((d) => iso(at(d))));
  });

  it('reports what each kind removed, and never a snapshot of the other kind', () => {
    const removedTags = (kind: string) =>
      results
        .filter((r) => r.kind === kind)
        .flatMap((r) => r.groups.flatMap((g) => g.remove.flatMap((s) => s.tags)));
    expect(results.map((r) => [r.kind, r.removed])).toEqual([
      ['data', 7],
      ['config', 3],
    ]);
    expect(removedTags('data').filter((t) => t.startsWith('kind='))).toEqual(Array(7).fill('kind=data'));
    expect(removedTags('config').filter((t) => t.startsWith('kind='))).toEqual(Array(3).fill('kind=config'));
  });

  it('leaves a sound repository after pruning', async () => {
    expect(await repo.restic.check()).toEqual({ ok: true, findings: [] });
  });

  it('refuses a retention that would delete everything', () => {
    const broken = { ...backup, data_backup: { ...backup.data_backup, retention: 0 } };
    expect(() => retentionPolicies(broken)).toThrow(UserError);
    expect(() => retentionPolicies(broken)).toThrow('backup.data_backup.retention is 0');
  });
});
