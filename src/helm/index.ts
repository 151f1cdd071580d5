// The helm runner: the only module that starts helm. See helm.ts for the API.
export type {
  ListRequest,
  RollbackRequest,
  Scope,
  TemplateRequest,
  TestRequest,
  UninstallRequest,
  UpgradeInstallRequest,
  WaitMode,
} from './args.js';
export { checkReleaseName } from './args.js';
export { classifyHelmFailure } from './classify.js';
export {
  type ClusterAccessReason,
  HelmCancelledError,
  HelmChartNotFoundError,
  HelmClusterAccessError,
  HelmCommandError,
  type HelmFailure,
  type HelmFailureKind,
  HelmOperationInProgressError,
  HelmReleaseNotFoundError,
  HelmRenderError,
  HelmTestFailedError,
  HelmTimeoutError,
  HelmUserError,
  type SourceLocation,
} from './errors.js';
export { createHelm, Helm, type HelmOptions, type RepairOutcome, type RepairRequest } from './helm.js';
export { parseManifest } from './parse.js';
export {
  type DeployLock,
  deployLockAnnotation,
  formatDeployLock,
  parseDeployLock,
  planRepair,
  type RepairOptions,
  type RepairPlan,
} from './repair.js';
export * from './types.js';
export type { HelmVersion } from './version.js';
