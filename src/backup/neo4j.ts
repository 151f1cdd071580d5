// Neo4j backup runner: `neo4j-admin database backup` into a chain directory that persists between runs
// (so --type=AUTO makes a differential backup on top of the last one), then a consistency check of the
// chain with `neo4j-admin database check` before anything is stored. The chain directory is what the
// restic snapshot holds: every snapshot can be restored on its own.
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../errors.js';
import { log } from '../log.js';
import { lastLines } from '../util/text.js';
import type { StagedBackup } from './stage.js';

export interface Neo4jBackupOptions {
  /** Backup listener(s) of the cluster: `host:port[,host:port…]` (port 6362 by default in Neo4j). */
  from: string;
  database: string;
  /** Where the backup chain lives between runs; the restic snapshot stores this directory. */
  chainDir: string;
  /** `full` forces a new full backup; `incremental` lets neo4j-admin add a differential one. */
  type: 'incremental' | 'full';
  neo4jAdmin?: string;
}

export async function stageNeo4jBackup(o: Neo4jBackupOptions): Promise<StagedBackup> {
  const bin = o.neo4jAdmin ?? 'neo4j-admin';
  const run = (args: string[]) => execa(bin, args, { reject: false, all: true });

  const version = await run(['--version']);
  if (version.failed) throw new Error(`${bin} --version failed: ${lastLines(version.all)}`);

  await mkdir(o.chainDir, { recursive: true });
  const chain = (await readdir(o.chainDir)).filter((f) => f.endsWith('.backup'));
  const backupType = o.type === 'full' || chain.length === 0 ? 'full' : 'differential';
  log.info(
    `neo4j backup of ${o.database} from ${o.from}: ${backupType} (${chain.length} artifacts in the chain)`,
  );

  const backup = await run([
    'database',
    'backup',
    `--from=${o.from}`,
    `--to-path=${o.chainDir}`,
    `--type=${o.type === 'full' ? 'FULL' : 'AUTO'}`,
    o.database,
  ]);
  if (backup.failed) {
    throw new UserError(
      `neo4j-admin database backup of ${o.database} from ${o.from} failed (exit ${backup.exitCode}): ${lastLines(backup.all)}`,
      'check that the backup listener (server.backup.listen_address) is reachable from the backup Job',
    );
  }

  const scratch = await mkdtemp(join(tmpdir(), 'rk-neo4j-check-'));
  try {
    const check = await run([
      'database',
      'check',
      `--from-path=${o.chainDir}`,
      `--temp-path=${scratch}`,
      `--report-path=${scratch}`,
      o.database,
    ]);
    if (check.failed) {
      throw new UserError(
        `the consistency check of the ${o.database} backup failed, so it was not stored: ${lastLines(check.all)}`,
        'the source database may be inconsistent: run `neo4j-admin database check` on it, then back up again',
      );
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  return {
    versions: { 'neo4j-admin': version.stdout.trim() },
    counts: { artifacts: (await readdir(o.chainDir)).filter((f) => f.endsWith('.backup')).length },
    neo4j: { database: o.database, from: o.from, backupType },
  };
}
