// The seed's recovery flow (5.2) against a cluster: plan, run step by step with a state file, resume, revert.
export {
  formatPlan,
  planRestore,
  type RestorePlanInput,
  type RestoreStep,
  type RestoreStepKind,
} from './plan.js';
export { formatReport, stepHeaders, stepRows } from './report.js';
export {
  executeRestore,
  followUpCommand,
  type PlanningOptions,
  prepareRestore,
  type RestoreOptions,
  type RestoreReport,
  type RestoreRequest,
  runRestore,
} from './run.js';
export { parseSnapshotSpec, resolveSnapshots, type SnapshotTargets } from './snapshots.js';
export {
  defaultStatePath,
  type RestoreState,
  readState,
  type StepRecord,
  type StepStatus,
  servicesStopped,
  writeState,
} from './state.js';
