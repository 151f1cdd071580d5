// Validation of a backup against a real restic repository: a sound one passes, a damaged repository or a
// restored copy with a missing or altered file is reported with a message naming what is wrong.
import { randomBytes } from 'node:crypto';
import { chmod, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCopy } from '../../src/backup/files.js';
import { Restic } from '../../src/backup/restic.js';
import { restoreSnapshot } from '../../src/backup/restore-snapshot.js';
import { type CommittedBackup, commitBackup, prepareStage } from '../../src/backup/stage.js';
import { validateBackup, validationError } from '../../src/backup/validate.js';
import { UserError } from '../../src/errors.js';
import { createTestRepository, type TestRepository, testPassword } from '../support/restic.js';
import { systemBinary } from '../support/tools.js';

let repo: TestRepository;
let backup: CommittedBackup;

beforeAll(async () => {
  repo = await createTestRepository();
  const stage = join(repo.scratch, 'stage');
  await prepareStage(stage);
  await writeFile(join(stage, 'values.yaml'), 'replicas: 3\n');
  await writeFile(join(stage, 'index.bin'), randomBytes(2_000_000));
  backup = await commitBackup(
    stage,
    { versions: { helm: '3.18.0' }, counts: { releases: 1 } },
    {
      restic: repo.restic,
      labels: { store: 'config', environment: 'staging', kind: 'config' },
      type: 'full',
    },
  );
});

afterAll(async () => {
  await repo?.remove();
});

describe('backup validation', () => {
  it('passes a sound repository and an intact snapshot', async () => {
    const v = await validateBackup(repo.restic, backup.summary.snapshotId, join(repo.scratch, 'sound'), {
      readDataSubset: '100%',
    });
    expect(v).toMatchObject({ ok: true, problems: [] });
    expect(v.manifest?.files.map((f) => f.path)).toEqual(['index.bin', 'values.yaml']);
  });

  it('names a missing, an altered and an unexpected file of a restored copy', async () => {
    const dir = join(repo.scratch, 'tampered');
    await restoreSnapshot(repo.restic, backup.summary.snapshotId, dir);
    await rm(join(dir, 'values.yaml'));
    const index = await readFile(join(dir, 'index.bin'));
    index[1000] = (index[1000] ?? 0) ^ 0xff;
    await writeFile(join(dir, 'index.bin'), index);
    await writeFile(join(dir, 'stray.txt'), 'x');
    const { problems } = await verifyCopy(dir);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(
      /^index\.bin has sha256 [0-9a-f]{12}…, the manifest says [0-9a-f]{12}…: it was altered$/,
    );
    expect(problems[1]).toBe('values.yaml is missing (the manifest lists it with 12 bytes)');
    expect(problems[2]).toBe('stray.txt is not listed in the manifest');
  });

  it('rejects a damaged manifest with the file it read', async () => {
    const dir = join(repo.scratch, 'bad-manifest');
    await restoreSnapshot(repo.restic, backup.summary.snapshotId, dir);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    manifest.files[0].sha256 = 'not-a-hash';
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    await expect(verifyCopy(dir)).rejects.toThrow(
      `${join(dir, 'manifest.json')} is not a release-kit backup manifest: /files/0/sha256 must match pattern`,
    );
    await writeFile(join(dir, 'manifest.json'), '{"format": 1,');
    await expect(verifyCopy(dir)).rejects.toThrow(/manifest\.json is not valid JSON/);
  });

  it('refuses to restore into a directory that is not empty', async () => {
    const dir = join(repo.scratch, 'sound'); // restored by the first test
    await expect(restoreSnapshot(repo.restic, backup.summary.snapshotId, dir)).rejects.toThrow(
      `restore target ${dir} is not empty`,
    );
  });

  it('explains a wrong password, a missing repository and an unknown snapshot', async () => {
    const restic = (repository: string, password: string) =>
      new Restic({
        repository,
        password,
        binary: systemBinary('restic'),
        cacheDir: join(repo.scratch, 'cache'),
      });
    await expect(restic(repo.repository, 'wrong').snapshots()).rejects.toThrow(
      `restic snapshots failed: the password does not open repository ${repo.repository}`,
    );
    const missing = join(repo.scratch, 'nowhere');
    await expect(restic(missing, testPassword).snapshots()).rejects.toThrow(
      `there is no restic repository at ${missing}`,
    );
    await expect(repo.restic.snapshot('deadbeef')).rejects.toThrow(UserError);
  });

  it('detects a corrupted pack file and names it', async () => {
    // The largest pack holds the 2 MB file's data; flip bytes in its middle.
    const packs: { path: string; size: number }[] = [];
    for (const sub of await readdir(join(repo.repository, 'data'))) {
      for (const name of await readdir(join(repo.repository, 'data', sub))) {
        const path = join(repo.repository, 'data', sub, name);
        packs.push({ path, size: (await stat(path)).size });
      }
    }
    const victim = packs.sort((a, b) => b.size - a.size)[0]?.path ?? '';
    await chmod(victim, 0o600);
    const bytes = await readFile(victim);
    for (let i = 0; i < 16; i++) bytes[500_000 + i] = (bytes[500_000 + i] ?? 0) ^ 0xff;
    await writeFile(victim, bytes);

    const v = await validateBackup(repo.restic, backup.summary.snapshotId, join(repo.scratch, 'corrupt'), {
      readDataSubset: '100%',
    });
    expect(v.ok).toBe(false);
    const name = victim.split('/').at(-1) ?? '';
    expect(v.problems[0]).toBe(
      `repository ${repo.repository}: pack data/${name.slice(0, 2)}/${name} is corrupted: ${v.problems[0]?.split(' is corrupted: ')[1]}`,
    );
    expect(v.problems[0]).toMatch(/its content hashes to [0-9a-f]{12}…, not to its name$/);
    const error = validationError(backup.summary.snapshotId, v);
    expect(error.message).toContain(`backup ${backup.summary.snapshotId} failed validation:\n  - repository`);
    expect(error.hint).toMatch(/pick an older snapshot/);
  });
});
