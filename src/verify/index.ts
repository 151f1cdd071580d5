// Public entry of the verification engine (pure logic: no network, no timers of its own).
export { captureBaseline } from './baseline.js';
export { systemClock } from './clock.js';
export { decide, runVerification, type VerifyInput } from './engine.js';
export { errorRatioChart, measurementTables } from './report.js';
export {
  kubeCheck,
  prometheusChecks,
  verificationSettings,
  verifiedJobs,
} from './settings.js';
export type * from './types.js';
