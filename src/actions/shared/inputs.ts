// Inputs the deploy and verify actions share: the Prometheus URL, and the pre-deploy baseline deploy hands to
// verify as JSON. Pure checks of the input text, so a bad value fails the step before any query or helm call.
// (Not in src/github/inputs.ts: only these two actions speak of Prometheus and baselines.)
import { UserError } from '../../errors.js';
import type { Baseline, Measurement } from '../../verify/index.js';

/** The `prometheus-url` input when it is an http(s) URL; a UserError naming the input otherwise. */
export function checkPrometheusUrlInput(url: string): string {
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new UserError(
      `the input 'prometheus-url' is not an http(s) URL: "${url}"`,
      'give the Prometheus base URL as the runner reaches it, e.g. http://prometheus.monitoring:9090, or leave it empty to use monitoring.prometheus.url',
    );
  }
  return url;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const outcomes = new Set<unknown>(['pass', 'fail', 'inconclusive']);

/**
 * The `baseline` input (the deploy action's `baseline` output) as a Baseline. Every field the gate reads is
 * checked, so a truncated or hand-edited value is refused with the field at fault instead of half-used.
 */
export function parseBaselineInput(text: string): Baseline {
  const bad = (what: string) =>
    new UserError(
      `the input 'baseline' ${what}`,
      "pass the deploy step's `baseline` output unchanged (the output steps.<id>.outputs.baseline of the deploy step), or leave it empty to judge against the absolute thresholds only",
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw bad(`is not JSON: ${(e as Error).message}`);
  }
  if (!isRecord(json)) throw bad('is not a JSON object');
  if (typeof json.takenAt !== 'number' || !Number.isFinite(json.takenAt))
    throw bad(`has takenAt ${JSON.stringify(json.takenAt)}, expected a time in milliseconds`);
  if (!isRecord(json.values)) throw bad('has no values object (check id -> number)');
  for (const [check, value] of Object.entries(json.values)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw bad(`has values["${check}"] ${JSON.stringify(value)}, expected a number >= 0`);
  }
  if (!Array.isArray(json.measurements)) throw bad('has no measurements list');
  json.measurements.forEach((m: unknown, i) => {
    const at = `measurements[${i}]`;
    if (!isRecord(m)) throw bad(`has ${at} that is not an object`);
    if (typeof m.check !== 'string' || !m.check) throw bad(`has ${at}.check missing`);
    if (!outcomes.has(m.outcome))
      throw bad(`has ${at}.outcome ${JSON.stringify(m.outcome)}, expected pass, fail or inconclusive`);
    if (typeof m.time !== 'number' || typeof m.reason !== 'string')
      throw bad(`has ${at} without a time and a reason`);
  });
  return {
    takenAt: json.takenAt,
    values: json.values as Record<string, number>,
    measurements: json.measurements as Measurement[],
  };
}
