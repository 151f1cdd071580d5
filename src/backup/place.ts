// Puts verified copies of backup files into a store's data directories. Every file is first copied to a
// temporary name beside its destination (same file system, so the final rename is atomic) and checked
// against its manifest entry; only when every copy matches are they renamed over their destinations, so a
// store never starts on a mix of old and restored files, nor on a file altered on the way.
import { randomBytes } from 'node:crypto';
import { copyFile, rename, rm, stat } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { sha256File } from './files.js';
import type { FileEntry } from './manifest.js';

export interface Placement {
  /** The verified file in the restored snapshot. */
  source: string;
  destination: string;
  expected: FileEntry;
}

export interface PreparedCopies {
  /** Renames every copy over its destination. */
  commit(): Promise<void>;
  /** Removes the copies; the destinations stay as they were. */
  discard(): Promise<void>;
}

export async function prepareCopies(placements: Placement[]): Promise<PreparedCopies> {
  const suffix = `.restore-${randomBytes(4).toString('hex')}`;
  const copies = placements.map((p) => ({ ...p, temp: `${p.destination}${suffix}` }));
  const discard = async () => {
    await Promise.all(copies.map((c) => rm(c.temp, { force: true })));
  };
  const problems: string[] = [];
  try {
    for (const c of copies) {
      await copyFile(c.source, c.temp);
      const size = (await stat(c.temp)).size;
      const sha256 = size === c.expected.size ? await sha256File(c.temp) : '';
      if (size !== c.expected.size || sha256 !== c.expected.sha256) {
        problems.push(
          `${c.destination}: the copy of ${c.expected.path} is ${size} bytes with sha256 ${sha256.slice(0, 12) || '-'}, ` +
            `the manifest says ${c.expected.size} bytes with ${c.expected.sha256.slice(0, 12)}`,
        );
      }
    }
  } catch (e) {
    await discard();
    throw e;
  }
  if (problems.length) {
    await discard();
    throw new UserError(
      `restored files did not match the manifest when copied into place, so nothing was changed:\n  - ${problems.join('\n  - ')}`,
      'check the target volume (free space, disk errors) and run the restore again',
    );
  }
  return {
    commit: async () => {
      for (const c of copies) await rename(c.temp, c.destination);
    },
    discard,
  };
}
