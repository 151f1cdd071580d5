// The four patch types of the Kubernetes API, as pure functions on plain JSON:
// JSON patch (RFC 6902), JSON merge patch (RFC 7386), strategic merge patch (merge lists by key,
// `$patch`, `$setElementOrder`, `$retainKeys`, `$deleteFromPrimitiveList`), and server-side apply
// (approximated: fields the same manager applied before and no longer applies are removed).
import { clone, isMap, type Json } from './object.js';

/** A patch that cannot be applied to the object: the API answers 422 with this message. */
export class PatchError extends Error {}

// --- JSON patch -----------------------------------------------------------------------------------

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`invalid JSON pointer "${path}": must start with "/"`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function parentOf(doc: unknown, tokens: string[], path: string): { parent: Container; key: string } {
  let node: unknown = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isMap(node)) node = node[token];
    else node = undefined;
    if (node === undefined) throw new PatchError(`path "${path}" does not exist`);
  }
  if (!Array.isArray(node) && !isMap(node)) throw new PatchError(`path "${path}" does not exist`);
  return { parent: node, key: tokens[tokens.length - 1] ?? '' };
}

function arrayIndex(arr: unknown[], key: string, path: string, forInsert: boolean): number {
  if (forInsert && key === '-') return arr.length;
  const index = Number(key);
  if (!/^\d+$/.test(key) || index > arr.length || (!forInsert && index === arr.length))
    throw new PatchError(`array index "${key}" out of range at "${path}"`);
  return index;
}

function getAt(doc: unknown, path: string): unknown {
  let node = doc;
  for (const token of pointer(path)) {
    node = Array.isArray(node) ? node[Number(token)] : isMap(node) ? node[token] : undefined;
    if (node === undefined) throw new PatchError(`path "${path}" does not exist`);
  }
  return node;
}

function removeAt(doc: unknown, path: string): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) throw new PatchError('cannot remove the whole document');
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, key, path, false), 1)[0];
  if (!(key in parent)) throw new PatchError(`path "${path}" does not exist`);
  const value = parent[key];
  delete parent[key];
  return value;
}

function addAt(doc: unknown, path: string, value: unknown): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, true), 0, value);
  else parent[key] = value;
  return doc;
}

export function applyJsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be an array of operations');
  let result = clone(doc);
  for (const [i, op] of ops.entries()) {
    if (!isMap(op) || typeof op.op !== 'string' || typeof op.path !== 'string')
      throw new PatchError(`operation ${i}: needs "op" and "path"`);
    const { path } = op;
    switch (op.op) {
      case 'add':
        result = addAt(result, path, clone(op.value));
        break;
      case 'remove':
        removeAt(result, path);
        break;
      case 'replace':
        removeAt(result, path);
        result = addAt(result, path, clone(op.value));
        break;
      case 'move': {
        const value = removeAt(result, String(op.from));
        result = addAt(result, path, value);
        break;
      }
      case 'copy':
        result = addAt(result, path, clone(getAt(result, String(op.from))));
        break;
      case 'test':
        if (JSON.stringify(getAt(result, path)) !== JSON.stringify(op.value))
          throw new PatchError(`test operation failed at "${path}"`);
        break;
      default:
        throw new PatchError(`operation ${i}: unknown op "${op.op}"`);
    }
  }
  return result;
}

// --- JSON merge patch -----------------------------------------------------------------------------

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return clone(patch);
  const result: Record<string, unknown> = isMap(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

// --- Strategic merge patch ------------------------------------------------------------------------

// Lists Kubernetes merges by a key instead of replacing (patchStrategy=merge in the Go types).
const mergeKeys: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
};
// Primitive lists merged as sets.
const mergedPrimitiveLists = new Set(['finalizers']);

/** The merge key of a list field, or undefined when the list is replaced as a whole. */
export function mergeKeyOf(field: string, items: unknown[]): string | undefined {
  if (field === 'ports') {
    // Container ports merge on containerPort, Service ports on port.
    return items.some((item) => isMap(item) && 'containerPort' in item) ? 'containerPort' : 'port';
  }
  return mergeKeys[field];
}

const keyOf = (item: unknown, mergeKey: string): string =>
  isMap(item) ? JSON.stringify(item[mergeKey] ?? null) : JSON.stringify(item);

