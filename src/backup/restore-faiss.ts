// Puts a verified FAISS backup back into the shards' data directories: `<target>/shard-<name>/`, the layout
// the backup recorded, each file copied under a temporary name, checked against the manifest and renamed
// into place only when every file of every shard matched (the services load the index when they start).
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
  target: string;
}

export interface FaissRestoreResult {
  shards: { shard: string; dir: string; files: number; ntotal: number }[];
}

export async function restoreFaiss(o: FaissRestoreOptions): Promise<FaissRestoreResult> {
  const details = o.manifest.faiss;
  if (!details) throw new UserError('the snapshot is not a FAISS backup (its manifest has no faiss details)');
  const entries = new Map(o.manifest.files.map((f) => [f.path, f]));
  const placements: Placement[] = [];
  const shards: FaissRestoreResult['shards'] = [];
  for (const s of details.shards) {
    const relative = `shard-${s.shard}`;
    const dir = join(o.target, relative);
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
      throw new UserError(
        `${dir} is not a directory: the data directory of faiss shard ${s.shard} is missing`,
        `mount (or create) one directory per shard under the target: ${details.shards.map((x) => `shard-${x.shard}`).join(', ')}`,
      );
    }
    for (const name of s.files) {
      const expected = entries.get(`${relative}/${name}`);
      if (!expected) throw new UserError(`the manifest names ${relative}/${name} but does not list the file`);
      placements.push({ source: join(o.stagedDir, relative, name), destination: join(dir, name), expected });
    }
    shards.push({ shard: s.shard, dir, files: s.files.length, ntotal: s.ntotal });
  }
  await (await prepareCopies(placements)).commit();
  for (const s of shards)
    log.info(`faiss shard ${s.shard}: ${s.files} files (ntotal ${s.ntotal}) in ${s.dir}`);
  return { shards };
}
