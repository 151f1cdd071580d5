// `release-kit backup data`: run every store's backup Job now, collect each snapshot and its manifest, apply
// retention, verify (restic check re-reading a share of the data, and each new snapshot restored and compared
// with its manifest), and alert when a store's newest good backup is older than its schedule allows.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReleaseConfig } from '../../config/types.js';
import type { KubeClient } from '../../kube/client.js';
import { log } from '../../log.js';
import { backupFreshness, type Freshness } from '../freshness.js';
import type { CheckResult, Restic } from '../restic.js';
import type { Snapshot } from '../restic-output.js';
import { restoreSnapshot } from '../restore-snapshot.js';
import { applyRetention, type RetentionResult } from '../retention.js';
import { labelsOf, selectorTags } from '../tags.js';
import { runStoreBackups } from './jobs.js';
import { environmentLabel } from './scope.js';

/** One row of the job summary: a store's backup of this run. */
export interface BackupRow {
  store: string;
  job?: string;
  snapshot?: string;
  /** Bytes of new data compared with the store's previous snapshot (all of it for the first one). */
  dataAdded?: number;
  files?: number;
  bytes?: number;
  durationSeconds?: number;
  verified: boolean;
  problems: string[];
}

export interface DataBackupResult {
  environment: string;
  rows: BackupRow[];
  retention: RetentionResult[];
  check?: CheckResult;
  freshness: Record<string, Freshness>;
  ok: boolean;
}

export interface DataBackupOptions {
  config: ReleaseConfig;
  kube: KubeClient;
  restic: Restic;
  stores: readonly string[];
  suffix: string;
  now?: () => Date;
  jobTimeoutMs?: number;
  snapshotWaitMs?: number;
  /** Share of the pack files `restic check` re-reads (default 10%). */
  readDataSubset?: string;
}

async function describeSnapshot(restic: Restic, snapshot: Snapshot, row: BackupRow): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rk-backup-verify-'));
  try {
    const copy = await restoreSnapshot(restic, snapshot.id, join(dir, 'copy'));
    row.files = copy.manifest.files.length;
    row.bytes = copy.manifest.files.reduce((n, f) => n + f.size, 0);
    row.problems.push(...copy.problems.map((p) => `snapshot ${snapshot.shortId}: ${p}`));
    row.dataAdded = snapshot.parent
      ? (await restic.diff(snapshot.parent, snapshot.id)).addedBytes
      : row.bytes;
  } catch (e) {
    row.problems.push(
      `snapshot ${snapshot.shortId} could not be restored for verification: ${(e as Error).message}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function runDataBackup(o: DataBackupOptions): Promise<DataBackupResult> {
  const now = o.now ?? (() => new Date());
  const environment = environmentLabel(o.config);
  const runs = await log.group('Run the backup Jobs', () =>
    runStoreBackups({
      kube: o.kube,
      restic: o.restic,
      namespace: o.config.namespace,
      environment,
      stores: o.stores,
      suffix: o.suffix,
      jobTimeoutMs: o.jobTimeoutMs ?? 6 * 3600_000,
      ...(o.snapshotWaitMs !== undefined ? { snapshotWaitMs: o.snapshotWaitMs } : {}),
    }),
  );
  const rows: BackupRow[] = runs.map((r) => ({
    store: r.store,
    ...(r.job ? { job: r.job } : {}),
    ...(r.snapshot ? { snapshot: r.snapshot.shortId } : {}),
    ...(r.outcome?.durationSeconds !== undefined ? { durationSeconds: r.outcome.durationSeconds } : {}),
    verified: false,
    problems: r.problem ? [r.problem] : [],
  }));

  // Described before retention runs: it may forget the parent the size added is measured against.
  await log.group('Collect the snapshots', async () => {
    for (const [i, run] of runs.entries()) {
      if (run.snapshot) await describeSnapshot(o.restic, run.snapshot, rows[i] as BackupRow);
    }
  });

  const retention = await log.group('Apply retention', () =>
    applyRetention(o.restic, o.config.backup, { environment }),
  );

  const check = await log.group('Verify the repository', async () => {
    const result = await o.restic.check(o.readDataSubset ?? '10%');
    if (!result.ok)
      log.error(`restic check found problems in ${o.restic.repository}: ${result.findings.join('; ')}`);
    for (const row of rows) row.verified = Boolean(row.snapshot) && result.ok && row.problems.length === 0;
    return result;
  });

  const freshness: Record<string, Freshness> = {};
  const latest = await o.restic.snapshots(selectorTags('data', environment));
  for (const store of o.stores) {
    const last = latest.filter((s) => labelsOf(s.tags)?.store === store).at(-1);
    const f = backupFreshness({
      schedule: o.config.backup.data_backup.schedule,
      field: 'backup.data_backup.schedule',
      ...(last ? { last: last.time } : {}),
      now: now(),
    });
    freshness[store] = f;
    if (f.status !== 'fresh') log.error(`${store}: the last good backup is overdue: ${f.message}`);
  }

  const ok =
    check.ok &&
    rows.every((r) => r.verified && r.problems.length === 0) &&
    Object.values(freshness).every((f) => f.status === 'fresh');
  return { environment, rows, retention, check, freshness, ok };
}
