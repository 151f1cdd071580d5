// Markdown for job summaries and reports. Summaries are rendered as HTML, so a cell escapes angle
// brackets and ampersands as well as the pipes and line breaks that would end the cell or the row.

/** One table cell (or a line of prose in a summary). */
export const markdownCell = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ');

/** A markdown table; every header and cell escaped. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${headers.map(markdownCell).join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(markdownCell).join(' | ')} |`),
  ].join('\n');
}
