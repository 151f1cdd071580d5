// Label and field selectors: the query-string syntax (`a=b,c!=d,e in (f,g),!h`) and the LabelSelector
// objects controllers use (matchLabels / matchExpressions).
import { isMap } from './object.js';

type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'doesnotexist' };

export type Selector = Requirement[];

export class SelectorError extends Error {}

/** Parses a label selector string; throws SelectorError with the offending part. */
export function parseLabelSelector(text: string | null | undefined): Selector {
  const requirements: Selector = [];
  if (!text?.trim()) return requirements;
  // Split on commas that are not inside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  for (const raw of parts) {
    const part = raw.trim();
    const set = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (set) {
      const values = (set[3] ?? '').split(',').map((v) => v.trim());
      requirements.push({ key: set[1] ?? '', op: set[2] as 'in' | 'notin', values });
      continue;
    }
    const eq = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(part);
    if (eq) {
      requirements.push({ key: eq[1] ?? '', op: eq[2] === '!=' ? 'notin' : 'in', values: [eq[3] ?? ''] });
      continue;
    }
    const exists = /^(!?)([\w./-]+)$/.exec(part);
    if (exists) {
      requirements.push({ key: exists[2] ?? '', op: exists[1] ? 'doesnotexist' : 'exists' });
      continue;
    }
    throw new SelectorError(`unable to parse requirement: "${part}"`);
  }
  return requirements;
}

export function matches(selector: Selector, labels: Record<string, string> | undefined): boolean {
  return selector.every((req) => {
    const value = labels?.[req.key];
    if (req.op === 'in') return value !== undefined && req.values.includes(value);
    if (req.op === 'notin') return value === undefined || !req.values.includes(value);
    return (value !== undefined) === (req.op === 'exists');
  });
}

/** A LabelSelector object (as in Deployment.spec.selector) as requirements. */
export function fromLabelSelector(selector: unknown): Selector {
  if (!isMap(selector)) return [];
  const requirements: Selector = [];
  const matchLabels = isMap(selector.matchLabels) ? selector.matchLabels : {};
  for (const [key, value] of Object.entries(matchLabels))
    requirements.push({ key, op: 'in', values: [String(value)] });
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const expr of expressions) {
    if (!isMap(expr)) continue;
    const key = String(expr.key);
    const values = Array.isArray(expr.values) ? expr.values.map(String) : [];
    const op = String(expr.operator);
    if (op === 'In') requirements.push({ key, op: 'in', values });
    else if (op === 'NotIn') requirements.push({ key, op: 'notin', values });
    else if (op === 'Exists') requirements.push({ key, op: 'exists' });
    else if (op === 'DoesNotExist') requirements.push({ key, op: 'doesnotexist' });
  }
  return requirements;
}

/** A field selector (`metadata.name=x,status.phase!=Failed`): field paths compared as strings. */
export type FieldSelector = { path: string[]; equal: boolean; value: string }[];

export function parseFieldSelector(text: string | null | undefined): FieldSelector {
  if (!text?.trim()) return [];
  return text.split(',').map((part) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(part.trim());
    if (!m) throw new SelectorError(`invalid field selector: "${part}"`);
    return { path: (m[1] ?? '').split('.'), equal: m[2] !== '!=', value: m[3] ?? '' };
  });
}

export function matchesFields(selector: FieldSelector, obj: unknown): boolean {
  return selector.every(({ path, equal, value }) => {
    let node: unknown = obj;
    for (const key of path) node = isMap(node) ? node[key] : undefined;
    const actual = node === undefined || node === null ? '' : String(node);
    return (actual === value) === equal;
  });
}
