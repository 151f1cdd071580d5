// "Validate backup", the first step of the seed's recovery flow (5.2): the repository is sound (restic
// check, re-reading a share of the data), and the snapshot restores to a copy whose files match its
// manifest. Problems are collected, each naming what is wrong, rather than stopping at the first.
import { UserError } from '../errors.js';
import type { BackupManifest } from './manifest.js';
import type { Restic } from './restic.js';
import { restoreSnapshot } from './restore-snapshot.js';

export interface BackupValidation {
  ok: boolean;
  problems: string[];
  /** The restored copy (present when the restore itself worked). */
  dir?: string;
  manifest?: BackupManifest;
}

export interface ValidateOptions {
  /** Share of pack files restic re-reads (`10%`, `1/5`, `100%`); default 10%. */
  readDataSubset?: string;
}

export async function validateBackup(
  restic: Restic,
  snapshotId: string,
  target: string,
  o: ValidateOptions = {},
): Promise<BackupValidation> {
  const check = await restic.check(o.readDataSubset ?? '10%');
  const problems = check.findings.map((f) => `repository ${restic.repository}: ${f}`);
  try {
    const restored = await restoreSnapshot(restic, snapshotId, target);
    problems.push(...restored.problems.map((p) => `snapshot ${restored.snapshot.shortId}: ${p}`));
    return { ok: problems.length === 0, problems, dir: restored.dir, manifest: restored.manifest };
  } catch (e) {
    if (e instanceof UserError) throw e;
    // A damaged repository often breaks the restore itself; report it beside the check's findings.
    problems.push(`snapshot ${snapshotId} could not be restored: ${(e as Error).message}`);
    return { ok: false, problems };
  }
}

/** A failed validation as a user-facing error: every problem, and what to do. */
export function validationError(snapshotId: string, v: BackupValidation): UserError {
  return new UserError(
    `backup ${snapshotId} failed validation:\n  - ${v.problems.join('\n  - ')}`,
    'do not restore from it: pick an older snapshot, and repair the repository (`restic check`, `restic repair`)',
  );
}
