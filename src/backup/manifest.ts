// The manifest every backup stores beside its files (manifest.json): what was backed up, from which
// source versions, and the size and sha256 of each file, so a restored copy can be proven complete and
// unaltered before anything is put back into a store. Pure: parsing and comparison only.
import { Ajv } from 'ajv';
import { UserError } from '../errors.js';
import type { RedisInventory } from './redis/inventory.js';
import type { BackupKind } from './tags.js';

export const manifestFileName = 'manifest.json';
/** Marks a directory release-kit may empty before staging a backup; not part of the backup. */
export const stageMarker = '.release-kit-stage';

export interface FileEntry {
  /** Relative to the backup directory, with `/` separators. */
  path: string;
  size: number;
  sha256: string;
}

export interface RedisMaster {
  id: string;
  address: string;
  /** Slot ranges this master served (`0-5460`); `0-16383` for a single node. */
  slots: string[];
  /** The RDB file of this master. */
  file: string;
  inventory: RedisInventory;
}

export interface RedisDetails {
  clusterEnabled: boolean;
  masters: RedisMaster[];
}

export interface Neo4jDetails {
  database: string;
  from: string;
  /** What neo4j-admin made: a full backup, or a differential one on top of the chain already there. */
  backupType: 'full' | 'differential';
}

export interface FaissShard {
  shard: string;
  /** The replica the index files were copied from. */
  replica: string;
  snapshot: string;
  ntotal: number;
  files: string[];
}

export interface FaissDetails {
  shards: FaissShard[];
}

export interface BackupManifest {
  format: 1;
  store: string;
  environment: string;
  kind: BackupKind;
  type: 'incremental' | 'full';
  createdAt: string;
  /** Versions of the sources the data came from (`redis`, `neo4j-admin`, `faiss`…). */
  versions: Record<string, string>;
  /** Every file of the backup except the manifest itself (and the stage marker), sorted by path. */
  files: FileEntry[];
  /** Store-level counts: keys, ntotal… */
  counts: Record<string, number>;
  redis?: RedisDetails;
  neo4j?: Neo4jDetails;
  faiss?: FaissDetails;
}

const manifestSchema = {
  type: 'object',
  required: ['format', 'store', 'environment', 'kind', 'type', 'createdAt', 'versions', 'files', 'counts'],
  properties: {
    format: { const: 1 },
    store: { type: 'string', minLength: 1 },
    environment: { type: 'string', minLength: 1 },
    kind: { enum: ['data', 'config'] },
    type: { enum: ['incremental', 'full'] },
    createdAt: { type: 'string' },
    versions: { type: 'object', additionalProperties: { type: 'string' } },
    files: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'size', 'sha256'],
        properties: {
          path: { type: 'string', minLength: 1 },
          size: { type: 'integer', minimum: 0 },
          sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        },
      },
    },
    counts: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
    redis: { type: 'object', required: ['clusterEnabled', 'masters'] },
    neo4j: { type: 'object', required: ['database', 'from', 'backupType'] },
    faiss: { type: 'object', required: ['shards'] },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile(manifestSchema);

/** Parses and checks a manifest; `source` (a file or snapshot) names where it came from in errors. */
export function parseManifest(text: string, source: string): BackupManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UserError(
      `${source} is not valid JSON: ${(e as Error).message}`,
      'the backup is damaged; restore an older snapshot',
    );
  }
  if (!validate(value)) {
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new UserError(
      `${source} is not a release-kit backup manifest: ${errors}`,
      'the backup is damaged or was not made by release-kit',
    );
  }
  return value as BackupManifest;
}

const short = (sha: string) => `${sha.slice(0, 12)}…`;

/**
 * What differs between the files a manifest lists and the files found in a copy: one sentence per
 * problem, naming the file. Empty means the copy is complete and unaltered.
 */
export function compareFiles(expected: FileEntry[], actual: FileEntry[]): string[] {
  const found = new Map(actual.map((f) => [f.path, f]));
  const problems: string[] = [];
  for (const want of expected) {
    const got = found.get(want.path);
    found.delete(want.path);
    if (!got) problems.push(`${want.path} is missing (the manifest lists it with ${want.size} bytes)`);
    else if (got.size !== want.size)
      problems.push(`${want.path} is ${got.size} bytes, the manifest says ${want.size}: it was altered`);
    else if (got.sha256 !== want.sha256)
      problems.push(
        `${want.path} has sha256 ${short(got.sha256)}, the manifest says ${short(want.sha256)}: it was altered`,
      );
  }
  for (const extra of found.keys()) problems.push(`${extra} is not listed in the manifest`);
  return problems;
}
