// One in-store restore as the restore Jobs (and operators) run it: restore the snapshot into a scratch
// directory, prove every file matches its manifest and that the snapshot is this store's and this
// environment's, and only then put the data in place. Returns a small result to print.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { log } from '../log.js';
import { Restic } from './restic.js';
import { type FaissRestoreResult, restoreFaiss } from './restore-faiss.js';
import { type Neo4jRestoreResult, restoreNeo4j } from './restore-neo4j.js';
import { type RedisRestoreResult, restoreRedis } from './restore-redis.js';
import type { RestoreSettings } from './restore-settings.js';
import { restoreSnapshot } from './restore-snapshot.js';

export type StoreRestoreResult = {
  store: string;
  snapshot: string;
  environment: string;
  /** When the backup was taken. */
  createdAt: string;
  files: number;
  bytes: number;
} & ({ redis: RedisRestoreResult } | { neo4j: Neo4jRestoreResult } | { faiss: FaissRestoreResult });

export interface StoreRestoreTools {
  neo4jAdmin?: string;
}

export async function runStoreRestore(
  s: RestoreSettings,
  tools: StoreRestoreTools = {},
): Promise<StoreRestoreResult> {
  const restic = new Restic({ repository: s.repository, password: s.password });
  await mkdir(s.stageDir, { recursive: true });
  // A directory of its own inside the stage: the stage may be a mount point, which cannot be renamed onto.
  const scratch = await mkdtemp(join(s.stageDir, 'restore-'));
  try {
    const restored = await restoreSnapshot(restic, s.snapshot, join(scratch, 'snapshot'));
    const { manifest, snapshot } = restored;
    const id = snapshot.shortId;
    if (restored.problems.length) {
      throw new UserError(
        `snapshot ${id} does not match its manifest, so ${s.store} was not touched:\n  - ${restored.problems.join('\n  - ')}`,
        'restore an older snapshot, and check the repository with `restic check --read-data`',
      );
    }
    if (manifest.store !== s.store || manifest.kind !== 'data') {
      throw new UserError(
        `snapshot ${id} is a ${manifest.kind} backup of ${manifest.store}, not ${s.store} data`,
        `pick a snapshot tagged store=${s.store},kind=data`,
      );
    }
    if (manifest.environment !== s.environment) {
      throw new UserError(
        `snapshot ${id} was taken in environment ${manifest.environment}, this restore is for ${s.environment}`,
        `pick a snapshot tagged env=${s.environment}; restoring another environment's data is not done by the runner`,
      );
    }
    log.info(
      `snapshot ${id} (${manifest.createdAt}) verified: ${manifest.files.length} files match the manifest`,
    );
    const common = {
      store: s.store,
      snapshot: id,
      environment: manifest.environment,
      createdAt: manifest.createdAt,
      files: manifest.files.length,
      bytes: manifest.files.reduce((n, f) => n + f.size, 0),
    };
    const stagedDir = restored.dir;
    if (s.store === 'redis') {
      return { ...common, redis: await restoreRedis({ stagedDir, manifest, target: s.target }) };
    }
    if (s.store === 'faiss') {
      return {
        ...common,
        faiss: await restoreFaiss({ stagedDir, manifest, shard: s.shard, target: s.target }),
      };
    }
    const neo4j = await restoreNeo4j({
      stagedDir,
      manifest,
      ...(s.database ? { database: s.database } : {}),
      ...(tools.neo4jAdmin ? { neo4jAdmin: tools.neo4jAdmin } : {}),
    });
    return { ...common, neo4j };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
