// Retention from the release config: data snapshots keep `data_backup.retention` days, config snapshots
// `config_backup.retention` weeks. Each kind is forgotten with a tag filter of its own and grouped by
// tags (store, environment, kind), so one kind's policy never touches the other's snapshots, and each
// store and environment keeps its own history.
import type { ReleaseConfig } from '../config/types.js';
import { UserError } from '../errors.js';
import { log } from '../log.js';
import type { Restic } from './restic.js';
import type { ForgetGroup } from './restic-output.js';
import { type BackupKind, selectorTags } from './tags.js';

export interface RetentionPolicy {
  kind: BackupKind;
  keepDaily?: number;
  keepWeekly?: number;
}

function count(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new UserError(
      `${field} is ${value}: retention must be a whole number of at least 1`,
      'a retention of 0 would delete every snapshot of that kind',
    );
  }
  return value;
}

/** The part of `backup` retention reads (the whole section fits). */
export interface RetentionConfig {
  data_backup: Pick<ReleaseConfig['backup']['data_backup'], 'retention'>;
  config_backup: Pick<ReleaseConfig['backup']['config_backup'], 'retention'>;
}

export function retentionPolicies(backup: RetentionConfig): RetentionPolicy[] {
  return [
    { kind: 'data', keepDaily: count(backup.data_backup.retention, 'backup.data_backup.retention') },
    { kind: 'config', keepWeekly: count(backup.config_backup.retention, 'backup.config_backup.retention') },
  ];
}

export interface RetentionResult {
  kind: BackupKind;
  groups: ForgetGroup[];
  removed: number;
}

export interface RetentionOptions {
  /** Only this environment's snapshots (default: every environment in the repository). */
  environment?: string;
  /** Report what would be removed without removing it. */
  dryRun?: boolean;
}

/** Forgets per policy, then prunes once (pruning is the expensive part) if anything was forgotten. */
export async function applyRetention(
  restic: Restic,
  backup: RetentionConfig,
  o: RetentionOptions = {},
): Promise<RetentionResult[]> {
  const results: RetentionResult[] = [];
  for (const policy of retentionPolicies(backup)) {
    const groups = await restic.forget({
      tags: selectorTags(policy.kind, o.environment),
      groupBy: 'tags',
      ...(policy.keepDaily !== undefined ? { keepDaily: policy.keepDaily } : {}),
      ...(policy.keepWeekly !== undefined ? { keepWeekly: policy.keepWeekly } : {}),
      ...(o.dryRun ? { dryRun: true } : {}),
    });
    const removed = groups.reduce((n, g) => n + g.remove.length, 0);
    log.info(`${policy.kind} retention: ${o.dryRun ? 'would remove' : 'removed'} ${removed} snapshots`);
    results.push({ kind: policy.kind, groups, removed });
  }
  if (!o.dryRun && results.some((r) => r.removed > 0)) await restic.prune();
  return results;
}
