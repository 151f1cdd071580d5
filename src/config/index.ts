// Public entry of the config module. (Provisional: parses and merges only; the validating loader replaces it.)
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { ReleaseConfig } from './types.js';

export type { ReleaseConfig } from './types.js';

export interface LoadOptions {
  /** Name of an entry under `environments`, deep-merged over the base. */
  environment?: string;
}

/** Loads, validates and resolves a release configuration file. Throws a UserError describing every problem. */
export async function loadReleaseConfig(file: string, options: LoadOptions = {}): Promise<ReleaseConfig> {
  const base = parse(await readFile(file, 'utf8')) as ReleaseConfig;
  const overlay = options.environment ? base.environments?.[options.environment] : undefined;
  return overlay ? (deepMerge(base, overlay) as ReleaseConfig) : base;
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (isObject(base) && isObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
    return out;
  }
  return over === undefined ? base : over;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
