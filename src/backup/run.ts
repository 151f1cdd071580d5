// One backup run as the backup Jobs (and the CLI) start it: stage the store's files, describe them in a
// manifest, store them as a tagged restic snapshot; or apply retention. Returns a small result to print.
import { stageFaissBackup } from './faiss.js';
import { stageNeo4jBackup } from './neo4j.js';
import { stageRedisBackup } from './redis/backup.js';
import { Restic } from './restic.js';
import { applyRetention } from './retention.js';
import type { RunnerSettings } from './runner-settings.js';
import { commitBackup, prepareStage, type StagedBackup } from './stage.js';

export type RunResult =
  | { store: string; snapshot: string; dataAdded: number; bytes: number; counts: Record<string, number> }
  | { store: 'retention'; removed: Record<string, number> };

export async function runBackup(s: RunnerSettings): Promise<RunResult> {
  const restic = new Restic({ repository: s.repository, password: s.password });
  if (s.store === 'retention') {
    const retention = { data_backup: { retention: s.dataDays }, config_backup: { retention: s.configWeeks } };
    const results = await applyRetention(restic, retention, {
      ...(s.environment ? { environment: s.environment } : {}),
      dryRun: s.dryRun,
    });
    return { store: 'retention', removed: Object.fromEntries(results.map((r) => [r.kind, r.removed])) };
  }
  let dir: string;
  let staged: StagedBackup;
  if (s.store === 'redis') {
    dir = s.stageDir;
    await prepareStage(dir);
    staged = await stageRedisBackup({
      address: s.address,
      stageDir: dir,
      ...(s.redisPassword ? { password: s.redisPassword } : {}),
    });
  } else if (s.store === 'faiss') {
    dir = s.stageDir;
    await prepareStage(dir);
    staged = await stageFaissBackup({ shards: s.shards, stageDir: dir });
  } else {
    dir = s.chainDir;
    staged = await stageNeo4jBackup({ from: s.from, database: s.database, chainDir: dir, type: s.type });
  }
  const labels = { store: s.store, environment: s.environment, kind: s.kind };
  const { manifest, summary } = await commitBackup(dir, staged, { restic, labels, type: s.type });
  return {
    store: s.store,
    snapshot: summary.snapshotId,
    dataAdded: summary.dataAdded,
    bytes: manifest.files.reduce((n, f) => n + f.size, 0),
    counts: manifest.counts,
  };
}
