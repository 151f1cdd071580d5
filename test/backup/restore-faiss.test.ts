// `backup restore faiss` from a real restic repository: the shards' index files back into each shard's data
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

const settings = (target: string): RestoreSettings => ({
  store: 'faiss',
  repository: repo.repository,
  password: testPassword,
  snapshot,
  environment: 'staging',
  stageDir: join(repo.scratch, 'restore-stage'),
  target,
});

async function shardDirs(...shards: string[]): Promise<string> {
  const target = await mkdtemp(join(repo.scratch, 'data-'));
  for (const s of shards) {
    await mkdir(join(target, `shard-${s}`));
    await writeFile(join(target, `shard-${s}`, 'index.faiss'), 'old index');
  }
  return target;
}

describe('backup restore faiss', () => {
  it("replaces each shard's index files and leaves other files alone", async () => {
    const target = await shardDirs('0', '1');
    await writeFile(join(target, 'shard-0', 'service.log'), 'not part of the index');
    const result = await runStoreRestore(settings(target));
    expect(result).toMatchObject({
      store: 'faiss',
      snapshot,
      files: 3,
      faiss: {
        shards: [
          { shard: '0', dir: join(target, 'shard-0'), files: 2, ntotal: 3 },
          { shard: '1', dir: join(target, 'shard-1'), files: 1, ntotal: 2 },
        ],
      },
    });
    expect(await readFile(join(target, 'shard-0', 'index.faiss'), 'utf8')).toBe(index('0'));
    expect(await readFile(join(target, 'shard-0', 'ids.json'), 'utf8')).toBe('[1,2,3]');
    expect(await readFile(join(target, 'shard-1', 'index.faiss'), 'utf8')).toBe(index('1'));
    expect((await readdir(join(target, 'shard-0'))).sort()).toEqual([
      'ids.json',
      'index.faiss',
      'service.log',
    ]);
    expect(await readdir(join(target, 'shard-1'))).toEqual(['index.faiss']);
  });

  it("refuses when a shard's data directory is missing, and changes no other shard", async () => {
    const target = await shardDirs('0');
    await expect(runStoreRestore(settings(target))).rejects.toThrow(
      `${join(target, 'shard-1')} is not a directory: the data directory of faiss shard 1 is missing`,
    );
    expect(await readFile(join(target, 'shard-0', 'index.faiss'), 'utf8')).toBe('old index');
    expect(await readdir(join(target, 'shard-0'))).toEqual(['index.faiss']);
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
