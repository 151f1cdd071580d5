// Puts one shard of a verified FAISS backup into the index directory of one shard replica: the restore Jobs
// run once per replica volume, so every replica of a shard gets the same files. Each file is copied under a
// temporary name, checked against the manifest and renamed into place only when every file of the shard
// matched (the service loads the index when it starts); other files in the directory are left alone.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { log } from '../log.js';
import type { BackupManifest } from './manifest.js';
import { type Placement, prepareCopies } from './place.js';

export interface FaissRestoreOptions {
  /** The restored and verified snapshot. */
  stagedDir: string;
  manifest: BackupManifest;
  /** The shard whose files go into target (the backup's name for it, the StatefulSet's shard label). */
  shard: string;
  /** The replica's index directory (FAISS_INDEX_DIR). */
  target: string;
}

export interface FaissRestoreResult {
  shard: string;
  dir: string;
  files: number;
  ntotal: number;
}

export async function restoreFaiss(o: FaissRestoreOptions): Promise<FaissRestoreResult> {
  const details = o.manifest.faiss;
  if (!details) throw new UserError('the snapshot is not a FAISS backup (its manifest has no faiss details)');
  const shard = details.shards.find((s) => s.shard === o.shard);
  if (!shard) {
    throw new UserError(
      `the snapshot holds no faiss shard "${o.shard}": its shards are ${details.shards.map((s) => s.shard).join(', ')}`,
      'pass one of them as --shard; a backup of a cluster with another shard count does not fit this one',
    );
  }
  if (!(await stat(o.target).catch(() => undefined))?.isDirectory()) {
    throw new UserError(
      `restore target ${o.target} is not a directory`,
      `point --target at the index directory of a (stopped) replica of faiss shard ${o.shard}`,
    );
  }
  // The backup keeps each shard under shard-<name>/; a replica's directory holds one shard's files directly.
  const recorded = `shard-${shard.shard}`;
  const entries = new Map(o.manifest.files.map((f) => [f.path, f]));
  const placements: Placement[] = shard.files.map((name) => {
    const expected = entries.get(`${recorded}/${name}`);
    if (!expected) throw new UserError(`the manifest names ${recorded}/${name} but does not list the file`);
    return { source: join(o.stagedDir, recorded, name), destination: join(o.target, name), expected };
  });
  await (await prepareCopies(placements)).commit();
  log.info(`faiss shard ${shard.shard}: ${shard.files.length} files (ntotal ${shard.ntotal}) in ${o.target}`);
  return { shard: shard.shard, dir: o.target, files: shard.files.length, ntotal: shard.ntotal };
}
