// The ledger: what one deploy run did to each release. Written by deploy, read by verify and rollback
// (automatic rollback touches only releases whose `changed` is true), and kept as a CI artifact.

export type ReleaseOutcome = 'deployed' | 'unchanged' | 'failed' | 'not-started';

/** What deploy decided for a release before touching it (also recorded by a dry run). */
export type ReleaseAction = 'install' | 'upgrade' | 'skip';

export interface LedgerRelease {
  component: string;
  release: string; // Helm release name
  namespace: string;
  wave: number; // 1-based
  /** Deployed revision before this run; null when the release did not exist. */
  previousRevision: number | null;
  /** Revision after this run (equal to previousRevision when unchanged; null when it failed before any revision). */
  revision: number | null;
  chartVersion: string;
  images: string[];
  valuesDigest: string; // sha256 of the values this run applied
  changed: boolean; // true when this run created a new revision
  outcome: ReleaseOutcome;
  startedAt?: string; // ISO-8601
  finishedAt?: string;
  durationMs?: number;
  /** Why it failed (a user-facing message with a hint), when outcome is failed. */
  error?: string;
  /** The decision of change detection; absent when the run stopped before deciding. */
  action?: ReleaseAction;
  /** Why it was installed or upgraded (e.g. `values changed at memory.image.digest`). */
  reasons?: string[];
  /** How a release left pending by a killed helm was repaired before this run changed it. */
  repaired?: string;
  /** Why it was not started: an earlier wave failed or did not pass its verification. */
  notStartedReason?: string;
}

export interface Ledger {
  version: 1;
  runId: string;
  config: string; // config file path
  environment?: string;
  namespace: string;
  startedAt: string;
  finishedAt?: string;
  dryRun: boolean;
  outcome: 'success' | 'failed';
  /** Why the run failed before or between releases (deploy lock, pending release), when it did. */
  error?: string;
  /** The wave whose check after it (deploy --verify: that wave's verification) stopped the rollout. */
  stoppedAfterWave?: number;
  /** The helm version that ran, e.g. `v4.1.4`. */
  helmVersion?: string;
  releases: LedgerRelease[];
}
