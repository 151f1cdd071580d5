// Pure renderers of a rollback report: terminal lines and table rows for job summaries.
import type { RollbackReport, TargetResult } from './types.js';

const stateText = (r: TargetResult): string =>
  r.state.known ? `revision ${r.state.revision} ${r.state.status}` : `unknown (${r.state.error})`;

const OUTCOME_TEXT: Record<TargetResult['outcome'], string> = {
  'rolled-back': 'rolled back',
  failed: 'FAILED',
  'not-started': 'not started',
};

export const ROLLBACK_TABLE_HEADERS = [
  'Release',
  'Component',
  'From',
  'To',
  'Outcome',
  'State now',
  'Detail',
];

/** One row per release of the report (targets, then skipped releases). */
export function rollbackRows(report: RollbackReport): string[][] {
  return [
    ...report.releases.map((r) => [
      r.release,
      r.component,
      String(r.fromRevision ?? '—'),
      String(r.toRevision),
      OUTCOME_TEXT[r.outcome],
      stateText(r),
      r.error ?? '',
    ]),
    ...report.skipped.map((s) => [s.release, s.component, '—', '—', 'skipped', 'unchanged', s.reason]),
  ];
}

/** A few lines for a terminal. */
export function formatRollbackReport(report: RollbackReport): string {
  const head =
    report.outcome === 'failed'
      ? 'ROLLBACK FAILED: it stopped at the first failure; the state of every release is below'
      : report.outcome === 'nothing-to-do'
        ? 'rollback: nothing to roll back'
        : `rolled back ${report.releases.length} release${report.releases.length === 1 ? '' : 's'}`;
  const lines = [`${head} (trigger ${report.trigger}: ${report.reason})`];
  for (const r of report.releases) {
    const revisions = `${r.fromRevision ?? '?'} -> ${r.toRevision}`;
    lines.push(
      `  ${r.release.padEnd(28)} ${revisions.padEnd(9)} ${OUTCOME_TEXT[r.outcome].padEnd(12)} now ${stateText(r)}`,
    );
    if (r.error) lines.push(`      ${r.error}`);
  }
  for (const s of report.skipped) lines.push(`  ${s.release.padEnd(28)} skipped: ${s.reason}`);
  return lines.join('\n');
}

/** Names of the releases that were rolled back. */
export const rolledBackReleases = (report: RollbackReport | undefined): string[] =>
  report?.releases.filter((r) => r.outcome === 'rolled-back').map((r) => r.release) ?? [];
