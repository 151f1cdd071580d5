// Pure renderers of gate results: terminal text for the CLI and markdown for job summaries (tables of every
// measurement, the error ratio over time as a mermaid chart, the rollback table).

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

export function rollbackMarkdown(report: RollbackReport): string {
  return [
    `### Rollback: ${report.outcome} (trigger ${report.trigger})`,
    '',
    cell(report.reason),
    '',
    markdownTable(ROLLBACK_TABLE_HEADERS, rollbackRows(report)),
  ].join('\n');
}
