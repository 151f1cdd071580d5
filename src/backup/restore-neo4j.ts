// Restores a verified Neo4j backup chain with `neo4j-admin database restore`, which writes into the data
// directory of the neo4j.conf it finds (NEO4J_CONF / NEO4J_HOME): run it where that server's data lives,
// with the database stopped (`STOP DATABASE <db>`), then start or re-create the database.
import { readdir } from 'node:fs/promises';
import { execa } from 'execa';
import { UserError } from '../errors.js';
import { log } from '../log.js';
import { lastLines } from '../util/text.js';
import type { BackupManifest } from './manifest.js';

export interface Neo4jRestoreOptions {
  /** The restored and verified snapshot: the backup chain (`*.backup`) and its manifest. */
  stagedDir: string;
  manifest: BackupManifest;
  /** Database to restore into; default: the one the backup was taken of. */
  database?: string;
  neo4jAdmin?: string;
}

export interface Neo4jRestoreResult {
  database: string;
  artifacts: number;
}

export async function restoreNeo4j(o: Neo4jRestoreOptions): Promise<Neo4jRestoreResult> {
  const details = o.manifest.neo4j;
  if (!details) throw new UserError('the snapshot is not a Neo4j backup (its manifest has no neo4j details)');
  const database = o.database ?? details.database;
  const artifacts = (await readdir(o.stagedDir)).filter((f) => f.endsWith('.backup')).length;
  if (!artifacts) {
    throw new UserError(
      `the snapshot of ${details.database} holds no backup artifact (*.backup)`,
      'restore another snapshot',
    );
  }
  log.info(`neo4j: restoring ${database} from ${artifacts} backup artifacts of ${details.database}`);
  const result = await execa(
    o.neo4jAdmin ?? 'neo4j-admin',
    ['database', 'restore', `--from-path=${o.stagedDir}`, '--overwrite-destination=true', database],
    { reject: false, all: true },
  );
  if (result.failed) {
    throw new UserError(
      `neo4j-admin database restore of ${database} failed (exit ${result.exitCode ?? 'none'}): ${lastLines(result.all ?? result.message)}`,
      `stop the database first (STOP DATABASE ${database}) and run the restore where its data directory is mounted`,
    );
  }
  return { database, artifacts };
}
