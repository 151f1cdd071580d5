// restic's --json output turned into typed data. Pure functions over the text restic printed, so the
// shapes are tested with recorded output; a shape we do not recognise is a bug report, not a guess.

export interface BackupSummary {
  snapshotId: string;
  filesNew: number;
  filesChanged: number;
  filesUnmodified: number;
  /** Bytes this backup added to the repository after deduplication (and compression). */
  dataAdded: number;
  totalFilesProcessed: number;
  totalBytesProcessed: number;
  durationSeconds: number;
}

export interface Snapshot {
  id: string;
  shortId: string;
  time: Date;
  paths: string[];
  hostname: string;
  tags: string[];
  parent?: string;
}

export interface ForgetGroup {
  tags: string[];
  keep: Snapshot[];
  remove: Snapshot[];
}

const fail = (what: string, detail: string): never => {
  throw new Error(`restic printed ${what} release-kit does not understand: ${detail}`);
};

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(what, JSON.stringify(value));
  return value as Record<string, unknown>;
}

function field<T extends 'string' | 'number'>(
  o: Record<string, unknown>,
  name: string,
  type: T,
  what: string,
): T extends 'string' ? string : number {
  const v = o[name];
  if (typeof v !== type) fail(what, `field ${name} is ${JSON.stringify(v)}, expected a ${type}`);
  return v as T extends 'string' ? string : number;
}

/** The `summary` line of `restic backup --json` (the other lines are progress). */
export function parseBackupSummary(stdout: string): BackupSummary {
  const lines = stdout.split('\n').filter((l) => l.includes('"message_type":"summary"'));
  const last = lines.at(-1);
  if (!last) return fail('a backup without a summary line', stdout.slice(-500));
  const o = object(JSON.parse(last), 'a backup summary');
  const n = (name: string) => field(o, name, 'number', 'a backup summary');
  return {
    snapshotId: field(o, 'snapshot_id', 'string', 'a backup summary'),
    filesNew: n('files_new'),
    filesChanged: n('files_changed'),
    filesUnmodified: n('files_unmodified'),
    dataAdded: n('data_added'),
    totalFilesProcessed: n('total_files_processed'),
    totalBytesProcessed: n('total_bytes_processed'),
    durationSeconds: n('total_duration'),
  };
}

function toSnapshot(value: unknown): Snapshot {
  const o = object(value, 'a snapshot');
  const s = (name: string) => field(o, name, 'string', 'a snapshot');
  const time = new Date(s('time'));
  if (Number.isNaN(time.getTime())) fail('a snapshot', `time ${s('time')}`);
  const strings = (name: string) => {
    const v = o[name] ?? [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail('a snapshot', `${name} ${v}`);
    return v as string[];
  };
  return {
    id: s('id'),
    shortId: s('short_id'),
    time,
    paths: strings('paths'),
    hostname: s('hostname'),
    tags: strings('tags'),
    ...(typeof o.parent === 'string' ? { parent: o.parent } : {}),
  };
}

/** `restic snapshots --json`: oldest first, as restic lists them. */
export function parseSnapshots(stdout: string): Snapshot[] {
  const v: unknown = JSON.parse(stdout || '[]');
  if (!Array.isArray(v)) return fail('a snapshot list', stdout.slice(0, 200));
  return v.map(toSnapshot).sort((a, b) => a.time.getTime() - b.time.getTime());
}

/** `restic forget --json`: one entry per group. restic prints nothing (not `[]`) when no snapshot matched. */
export function parseForget(stdout: string): ForgetGroup[] {
  const text = stdout.trim();
  if (!text) return [];
  const v: unknown = JSON.parse(text);
  if (!Array.isArray(v)) return fail('a forget result', text.slice(0, 200));
  return v.map((g) => {
    const o = object(g, 'a forget group');
    return {
      tags: Array.isArray(o.tags) ? (o.tags as string[]) : [],
      keep: Array.isArray(o.keep) ? o.keep.map(toSnapshot) : [],
      remove: Array.isArray(o.remove) ? o.remove.map(toSnapshot) : [],
    };
  });
}

const checkNoise = [
  /^using temporary cache/,
  /^create exclusive lock/,
  /^load indexes/,
  /^check all packs/,
  /^check snapshots, trees and blobs/,
  /^read .* of data packs/,
  /^read group #/,
  /^\[\d+:\d+\]/,
  /^no errors were found/,
  /^Fatal: repository contains errors/,
];

/**
 * `restic check` prints no JSON in 0.14: every line that is not progress is a finding. Known findings are
 * rephrased so the report says what is wrong with which file of the repository.
 */
export function parseCheckFindings(output: string): string[] {
  return output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !checkNoise.some((re) => re.test(l)))
    .map((l) => {
      const mismatch = /^Pack ID does not match, want ([0-9a-f]+), got ([0-9a-f]+)/.exec(l);
      if (mismatch)
        return `pack data/${mismatch[1]?.slice(0, 2)}/${mismatch[1]} is corrupted: its content hashes to ${mismatch[2]?.slice(0, 12)}…, not to its name`;
      return l;
    });
}

/** `restic diff --json A B`: what B added over A (the `statistics` line; the others list changed paths). */
export interface DiffStatistics {
  addedFiles: number;
  addedBytes: number;
  removedBytes: number;
}

export function parseDiffStatistics(stdout: string): DiffStatistics {
  const line = stdout.split('\n').find((l) => l.includes('"message_type":"statistics"'));
  if (!line) return fail('a diff without a statistics line', stdout.slice(-500));
  const o = object(JSON.parse(line), 'diff statistics');
  const added = object(o.added, 'diff statistics');
  const removed = object(o.removed, 'diff statistics');
  return {
    addedFiles: field(added, 'files', 'number', 'diff statistics'),
    addedBytes: field(added, 'bytes', 'number', 'diff statistics'),
    removedBytes: field(removed, 'bytes', 'number', 'diff statistics'),
  };
}
