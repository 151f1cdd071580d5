// The backup summary as table rows (one per store: snapshot, size added, files, duration, verified), shared by
// the CLI's output and the action's job summary. Pure.
import type { BackupRow } from './data.js';

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export const backupHeaders = ['Store', 'Snapshot', 'Size added', 'Files', 'Duration', 'Verified'] as const;

export function backupTable(rows: readonly BackupRow[]): string[][] {
  return rows.map((r) => [
    r.store,
    r.snapshot ?? '—',
    r.dataAdded === undefined ? '—' : formatBytes(r.dataAdded),
    r.files === undefined ? '—' : String(r.files),
    r.durationSeconds === undefined ? '—' : `${r.durationSeconds.toFixed(1)} s`,
    r.verified ? 'yes' : `no${r.problems.length ? `: ${r.problems.join('; ')}` : ''}`,
  ]);
}