function mergeList(field: string, target: unknown, patch: unknown[], order: unknown): unknown[] {
  const base = Array.isArray(target) ? target : [];
  if (mergedPrimitiveLists.has(field)) {
    const out = [...base];
    for (const item of patch) if (!out.includes(item)) out.push(item);
    return out;
  }
  const mergeKey = mergeKeyOf(field, [...patch, ...base]);
  if (!mergeKey || patch.some((item) => !isMap(item))) {
    return patch.filter((item) => !(isMap(item) && item.$patch === 'replace')).map((item) => clone(item));
  }
  if (patch.some((item) => isMap(item) && item.$patch === 'replace'))
    return patch.filter((item) => !(isMap(item) && item.$patch === 'replace')).map(stripDirectives);
  const result = base.map((item) => clone(item));
  for (const item of patch) {
    if (!isMap(item)) continue;
    const key = keyOf(item, mergeKey);
    const index = result.findIndex((existing) => keyOf(existing, mergeKey) === key);
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) result[index] = applyStrategicMerge(result[index], item);
    else result.push(stripDirectives(item));
  }
  if (Array.isArray(order)) {
    // $setElementOrder: the listed keys first, in that order; anything else keeps its relative order.
    const rank = new Map(order.map((item, i) => [keyOf(item, mergeKey), i]));
    result.sort(
      (a, b) =>
        (rank.get(keyOf(a, mergeKey)) ?? order.length) - (rank.get(keyOf(b, mergeKey)) ?? order.length),
    );
  }
  return result;
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isMap(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key.startsWith('$')) continue;
    if (v !== null) out[key] = stripDirectives(v);
  }
  return out;
}

export function applyStrategicMerge(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return clone(patch);
  if (patch.$patch === 'replace') return stripDirectives(patch);
  if (patch.$patch === 'delete') return undefined;
  const result: Record<string, unknown> = isMap(target) ? clone(target) : {};
  if (Array.isArray(patch.$retainKeys)) {
    for (const key of Object.keys(result)) if (!patch.$retainKeys.includes(key)) delete result[key];
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const list = result[field];
      if (Array.isArray(list) && Array.isArray(value)) result[field] = list.filter((v) => !value.includes(v));
      continue;
    }
    if (key.startsWith('$')) continue;
    if (value === null) delete result[key];
    else if (Array.isArray(value))
      result[key] = mergeList(key, result[key], value, patch[`$setElementOrder/${key}`]);
    else if (isMap(value)) {
      const merged = applyStrategicMerge(result[key], value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else result[key] = value;
  }
  // A $setElementOrder for a list the patch does not otherwise touch still reorders it.
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith('$setElementOrder/')) continue;
    const field = key.slice('$setElementOrder/'.length);
    if (!(field in patch) && Array.isArray(result[field]))
      result[field] = mergeList(field, result[field], [], order);
  }
  return result;
}

// --- Server-side apply ----------------------------------------------------------------------------

/**
 * The strategic patch that moves an object from what a manager applied before (`previous`) to what it
 * applies now (`applied`): the new configuration plus deletions of fields and keyed list items that the
 * manager owned and no longer sets. Fields set by others (controllers, defaults) stay untouched.
 */
export function applyPatchFor(previous: unknown, applied: unknown): unknown {
  const patch = clone(applied);
  addRemovals(previous, patch);
  return patch;
}

function addRemovals(previous: unknown, patch: unknown): void {
  if (!isMap(previous) || !isMap(patch)) return;
  for (const [key, old] of Object.entries(previous)) {
    if (!(key in patch)) {
      patch[key] = null;
      continue;
    }
    const now = patch[key];
    if (isMap(old)) addRemovals(old, now);
    else if (Array.isArray(old) && Array.isArray(now)) {
      const mergeKey = mergeKeyOf(key, [...old, ...now]);
      if (!mergeKey) continue;
      for (const item of old) {
        const match = now.find((n) => keyOf(n, mergeKey) === keyOf(item, mergeKey));
        if (match) addRemovals(item, match);
        else if (isMap(item)) now.push({ [mergeKey]: item[mergeKey] as Json, $patch: 'delete' });
      }
    }
  }
}
