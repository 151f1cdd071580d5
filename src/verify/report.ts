// Pure renderers of a verification result for job summaries and terminals: markdown tables and mermaid charts.
import { markdownCell, markdownTable } from '../util/markdown.js';
import { formatSeconds } from './judge.js';
import type { Check, Measurement, VerificationResult } from './types.js';

const OUTCOME_MARK: Record<Measurement['outcome'], string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  inconclusive: '⚠️ inconclusive',
};

const offset = (time: number, start: number): string => `+${Math.round((time - start) / 1000)}s`;

function formatValue(check: Check | undefined, value: number | undefined): string {
  if (value === undefined) return '—';
  if (check?.kind === 'error_ratio') return `${Number((value * 100).toFixed(3))}%`;
  if (check?.kind === 'latency') return Number.isFinite(value) ? formatSeconds(value) : `${value}s`;
  return String(value);
}

/**
 * One markdown section per check: its verdict, the query, and a table of every measurement
 * (time after the start, value, outcome, reason).
 */
export function measurementTables(result: VerificationResult): string {
  return result.checks
    .map(({ check, verdict, reason }) => {
      const rows = result.measurements.filter((m) => m.check === check.id);
      const query = rows.find((m) => m.query)?.query;
      const lines = [
        `#### ${check.id}: ${OUTCOME_MARK[verdict]}`,
        '',
        markdownCell(reason),
        '',
        ...(query ? [`Query: \`${query.replace(/`/g, "'")}\``, ''] : []),
        markdownTable(
          ['time', 'value', 'outcome', 'reason'],
          rows.length === 0
            ? [['—', '—', '—', 'not measured']]
            : rows.map((m) => [
                offset(m.time, result.startedAt),
                formatValue(check, m.value),
                OUTCOME_MARK[m.outcome],
                m.reason,
              ]),
        ),
      ];
      return lines.join('\n');
    })
    .join('\n\n');
}

/**
 * A mermaid `xychart-beta` per error-ratio check: the measured ratio (in percent) over time and the threshold as a
 * second, flat line. Evaluations without a value are left out, so gaps show as missing x labels rather than zeros.
 */
export function errorRatioChart(result: VerificationResult, thresholdRatio: number): string {
  return result.checks
    .filter(({ check }) => check.kind === 'error_ratio')
    .map(({ check }) => {
      const points = result.measurements.filter(
        (m) => m.check === check.id && m.value !== undefined && Number.isFinite(m.value),
      );
      if (points.length === 0) return `_${check.id}: no error-ratio values to chart._`;
      const pct = (ratio: number) => Number((ratio * 100).toFixed(3));
      const values = points.map((m) => pct(m.value as number));
      const top = Math.max(...values, pct(thresholdRatio)) * 1.2 || 1;
      const title = `${check.id} error ratio (%) vs threshold ${pct(thresholdRatio)}%`.replace(/"/g, "'");
      return [
        '```mermaid',
        'xychart-beta',
        `  title "${title}"`,
        `  x-axis "seconds after start" [${points.map((m) => `"${offset(m.time, result.startedAt)}"`).join(', ')}]`,
        `  y-axis "error ratio (%)" 0 --> ${Number(top.toFixed(3))}`,
        `  line [${values.join(', ')}]`,
        `  line [${points.map(() => pct(thresholdRatio)).join(', ')}]`,
        '```',
      ].join('\n');
    })
    .join('\n\n');
}
