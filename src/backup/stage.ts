// The part every store backup shares: a runner stages files in a directory, then commit() describes them
// in a manifest and stores the directory as one restic snapshot tagged store/env/kind.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { log } from '../log.js';
import { describeFiles, writeManifest } from './files.js';
import { type BackupManifest, stageMarker } from './manifest.js';
import type { Restic } from './restic.js';
import type { BackupSummary } from './restic-output.js';
import { type SnapshotLabels, snapshotTags } from './tags.js';

/** What a store runner found out while staging its files. */
export type StagedBackup = Pick<BackupManifest, 'versions' | 'counts' | 'redis' | 'neo4j' | 'faiss'>;

export interface CommitOptions {
  restic: Restic;
  labels: SnapshotLabels;
  /** `full` re-reads every file (restic --force); `incremental` trusts unchanged metadata. */
  type: 'incremental' | 'full';
  /** Snapshot time (default now). */
  time?: Date;
}

export interface CommittedBackup {
  manifest: BackupManifest;
  summary: BackupSummary;
}

/** The host recorded in snapshots: fixed, because backup pods have random names. */
export const snapshotHost = 'release-kit';

/**
 * Empties a stage directory for a new backup. Only a directory that is empty or was a stage before (it
 * holds the marker, even when that run failed halfway) is emptied, so a mistyped path cannot wipe
 * unrelated files.
 */
export async function prepareStage(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const entries = await readdir(dir);
  if (entries.length && !entries.includes(stageMarker)) {
    throw new UserError(
      `stage directory ${dir} holds files that are not a previous backup stage (${entries.slice(0, 3).join(', ')}…)`,
      'point the backup at an empty directory; it empties the stage before every run',
    );
  }
  await Promise.all(entries.map((e) => rm(join(dir, e), { recursive: true, force: true })));
  await writeFile(join(dir, stageMarker), 'release-kit empties this directory before every backup\n');
}

export async function commitBackup(
  dir: string,
  staged: StagedBackup,
  o: CommitOptions,
): Promise<CommittedBackup> {
  const time = o.time ?? new Date();
  const manifest: BackupManifest = {
    format: 1,
    store: o.labels.store,
    environment: o.labels.environment,
    kind: o.labels.kind,
    type: o.type,
    createdAt: time.toISOString(),
    ...staged,
    files: await describeFiles(dir),
  };
  await writeManifest(dir, manifest);
  const tags = snapshotTags(o.labels);
  const parent = (await o.restic.snapshots(tags)).at(-1);
  const summary = await o.restic.backup(dir, {
    tags,
    host: snapshotHost,
    time,
    ...(parent ? { parent: parent.id } : {}),
    force: o.type === 'full',
  });
  log.info(
    `stored ${o.labels.store} backup as snapshot ${summary.snapshotId}: ${manifest.files.length} files, ` +
      `${summary.totalBytesProcessed} bytes, ${summary.dataAdded} bytes added`,
  );
  return { manifest, summary };
}
