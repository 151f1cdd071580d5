// The backup core as the CLI, the actions and the restore flow use it.
export { type FaissBackupOptions, type FaissShardSource, stageFaissBackup } from './faiss.js';
export { type CopyVerification, describeFiles, readManifest, verifyCopy } from './files.js';
export { backupFreshness, type Freshness, type FreshnessInput } from './freshness.js';
export {
  type BackupManifest,
  compareFiles,
  type FileEntry,
  manifestFileName,
  parseManifest,
} from './manifest.js';
export { type Neo4jBackupOptions, stageNeo4jBackup } from './neo4j.js';
export { parseAddress, type RedisBackupOptions, stageRedisBackup } from './redis/backup.js';
export { compareInventory, type RedisInventory, takeInventory } from './redis/inventory.js';
export { type RedisServer, startRedisServer } from './redis/server.js';
export { verifyRedisDumps } from './redis/verify.js';
export { type CheckResult, Restic, type ResticOptions } from './restic.js';
export type { BackupSummary, DiffStatistics, ForgetGroup, Snapshot } from './restic-output.js';
export { runStoreRestore, type StoreRestoreResult } from './restore-run.js';
export { parseRestoreArgs, type RestoreSettings, restoreUsage } from './restore-settings.js';
export { type RestoredSnapshot, restoreSnapshot } from './restore-snapshot.js';
export {
  applyRetention,
  type RetentionConfig,
  type RetentionResult,
  retentionPolicies,
} from './retention.js';
export { type RunResult, runBackup } from './run.js';
export { parseRunnerArgs, type RunnerSettings, runnerUsage } from './runner-settings.js';
export {
  type CommittedBackup,
  commitBackup,
  prepareStage,
  type StagedBackup,
  snapshotHost,
} from './stage.js';
export { type BackupKind, labelsOf, type SnapshotLabels, selectorTags, snapshotTags } from './tags.js';
export { type BackupValidation, validateBackup, validationError } from './validate.js';
