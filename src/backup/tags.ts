// How a snapshot says what it holds: restic tags `store=<name>`, `env=<environment>`, `kind=data|config`.
// Retention, freshness and restore all select snapshots by these tags, so they are built in one place.
import { UserError } from '../errors.js';

export type BackupKind = 'data' | 'config';
export const backupKinds: readonly BackupKind[] = ['data', 'config'];

export interface SnapshotLabels {
  store: string;
  environment: string;
  kind: BackupKind;
}

// restic splits tag lists on commas, and a tag with spaces is awkward on every command line.
const tagValue = /^[A-Za-z0-9._-]+$/;

function checked(name: string, value: string): string {
  if (!tagValue.test(value)) {
    throw new UserError(
      `backup ${name} ${JSON.stringify(value)} cannot be a restic tag`,
      'use letters, digits, ".", "_" and "-" only',
    );
  }
  return value;
}

export function snapshotTags(labels: SnapshotLabels): string[] {
  return [
    `store=${checked('store', labels.store)}`,
    `env=${checked('environment', labels.environment)}`,
    `kind=${checked('kind', labels.kind)}`,
  ];
}

/** Tags that select the snapshots of a kind, optionally of one environment and one store. */
export function selectorTags(kind: BackupKind, environment?: string, store?: string): string[] {
  return [
    `kind=${kind}`,
    ...(environment ? [`env=${checked('environment', environment)}`] : []),
    ...(store ? [`store=${checked('store', store)}`] : []),
  ];
}

/** The labels of a snapshot made by release-kit, or undefined for a snapshot someone else made. */
export function labelsOf(tags: string[]): SnapshotLabels | undefined {
  const get = (k: string) => tags.find((t) => t.startsWith(`${k}=`))?.slice(k.length + 1);
  const store = get('store');
  const environment = get('env');
  const kind = get('kind');
  if (!store || !environment || (kind !== 'data' && kind !== 'config')) return undefined;
  return { store, environment, kind };
}
