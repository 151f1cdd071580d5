// Change detection, pure: the planned release (its values and `helm template` output) against the
// deployed revision (`helm get values` and `helm get manifest`). Equal values and equal objects mean
// an upgrade would only add a revision, so deploy skips the release.
import { createHash } from 'node:crypto';
import type { ManifestObject } from '../helm/index.js';

/** JSON with object keys sorted, so equal data always gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

/** `sha256:<hex>` of the canonical JSON of a release's values. */
export const valuesDigest = (values: Record<string, unknown>): string =>
  `sha256:${createHash('sha256').update(canonicalJson(values)).digest('hex')}`;

export interface ReleaseContent {
  values: Record<string, unknown>;
  objects: readonly ManifestObject[];
}

export type ChangeVerdict = { changed: false } | { changed: true; reasons: string[] };

// Enough to tell a reader what moved; the full diff is `helm diff`'s job.
const MAX_REASONS = 4;

export function detectChange(planned: ReleaseContent, deployed: ReleaseContent): ChangeVerdict {
  const reasons: string[] = [];
  const paths = changedPaths(planned.values, deployed.values, '');
  if (paths.length > 0) {
    const shown = paths.slice(0, MAX_REASONS).join(', ');
    reasons.push(
      `values changed at ${shown}${paths.length > MAX_REASONS ? ` and ${paths.length - MAX_REASONS} more` : ''}`,
    );
  }
  reasons.push(...manifestChanges(withoutHooks(planned.objects), deployed.objects));
  return reasons.length === 0 ? { changed: false } : { changed: true, reasons };
}

/** Dotted paths of the leaves (or whole arrays) that differ; `a.b` for nested keys. */
export function changedPaths(a: unknown, b: unknown, prefix: string): string[] {
  if (isMap(a) && isMap(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => changedPaths(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return canonicalJson(a) === canonicalJson(b) ? [] : [prefix || '(all values)'];
}

const objectKey = (o: ManifestObject): string => `${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`;

function manifestChanges(planned: readonly ManifestObject[], deployed: readonly ManifestObject[]): string[] {
  const before = new Map(deployed.map((o) => [objectKey(o), canonicalJson(o.object)]));
  const after = new Map(planned.map((o) => [objectKey(o), canonicalJson(o.object)]));
  const changes: string[] = [];
  for (const [key, text] of after) {
    const old = before.get(key);
    if (old === undefined) changes.push(`adds ${key}`);
    else if (old !== text) changes.push(`changes ${key}`);
  }
  for (const key of before.keys()) if (!after.has(key)) changes.push(`removes ${key}`);
  if (changes.length <= MAX_REASONS) return changes;
  return [...changes.slice(0, MAX_REASONS), `and ${changes.length - MAX_REASONS} more manifest changes`];
}

/** `helm template` prints hooks too; `helm get manifest` leaves them out, so they are not compared. */
export const withoutHooks = (objects: readonly ManifestObject[]): ManifestObject[] =>
  objects.filter((o) => {
    const metadata = o.object.metadata;
    const annotations = isMap(metadata) && isMap(metadata.annotations) ? metadata.annotations : {};
    return annotations['helm.sh/hook'] === undefined;
  });

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
