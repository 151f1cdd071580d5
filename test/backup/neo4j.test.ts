// The Neo4j runner with a stand-in neo4j-admin that records its command lines (no Neo4j server here),
// stored in a real restic repository.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyCopy } from '../../src/backup/files.js';
import { stageNeo4jBackup } from '../../src/backup/neo4j.js';
import { restoreSnapshot } from '../../src/backup/restore-snapshot.js';
import { commitBackup } from '../../src/backup/stage.js';
import { packageRoot } from '../../src/util/paths.js';
import { createTestRepository, type TestRepository } from '../support/restic.js';

const neo4jAdmin = join(packageRoot(), 'test', 'fixtures', 'backup', 'neo4j-admin');
const labels = { store: 'neo4j', environment: 'staging', kind: 'data' } as const;

let repo: TestRepository;
let work: string;
let logFile: string;

const recorded = async () =>
  (await readFile(logFile, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as string[]);

beforeAll(async () => {
  repo = await createTestRepository();
  work = await mkdtemp(join(tmpdir(), 'rk-neo4j-'));
  logFile = join(work, 'argv.log');
  process.env.FAKE_NEO4J_ADMIN_LOG = logFile;
});

afterEach(async () => {
  delete process.env.FAKE_NEO4J_CHECK_FAILS;
  delete process.env.FAKE_NEO4J_BACKUP_FAILS;
  await rm(logFile, { force: true });
});

afterAll(async () => {
  delete process.env.FAKE_NEO4J_ADMIN_LOG;
  await rm(work, { recursive: true, force: true });
  await repo?.remove();
});

describe('neo4j backup runner', () => {
  const chainDir = () => join(work, 'chain');
  const options = (type: 'incremental' | 'full') => ({
    from: 'neo4j-core-0.neo4j:6362,neo4j-core-1.neo4j:6362',
    database: 'neo4j',
    chainDir: chainDir(),
    type,
    neo4jAdmin,
  });

  it('makes a full backup first, checks it, and stores the chain with a manifest', async () => {
    const staged = await stageNeo4jBackup(options('incremental'));
    expect(await recorded()).toEqual([
      ['--version'],
      [
        'database',
        'backup',
        '--from=neo4j-core-0.neo4j:6362,neo4j-core-1.neo4j:6362',
        `--to-path=${chainDir()}`,
        '--type=AUTO',
        'neo4j',
      ],
      [
        'database',
        'check',
        `--from-path=${chainDir()}`,
        expect.stringMatching(/^--temp-path=/),
        expect.stringMatching(/^--report-path=/),
        'neo4j',
      ],
    ]);
    expect(staged).toMatchObject({
      versions: { 'neo4j-admin': '5.26.0' },
      counts: { artifacts: 1 },
      neo4j: { backupType: 'full' },
    });
    const { manifest, summary } = await commitBackup(chainDir(), staged, {
      restic: repo.restic,
      labels,
      type: 'incremental',
    });
    expect(manifest.files.map((f) => f.path)).toEqual(['neo4j-2025-03-30T00-00-00.backup']);

    const restored = await restoreSnapshot(repo.restic, summary.snapshotId, join(work, 'restored-1'));
    expect(restored.problems).toEqual([]);
    expect(restored.manifest.neo4j).toEqual({
      database: 'neo4j',
      from: options('incremental').from,
      backupType: 'full',
    });
  });

  it('adds a differential backup to the chain on the next run', async () => {
    const staged = await stageNeo4jBackup(options('incremental'));
    expect(staged.neo4j?.backupType).toBe('differential');
    expect(staged.counts.artifacts).toBe(2);
    const { manifest } = await commitBackup(chainDir(), staged, {
      restic: repo.restic,
      labels,
      type: 'incremental',
    });
    expect(manifest.files).toHaveLength(2);
    expect(await readFile(join(chainDir(), manifest.files[1]?.path ?? ''), 'utf8')).toMatch(
      /^DIFF backup #1/,
    );
    expect((await verifyCopy(chainDir())).problems).toEqual([]);
  });

  it('forces a full backup when the config asks for one', async () => {
    const staged = await stageNeo4jBackup(options('full'));
    expect((await recorded())[1]).toContain('--type=FULL');
    expect(staged.neo4j?.backupType).toBe('full');
  });

  it('stores nothing when the consistency check fails, and says why', async () => {
    process.env.FAKE_NEO4J_CHECK_FAILS = '1';
    await expect(stageNeo4jBackup(options('incremental'))).rejects.toThrow(
      'the consistency check of the neo4j backup failed, so it was not stored: Database check found 3 inconsistencies',
    );
  });

  it('names the source when the backup itself fails', async () => {
    process.env.FAKE_NEO4J_BACKUP_FAILS = '1';
    await expect(stageNeo4jBackup(options('incremental'))).rejects.toThrow(
      /neo4j-admin database backup of neo4j from neo4j-core-0\.neo4j:6362,neo4j-core-1\.neo4j:6362 failed \(exit 1\): Remote connection failed/,
    );
    expect((await recorded()).map((a) => a[1] ?? a[0])).toEqual(['--version', 'backup']);
  });
});
