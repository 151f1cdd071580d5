// What the deploy action says about the baseline it measured before changing anything, and what it hands to
// verify. Pure: from the captured Baseline (or the reason none was captured) to the output and the words.
import type { Baseline } from '../../verify/index.js';

export interface BaselineReport {
  /** The `baseline` output: compact JSON, or '' when no error ratio gave a usable value. */
  output: string;
  /** False when verify will have to judge against the absolute thresholds only: worth a warning. */
  usable: boolean;
  /** One line for the log and the job summary. */
  headline: string;
  /** Per error-ratio check: its value, or why it has none. */
  details: string[];
}

const percent = (ratio: number): string => `${(ratio * 100).toFixed(2)}%`;
const absoluteOnly = 'the deploy went ahead; verify judges against the absolute thresholds only';

/**
 * Only error ratios are compared with a baseline (src/verify/judge.ts), so the baseline is usable when at
 * least one of `errorRatioChecks` has a value. A fresh install (no traffic yet) has none, like an unreachable
 * Prometheus; the reasons tell the two apart.
 */
export function baselineReport(baseline: Baseline, errorRatioChecks: readonly string[]): BaselineReport {
  const details = errorRatioChecks.map((check) => {
    const value = baseline.values[check];
    if (value !== undefined) return `${check}: ${percent(value)}`;
    const reason = baseline.measurements.find((m) => m.check === check)?.reason ?? 'not measured';
    return `${check}: no value (${reason})`;
  });
  const usable = errorRatioChecks.filter((c) => baseline.values[c] !== undefined);
  if (usable.length === 0) {
    return { output: '', usable: false, headline: `No usable baseline: ${absoluteOnly}.`, details };
  }
  return {
    output: JSON.stringify(baseline),
    usable: true,
    headline: `Baseline before the deploy: ${usable.length} of ${errorRatioChecks.length} error ratios measured; verify fails a tier whose error ratio rises above it by more than verification.max_error_rate_increase.`,
    details,
  };
}

/** When capturing failed outright (e.g. the workloads could not be listed): say why, hand nothing on. */
export const baselineFailed = (why: string): BaselineReport => ({
  output: '',
  usable: false,
  headline: `No baseline: ${why}; ${absoluteOnly}.`,
  details: [],
});
