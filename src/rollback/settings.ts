// The one translation from a ReleaseConfig to rollback settings, checked so a bad number fails before any change.
import type { ReleaseConfig } from '../config/types.js';
import { UserError } from '../errors.js';
import type { RollbackSettings } from './types.js';

function integer(value: unknown, field: string, min: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min) return value;
  throw new UserError(
    `${field}: ${JSON.stringify(value)} is not an integer >= ${min}`,
    `set ${field} in the release config`,
  );
}

export function rollbackSettings(config: ReleaseConfig): RollbackSettings {
  const s = config.rollback?.settings;
  const at = 'rollback.settings';
  return {
    timeoutSeconds: integer(s?.timeout, `${at}.timeout`, 1),
    batchSize: integer(s?.batch_size, `${at}.batch_size`, 1),
    pauseMs: integer(s?.pause_time, `${at}.pause_time`, 0) * 1000,
    rollForwardOnly: [...(config.rollback?.roll_forward_only ?? [])],
    conditions: [...(config.rollback?.conditions ?? [])],
  };
}
