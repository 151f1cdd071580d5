// `backup restore neo4j`: a backup chain made with the neo4j-admin fixture and stored in a real restic
// repository, restored by the runner with a stand-in neo4j-admin (no Neo4j here) that records its command
// line and what the --from-path directory held when it ran.
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageNeo4jBackup } from '../../src/backup/neo4j.js';
import { runStoreRestore } from '../../src/backup/restore-run.js';
import type { RestoreSettings } from '../../src/backup/restore-settings.js';
import { commitBackup } from '../../src/backup/stage.js';
import { UserError } from '../../src/errors.js';
import { packageRoot } from '../../src/util/paths.js';
import { createTestRepository, type TestRepository, testPassword } from '../support/restic.js';

const backupAdmin = join(packageRoot(), 'test', 'fixtures', 'backup', 'neo4j-admin');

let repo: TestRepository;
let work: string;
let snapshot: string;
let restoreAdmin: string;
const restoreLog = () => join(work, 'restore.log');

// Records argv and the directory listing of --from-path; fails when FAKE_RESTORE_FAILS is set.
const fakeRestoreAdmin = `#!/usr/bin/env node
import { appendFileSync, readdirSync } from 'node:fs';
const args = process.argv.slice(2);
const from = args.find((a) => a.startsWith('--from-path='))?.slice(12);
appendFileSync(process.env.FAKE_RESTORE_LOG, JSON.stringify({ args, files: readdirSync(from).sort() }) + '\\n');
if (process.env.FAKE_RESTORE_FAILS) {
  console.error('The database is in use. Stop database neo4j first.');
  process.exit(1);
}
`;

beforeAll(async () => {
  repo = await createTestRepository();
  work = await mkdtemp(join(tmpdir(), 'rk-neo4j-restore-'));
  process.env.FAKE_NEO4J_ADMIN_LOG = join(work, 'backup.log');
  process.env.FAKE_RESTORE_LOG = restoreLog();
  restoreAdmin = join(work, 'neo4j-admin');
  await writeFile(restoreAdmin, fakeRestoreAdmin);
  await chmod(restoreAdmin, 0o755);
  const chainDir = join(work, 'chain');
  const staged = await stageNeo4jBackup({
    from: 'neo4j-core-0.neo4j-headless:6362',
    database: 'neo4j',
    chainDir,
    type: 'full',
    neo4jAdmin: backupAdmin,
  });
  const { summary } = await commitBackup(chainDir, staged, {
    restic: repo.restic,
    labels: { store: 'neo4j', environment: 'staging', kind: 'data' },
    type: 'full',
  });
  snapshot = summary.snapshotId;
}, 60_000);

afterAll(async () => {
  delete process.env.FAKE_NEO4J_ADMIN_LOG;
  delete process.env.FAKE_RESTORE_LOG;
  delete process.env.FAKE_RESTORE_FAILS;
  await rm(work, { recursive: true, force: true });
  await repo?.remove();
});

const settings = (extra: Partial<RestoreSettings> = {}): RestoreSettings =>
  ({
    store: 'neo4j',
    repository: repo.repository,
    password: testPassword,
    snapshot,
    environment: 'staging',
    stageDir: join(work, 'stage'),
    ...extra,
  }) as RestoreSettings;

const recorded = async () => {
  const lines = (await readFile(restoreLog(), 'utf8')).split('\n').filter(Boolean);
  await rm(restoreLog());
  return lines.map((l) => JSON.parse(l) as { args: string[]; files: string[] });
};

describe('backup restore neo4j', () => {
  it('runs neo4j-admin database restore on the verified chain, overwriting the database', async () => {
    const result = await runStoreRestore(settings(), { neo4jAdmin: restoreAdmin });
    expect(result).toMatchObject({ store: 'neo4j', snapshot, neo4j: { database: 'neo4j', artifacts: 1 } });
    const [call, ...more] = await recorded();
    expect(more).toEqual([]);
    const from = call?.args[2]?.slice('--from-path='.length) ?? '';
    expect(call?.args).toEqual([
      'database',
      'restore',
      `--from-path=${from}`,
      '--overwrite-destination=true',
      'neo4j',
    ]);
    expect(from.startsWith(join(work, 'stage', 'restore-'))).toBe(true);
    expect(call?.files).toEqual(['manifest.json', 'neo4j-2025-03-30T00-00-00.backup']);
    // The staged copy is gone once the restore is done.
    expect(await readdir(join(work, 'stage'))).toEqual([]);
  });

  it('restores into another database when --database names one', async () => {
    await runStoreRestore(settings({ database: 'graph' }), { neo4jAdmin: restoreAdmin });
    expect((await recorded())[0]?.args.at(-1)).toBe('graph');
  });

  it("reports neo4j-admin's failure with what to do", async () => {
    process.env.FAKE_RESTORE_FAILS = '1';
    try {
      const failure = runStoreRestore(settings(), { neo4jAdmin: restoreAdmin });
      await expect(failure).rejects.toThrow(UserError);
      await expect(failure).rejects.toThrow(
        /neo4j-admin database restore of neo4j failed \(exit 1\): The database is in use/,
      );
      await expect(failure).rejects.toHaveProperty('hint', expect.stringContaining('STOP DATABASE neo4j'));
    } finally {
      delete process.env.FAKE_RESTORE_FAILS;
      await rm(restoreLog(), { force: true });
    }
  });

  it('refuses to restore a neo4j snapshot as another store, before running anything', async () => {
    const asRedis = settings({ store: 'redis', target: work } as Partial<RestoreSettings>);
    await expect(runStoreRestore(asRedis)).rejects.toThrow(
      `snapshot ${snapshot} is a data backup of neo4j, not redis data`,
    );
    await expect(readFile(restoreLog())).rejects.toThrow(/ENOENT/);
  });
});
