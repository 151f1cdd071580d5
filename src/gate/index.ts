// Public entry of the health gate: verification against a real cluster and Prometheus, and runGate.

export {
  formatVerification,
  formatWaveVerifications,
  rollbackMarkdown,
  verificationMarkdown,
  type WaveVerification,
} from './format.js';
export {
  captureGateBaseline,
  concludeGate,
  type GateContext,
  type GateInput,
  type GateResult,
  type PreparedVerification,
  prepareVerification,
  prometheusUrlOf,
  releasesToVerify,
  runGate,
  settingsAfterRollback,
  tierRunning,
  type VerifyOptions,
  verifyReleases,
  verifyWave,
} from './gate.js';
export { ledgerReleases, parseLedger, readLedger } from './ledger-file.js';
export { type GateOutcome, gateOutcome } from './outcome.js';
export { kubeSource, progressSource, routedSource } from './sources.js';
export {
  type RollbackStepInput,
  type RollbackStepResult,
  runRollback,
  runVerify,
  verdictExitCode,
} from './steps.js';
