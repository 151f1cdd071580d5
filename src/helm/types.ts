// Typed views of what helm reports. Field names are ours (camelCase); the parsers in parse.ts map
// helm's JSON (snake_case, times as strings, list revisions as strings) onto them.

export type HelmMajor = 3 | 4;

/** Every status helm gives a release revision (helm's release.Status). */
export const releaseStatuses = [
  'unknown',
  'deployed',
  'uninstalled',
  'superseded',
  'failed',
  'uninstalling',
  'pending-install',
  'pending-upgrade',
  'pending-rollback',
] as const;
export type ReleaseStatus = (typeof releaseStatuses)[number];

export type PendingStatus = 'pending-install' | 'pending-upgrade' | 'pending-rollback';
export const isPending = (s: ReleaseStatus): s is PendingStatus => s.startsWith('pending-');

/** One row of `helm history`. */
export interface Revision {
  revision: number;
  updated: Date;
  status: ReleaseStatus;
  /** `name-version` of the chart, as helm prints it. */
  chart: string;
  appVersion: string;
  description: string;
}

/** One row of `helm list`. */
export interface ReleaseSummary {
  name: string;
  namespace: string;
  revision: number;
  updated: Date;
  status: ReleaseStatus;
  chart: string;
  appVersion: string;
}

/** A release as `helm status -o json` (and `upgrade -o json`) describe it. */
export interface ReleaseState {
  name: string;
  namespace: string;
  revision: number;
  status: ReleaseStatus;
  description: string;
  firstDeployed?: Date;
  lastDeployed?: Date;
  notes: string;
  /** Only in `upgrade -o json`: `status -o json` leaves the chart out. */
  chart?: { name: string; version: string; appVersion?: string };
  /** The values supplied for this revision, only in `upgrade -o json` (else use `get values`). */
  values?: Record<string, unknown>;
  /** The rendered manifest, when helm includes it. */
  manifest?: string;
}

/** One object of a rendered manifest (`helm template`, `helm get manifest`). */
export interface ManifestObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** The chart template it came from (helm's `# Source:` comment). */
  source?: string;
  object: Record<string, unknown>;
}

/** The release states `helm list` can filter on. */
export const listStates = [
  'deployed',
  'failed',
  'pending',
  'superseded',
  'uninstalled',
  'uninstalling',
] as const;
export type ListState = (typeof listStates)[number];
