// Public entry of the rollback step: plan (pure), execute (helm), report (pure).

export { configReleases, planManual, runManualRollback } from './manual.js';
export {
  batchesOf,
  type ManualRequest,
  parseRevision,
  planAutomaticRollback,
  planManualRollback,
  previousDeployedRevision,
  type ReleaseRef,
  resolveManualComponents,
} from './plan.js';
export { formatRollbackReport, ROLLBACK_TABLE_HEADERS, rollbackRows, rolledBackReleases } from './report.js';
export { type ExecuteOptions, executeRollback, type RollbackHelm } from './run.js';
export { rollbackSettings } from './settings.js';
export type * from './types.js';
