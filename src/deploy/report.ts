// How a ledger reads to people, pure: one row per release for the terminal table and the job summary,
// and the lists the action outputs.
import type { Ledger, LedgerRelease } from './ledger.js';

export const reportHeaders = [
  'Wave',
  'Release',
  'Revision',
  'Image',
  'Duration',
  'Status',
  'Detail',
] as const;

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 60_000
    ? `${(ms / 1000).toFixed(1)} s`
    : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** `3 -> 4`, `- -> 1` for an install, `3` when unchanged. */
export function revisionChange(r: LedgerRelease): string {
  const before = r.previousRevision === null ? '-' : String(r.previousRevision);
  if (r.outcome === 'unchanged' || (r.revision === r.previousRevision && r.revision !== null)) return before;
  return `${before} -> ${r.revision === null ? '-' : String(r.revision)}`;
}

export function releaseStatus(r: LedgerRelease, dryRun: boolean): string {
  switch (r.outcome) {
    case 'deployed':
      return r.action === 'install' ? 'installed' : 'upgraded';
    case 'unchanged':
      return 'skipped (unchanged)';
    case 'failed':
      return 'FAILED';
    case 'not-started':
      if (dryRun && r.action) return r.action === 'skip' ? 'skipped (unchanged)' : `would ${r.action}`;
      return 'not started';
  }
}

export function releaseDetail(r: LedgerRelease): string {
  if (r.outcome === 'failed') return r.error ?? '';
  if (r.outcome === 'not-started' && r.notStartedReason) return r.notStartedReason;
  const parts = [...(r.repaired ? [`repaired first: ${r.repaired}`] : []), ...(r.reasons ?? [])];
  return parts.join('; ');
}

export function reportRows(ledger: Ledger): string[][] {
  return ledger.releases.map((r) => [
    String(r.wave),
    r.release,
    revisionChange(r),
    r.images.join(', '),
    r.outcome === 'unchanged' ? '' : formatDuration(r.durationMs),
    releaseStatus(r, ledger.dryRun),
    releaseDetail(r),
  ]);
}

/** A plain-text table; the last column (the detail) is left unpadded so long messages wrap naturally. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [
    line(headers),
    line(widths.map((w, i) => '-'.repeat(i === widths.length - 1 ? Math.min(w, 40) : w))),
    ...rows.map(line),
  ].join('\n');
}

/** One line: what the run did, for the end of the progress log and the summary heading. */
export function ledgerHeadline(ledger: Ledger): string {
  const count = (o: LedgerRelease['outcome']) => ledger.releases.filter((r) => r.outcome === o).length;
  const where = `${ledger.releases.length} releases in namespace ${ledger.namespace}`;
  if (ledger.dryRun) {
    const changing = ledger.releases.filter((r) => r.action === 'install' || r.action === 'upgrade').length;
    return ledger.outcome === 'success'
      ? `dry run of ${where}: ${changing} would change, ${ledger.releases.length - changing} unchanged`
      : `dry run of ${where} failed`;
  }
  const parts = [`${count('deployed')} deployed`, `${count('unchanged')} unchanged`];
  if (count('failed')) parts.push(`${count('failed')} failed`);
  if (count('not-started')) parts.push(`${count('not-started')} not started`);
  return `deploy of ${where} ${ledger.outcome === 'success' ? 'succeeded' : 'FAILED'}: ${parts.join(', ')}`;
}

/** Release names this run gave a new revision (the action's changed-releases output). */
export const changedReleases = (ledger: Ledger): string[] =>
  ledger.releases.filter((r) => r.changed).map((r) => r.release);

/** Release -> revision after the run (null when it has none), the action's revisions output. */
export const revisionsByRelease = (ledger: Ledger): Record<string, number | null> =>
  Object.fromEntries(ledger.releases.map((r) => [r.release, r.revision]));
