// `backup restore faiss` from a real restic repository: one shard's index files into one replica's index
// directory, all or nothing; and the copy step that checks every file before anything is renamed into place.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFiles } from '../../src/backup/files.js';
import { prepareCopies } from '../../src/backup/place.js';
import { runStoreRestore } from '../../src/backup/restore-run.js';
import type { RestoreSettings } from '../../src/backup/restore-settings.js';
import { commitBackup, prepareStage } from '../../src/backup/stage.js';
import { createTestRepository, type TestRepository, testPassword } from '../support/restic.js';

let repo: TestRepository;
let snapshot: string;

const index = (shard: string) => `faiss index of shard ${shard} `.repeat(200);

beforeAll(async () => {
  repo = await createTestRepository();
  const stage = join(repo.scratch, 'backup-stage');
  await prepareStage(stage);
  await mkdir(join(stage, 'shard-0'));
  await mkdir(join(stage, 'shard-1'));
  await writeFile(join(stage, 'shard-0', 'index.faiss'), index('0'));
  await writeFile(join(stage, 'shard-0', 'ids.json'), '[1,2,3]');
  await writeFile(join(stage, 'shard-1', 'index.faiss'), index('1'));
  const shard = (name: string, files: string[], ntotal: number) => ({
    shard: name,
    replica: `http://faiss-shard-${name}-0:8080`,
    snapshot: 's1',
    ntotal,
    files,
  });
  const { summary } = await commitBackup(
    stage,
    {
      versions: { faiss: 'faiss 1.8.0' },
      counts: { shards: 2, ntotal: 5 },
      faiss: { shards: [shard('0', ['ids.json', 'index.faiss'], 3), shard('1', ['index.faiss'], 2)] },
    },
    { restic: repo.restic, labels: { store: 'faiss', environment: 'staging', kind: 'data' }, type: 'full' },
  );
  snapshot = summary.snapshotId;
}, 60_000);

afterAll(async () => {
  await repo?.remove();
});

const settings = (shard: string, target: string): RestoreSettings => ({
  store: 'faiss',
  repository: repo.repository,
  password: testPassword,
  snapshot,
  environment: 'staging',
  stageDir: join(repo.scratch, 'restore-stage'),
  shard,
  target,
});

/** The index directory of one stopped replica, holding an older index. */
async function replicaDir(): Promise<string> {
  const target = await mkdtemp(join(repo.scratch, 'replica-'));
  await writeFile(join(target, 'index.faiss'), 'old index');
  return target;
}

describe('backup restore faiss', () => {
  it("puts the shard's index files straight into the replica's directory and leaves other files alone", async () => {
    const target = await replicaDir();
    await writeFile(join(target, 'service.log'), 'not part of the index');
    const result = await runStoreRestore(settings('0', target));
    expect(result).toMatchObject({
      store: 'faiss',
      snapshot,
      files: 3,
      faiss: { shard: '0', dir: target, files: 2, ntotal: 3 },
    });
    expect(await readFile(join(target, 'index.faiss'), 'utf8')).toBe(index('0'));
    expect(await readFile(join(target, 'ids.json'), 'utf8')).toBe('[1,2,3]');
    expect((await readdir(target)).sort()).toEqual(['ids.json', 'index.faiss', 'service.log']);

    // Every replica of shard 1 gets shard 1's files, and only those.
    const other = await replicaDir();
    expect(await runStoreRestore(settings('1', other))).toMatchObject({
      faiss: { shard: '1', dir: other, files: 1, ntotal: 2 },
    });
    expect(await readFile(join(other, 'index.faiss'), 'utf8')).toBe(index('1'));
    expect(await readdir(other)).toEqual(['index.faiss']);
  });

  it('refuses a shard the backup does not hold, listing its shards, and a missing target; nothing changes', async () => {
    const target = await replicaDir();
    await expect(runStoreRestore(settings('7', target))).rejects.toThrow(
      'the snapshot holds no faiss shard "7": its shards are 0, 1',
    );
    expect(await readdir(target)).toEqual(['index.faiss']);
    expect(await readFile(join(target, 'index.faiss'), 'utf8')).toBe('old index');
    const missing = join(repo.scratch, 'no-such-replica');
    await expect(runStoreRestore(settings('0', missing))).rejects.toThrow(
      `restore target ${missing} is not a directory`,
    );
    await rm(target, { recursive: true, force: true });
  });
});

describe('copying files into place', () => {
  it('renames nothing when one copy does not match its manifest entry', async () => {
    const work = await mkdtemp(join(repo.scratch, 'place-'));
    await mkdir(join(work, 'src'));
    await mkdir(join(work, 'dst'));
    await writeFile(join(work, 'src', 'a'), 'new a');
    await writeFile(join(work, 'src', 'b'), 'new b');
    await writeFile(join(work, 'dst', 'a'), 'old a');
    const [a, b] = await describeFiles(join(work, 'src'));
    if (!a || !b) throw new Error('no files described');
    const placements = [
      { source: join(work, 'src', 'a'), destination: join(work, 'dst', 'a'), expected: a },
      // b's bytes under a manifest entry of another size: what a copy altered on the way looks like.
      {
        source: join(work, 'src', 'b'),
        destination: join(work, 'dst', 'b'),
        expected: { ...b, size: b.size + 1 },
      },
    ];
    await expect(prepareCopies(placements)).rejects.toThrow(
      /did not match the manifest when copied into place, so nothing was changed:\n {2}- .*dst\/b: the copy of b is 5 bytes/,
    );
    expect(await readdir(join(work, 'dst'))).toEqual(['a']);
    expect(await readFile(join(work, 'dst', 'a'), 'utf8')).toBe('old a');

    const good = await prepareCopies(placements.slice(0, 1));
    expect(await readFile(join(work, 'dst', 'a'), 'utf8')).toBe('old a');
    await good.commit();
    expect(await readFile(join(work, 'dst', 'a'), 'utf8')).toBe('new a');
    expect(await readdir(join(work, 'dst'))).toEqual(['a']);
    await rm(work, { recursive: true, force: true });
  });
});
