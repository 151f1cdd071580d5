// Which snapshot each store is restored from: `latest` (the newest data snapshot of the store in this
// environment) or explicit snapshot ids, whose store comes from their tags. Read-only on the repository.

import type { Restic } from '../backup/restic.js';
import type { Snapshot } from '../backup/restic-output.js';
import { labelsOf, selectorTags } from '../backup/tags.js';
import { UserError } from '../errors.js';

export interface SnapshotTargets {
  /** Store -> snapshot (full id), for every store that could be resolved. */
  resolved: Record<string, Snapshot>;
  /** What could not be resolved, one sentence each (the validate step fails with them). */
  problems: string[];
}

/** `latest` or `id[,id…]`; an id may be short, as `restic snapshots` prints it. */
export function parseSnapshotSpec(text: string): 'latest' | string[] {
  const spec = text.trim();
  if (spec === 'latest') return 'latest';
  const ids = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!ids.length || ids.some((id) => !/^[0-9a-f]{8,64}$/.test(id))) {
    throw new UserError(
      `the snapshot ${JSON.stringify(text)} is neither "latest" nor snapshot ids`,
      'give latest, or ids as `restic snapshots` prints them (8 or 64 hex digits), comma-separated',
    );
  }
  return ids;
}

export async function resolveSnapshots(
  restic: Restic,
  environment: string,
  spec: 'latest' | string[],
  stores: readonly string[],
): Promise<SnapshotTargets> {
  const all = await restic.snapshots(selectorTags('data'));
  const resolved: Record<string, Snapshot> = {};
  const problems: string[] = [];
  if (spec === 'latest') {
    for (const store of stores) {
      const newest = all
        .filter((s) => {
          const l = labelsOf(s.tags);
          return l?.store === store && l.environment === environment;
        })
        .at(-1);
      if (newest) resolved[store] = newest;
      else
        problems.push(`there is no data snapshot of ${store} (env=${environment}) in ${restic.repository}`);
    }
    return { resolved, problems };
  }
  for (const id of spec) {
    const found = all.filter((s) => s.id.startsWith(id));
    const snapshot = found[0];
    if (found.length !== 1 || !snapshot) {
      problems.push(
        found.length
          ? `snapshot ${id} is ambiguous: give more of its id`
          : `snapshot ${id} does not exist in ${restic.repository} (or is not a release-kit data snapshot)`,
      );
      continue;
    }
    const store = labelsOf(snapshot.tags)?.store as string;
    if (!stores.includes(store)) {
      problems.push(
        `snapshot ${id} holds ${store}, which is not among the stores to restore (${stores.join(', ')})`,
      );
    } else if (resolved[store]) {
      problems.push(
        `snapshots ${resolved[store].shortId} and ${snapshot.shortId} both hold ${store}: give one`,
      );
    } else {
      resolved[store] = snapshot;
    }
  }
  return { resolved, problems };
}
