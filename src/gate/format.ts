// Pure renderers of gate results: terminal text for the CLI and markdown for job summaries (tables of every
// measurement, the error ratio over time as a mermaid chart, the rollback table).

import type { Ledger } from '../deploy/ledger.js';
import { ROLLBACK_TABLE_HEADERS, rollbackRows } from '../rollback/report.js';
import type { RollbackReport } from '../rollback/types.js';
import { markdownCell as cell, markdownTable } from '../util/markdown.js';
import { errorRatioChart, measurementTables } from '../verify/report.js';
import type { Verdict, VerificationResult } from '../verify/types.js';

const MARK: Record<Verdict, string> = { pass: 'PASS', fail: 'FAIL', inconclusive: 'INCONCLUSIVE' };

/** The verdict, then one line per check with its reason and how many evaluations it had. */
export function formatVerification(result: VerificationResult): string {
  const seconds = Math.round((result.endedAt - result.startedAt) / 1000);
  const width = Math.max(0, ...result.checks.map((c) => c.check.id.length));
  const lines = [`${MARK[result.verdict]} after ${seconds}s (decision: ${result.decision})`];
  for (const c of result.checks) {
    const n = result.measurements.filter((m) => m.check === c.check.id).length;
    lines.push(`  ${MARK[c.verdict].padEnd(12)} ${c.check.id.padEnd(width)}  ${c.reason} [${n} evaluations]`);
  }
  return lines.join('\n');
}

/** A verification section: the checks, the error ratio chart, then every measurement of every check. */
export function verificationMarkdown(
  title: string,
  result: VerificationResult,
  thresholdRatio: number,
): string {
  const overview = markdownTable(
    ['Check', 'Verdict', 'Reason'],
    result.checks.map((c) => [c.check.id, MARK[c.verdict], c.reason]),
  );
  return [
    `### ${title}: ${MARK[result.verdict]} (decision: ${result.decision})`,
    '',
    cell(result.reason),
    '',
    overview,
    '',
    errorRatioChart(result, thresholdRatio),
    '',
    '<details><summary>Every measurement</summary>',
    '',
    measurementTables(result),
    '',
    '</details>',
  ].join('\n');
}

/** One wave's verification during a deploy (deploy --verify). */
export interface WaveVerification {
  wave: number;
  result: VerificationResult;
}

/**
 * One line per wave of a deploy run with per-wave verification: its verdict, or why it has none (nothing
 * changed, a release failed, not started).
 */
export function formatWaveVerifications(ledger: Ledger, waves: readonly WaveVerification[]): string {
  const count = Math.max(0, ...ledger.releases.map((r) => r.wave));
  const lines = ['Verification per wave:'];
  for (let wave = 1; wave <= count; wave++) {
    const entries = ledger.releases.filter((r) => r.wave === wave);
    const names = entries.map((r) => r.component).join(', ');
    const verified = waves.find((w) => w.wave === wave)?.result;
    let status: string;
    if (verified) status = `${MARK[verified.verdict]} (decision: ${verified.decision}): ${verified.reason}`;
    else if (entries.some((r) => r.outcome === 'failed')) status = 'deploy FAILED, not verified';
    else if (entries.every((r) => r.outcome === 'not-started')) status = 'not started';
    else status = 'nothing changed, not verified';
    lines.push(`  wave ${wave} (${names}): ${status}`);
  }
  return lines.join('\n');
}

export function rollbackMarkdown(report: RollbackReport): string {
  return [
    `### Rollback: ${report.outcome} (trigger ${report.trigger})`,
    '',
    cell(report.reason),
    '',
    markdownTable(ROLLBACK_TABLE_HEADERS, rollbackRows(report)),
  ].join('\n');
}
