// Puts a snapshot's files into a directory and checks them against the snapshot's manifest. Backups are
// taken as `restic backup .` inside the backup directory, so the snapshot's root is that directory. The
// files are extracted beside the target and renamed into place: the caller gets the whole copy or none.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { type CopyVerification, verifyCopy } from './files.js';
import type { Restic } from './restic.js';
import type { Snapshot } from './restic-output.js';

export interface RestoredSnapshot extends CopyVerification {
  snapshot: Snapshot;
  dir: string;
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw e;
  }
}

export async function restoreSnapshot(
  restic: Restic,
  snapshotId: string,
  target: string,
): Promise<RestoredSnapshot> {
  const snapshot = await restic.snapshot(snapshotId);
  if (snapshot.paths.length !== 1) {
    throw new UserError(
      `snapshot ${snapshot.shortId} holds ${snapshot.paths.length} paths; release-kit backups hold one directory`,
      'restore it with `restic restore` by hand',
    );
  }
  if (!(await isEmptyOrMissing(target))) {
    throw new UserError(`restore target ${target} is not empty`, 'restore into a new or empty directory');
  }
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.partial-${randomBytes(4).toString('hex')}`;
  try {
    await restic.restore(snapshot.id, partial);
    await rmdir(target).catch(() => {});
    await rename(partial, target);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  return { snapshot, dir: target, ...(await verifyCopy(target)) };
}
