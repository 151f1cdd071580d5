// Job summaries: a heading and tables on the run's page. Cell text is escaped, because the summary
// is HTML and configuration messages contain angle brackets (`<service>_replicas`).
import * as core from '@actions/core';

type Summary = typeof core.summary;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

/** Rows for `summary.addTable`: a header row, then the data rows, every cell escaped. */
export function summaryTable(headers: readonly string[], rows: readonly (readonly string[])[]) {
  return [
    headers.map((h) => ({ data: escapeHtml(h), header: true })),
    ...rows.map((row) => row.map((cell) => escapeHtml(cell))),
  ];
}

/** Builds and writes the job summary; outside a workflow run (no GITHUB_STEP_SUMMARY) it only logs why not. */
export async function writeSummary(build: (summary: Summary) => Summary): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.debug('no job summary: GITHUB_STEP_SUMMARY is not set');
    return;
  }
  await build(core.summary).write();
}
