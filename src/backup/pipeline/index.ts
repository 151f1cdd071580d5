// Cluster-side backups: the stores' backup Jobs run now and checked (`backup data`), and snapshots of the
// releases' configuration (`backup config`).
export { type ConfigBackupOptions, type ConfigBackupResult, configStore, runConfigBackup } from './config.js';
export { type BackupRow, type DataBackupOptions, type DataBackupResult, runDataBackup } from './data.js';
export { runStoreBackups, type StoreBackupOptions, type StoreBackupRun } from './jobs.js';
export {
  backupCronJob,
  environmentLabel,
  parseList,
  repositoryFromEnvironment,
  restoreCronJob,
  selectStores,
} from './scope.js';
export { backupHeaders, backupTable, formatBytes } from './table.js';
