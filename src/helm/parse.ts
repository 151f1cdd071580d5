// Parsers for helm's machine-readable output. helm is trusted to print its own format, so a shape
// that does not match is a bug (or an unsupported helm) and throws a plain Error naming the field.
import { parseAllDocuments } from 'yaml';
import {
  type ManifestObject,
  type ReleaseState,
  type ReleaseStatus,
  type ReleaseSummary,
  type Revision,
  releaseStatuses,
} from './types.js';

type Json = Record<string, unknown>;

function fail(what: string, detail: string): never {
  throw new Error(`unexpected helm ${what} output: ${detail}`);
}

function parseJson(what: string, stdout: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch (e) {
    return fail(what, `not JSON (${(e as Error).message}): ${stdout.slice(0, 200)}`);
  }
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function field<T>(what: string, obj: Json, key: string, check: (v: unknown) => v is T, label: string): T {
  const v = obj[key];
  if (!check(v)) fail(what, `${key} should be ${label}, got ${JSON.stringify(v)}`);
  return v;
}
const isString = (v: unknown): v is string => typeof v === 'string';
const str = (what: string, obj: Json, key: string) => field(what, obj, key, isString, 'a string');
const optStr = (obj: Json, key: string): string => (typeof obj[key] === 'string' ? (obj[key] as string) : '');

function status(what: string, value: unknown): ReleaseStatus {
  if (!releaseStatuses.includes(value as ReleaseStatus))
    fail(what, `unknown release status ${JSON.stringify(value)}`);
  return value as ReleaseStatus;
}

// RFC 3339 only: Date() would also accept Go's default time format, and misread its zone names.
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function date(what: string, key: string, value: unknown): Date {
  const d = typeof value === 'string' && rfc3339.test(value) ? new Date(value) : undefined;
  if (!d || Number.isNaN(d.getTime())) fail(what, `${key} should be a time, got ${JSON.stringify(value)}`);
  return d;
}

/** Helm leaves unset times out, or (helm 3) prints them as "" or Go's zero time. */
function optDate(what: string, key: string, value: unknown): Date | undefined {
  if (value === undefined || value === null || value === '' || String(value).startsWith('0001-01-01'))
    return undefined;
  return date(what, key, value);
}

function revisionNumber(what: string, value: unknown): number {
  // `list` prints revisions as strings, `history` as numbers.
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    fail(what, `revision should be a number, got ${JSON.stringify(value)}`);
  return n;
}

/** `helm history -o json`, oldest revision first. */
export function parseHistory(stdout: string): Revision[] {
  const what = 'history';
  const rows = parseJson(what, stdout);
  if (!Array.isArray(rows)) fail(what, 'expected a JSON array');
  return rows
    .map((row): Revision => {
      if (!isObject(row)) fail(what, 'expected an array of objects');
      return {
        revision: revisionNumber(what, row.revision),
        updated: date(what, 'updated', row.updated),
        status: status(what, row.status),
        chart: str(what, row, 'chart'),
        appVersion: optStr(row, 'app_version'),
        description: optStr(row, 'description'),
      };
    })
    .sort((a, b) => a.revision - b.revision);
}

/** `helm list -o json` (run with an RFC 3339 --time-format, see args.ts). */
export function parseList(stdout: string): ReleaseSummary[] {
  const what = 'list';
  const rows = parseJson(what, stdout);
  if (!Array.isArray(rows)) fail(what, 'expected a JSON array');
  return rows.map((row): ReleaseSummary => {
    if (!isObject(row)) fail(what, 'expected an array of objects');
    return {
      name: str(what, row, 'name'),
      namespace: str(what, row, 'namespace'),
      revision: revisionNumber(what, row.revision),
      updated: date(what, 'updated', row.updated),
      status: status(what, row.status),
      chart: str(what, row, 'chart'),
      appVersion: optStr(row, 'app_version'),
    };
  });
}

/** `helm status -o json` and `helm upgrade -o json`: the release record. */
export function parseRelease(stdout: string): ReleaseState {
  const what = 'release';
  const rel = parseJson(what, stdout);
  if (!isObject(rel)) fail(what, 'expected a JSON object');
  const info = field(what, rel, 'info', isObject, 'an object');
  const state: ReleaseState = {
    name: str(what, rel, 'name'),
    namespace: str(what, rel, 'namespace'),
    revision: revisionNumber(what, rel.version),
    status: status(what, info.status),
    description: optStr(info, 'description'),
    notes: optStr(info, 'notes'),
  };
  if (isObject(rel.chart) && isObject(rel.chart.metadata)) {
    const meta = rel.chart.metadata;
    state.chart = { name: str(what, meta, 'name'), version: str(what, meta, 'version') };
    if (optStr(meta, 'appVersion')) state.chart.appVersion = optStr(meta, 'appVersion');
  }
  // helm prints `config` only with the chart, and leaves it out (or null) when no values were given.
  if (state.chart) state.values = isObject(rel.config) ? rel.config : {};
  const first = optDate(what, 'info.first_deployed', info.first_deployed);
  const last = optDate(what, 'info.last_deployed', info.last_deployed);
  if (first) state.firstDeployed = first;
  if (last) state.lastDeployed = last;
  if (typeof rel.manifest === 'string') state.manifest = rel.manifest;
  return state;
}

/** `helm get values -o json`: `null` when no values were supplied. */
export function parseValues(stdout: string): Record<string, unknown> {
  const values = parseJson('get values', stdout);
  if (values === null) return {};
  if (!isObject(values)) fail('get values', 'expected a JSON object');
  return values;
}

/** A multi-document manifest (`helm template`, `helm get manifest`) as objects, with their source templates. */
export function parseManifest(text: string): ManifestObject[] {
  const what = 'manifest';
  const objects: ManifestObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) fail(what, doc.errors[0]?.message ?? 'invalid YAML');
    const obj = doc.toJS() as unknown;
    if (obj === null || obj === undefined) continue;
    if (!isObject(obj)) fail(what, `a document is not an object: ${JSON.stringify(obj).slice(0, 80)}`);
    const metadata = isObject(obj.metadata) ? obj.metadata : {};
    // yaml attaches helm's `# Source:` line to the document or to its top-level map.
    const comments = `${doc.commentBefore ?? ''}\n${(doc.contents as { commentBefore?: string } | null)?.commentBefore ?? ''}`;
    const source = /^\s*Source: (.+)$/m.exec(comments)?.[1]?.trim();
    const entry: ManifestObject = {
      apiVersion: optStr(obj, 'apiVersion'),
      kind: optStr(obj, 'kind'),
      name: optStr(metadata, 'name'),
      object: obj,
    };
    if (typeof metadata.namespace === 'string') entry.namespace = metadata.namespace;
    if (source) entry.source = source;
    objects.push(entry);
  }
  return objects;
}
