// A real restic repository in a temp dir (init takes ~3 s: create one per test file and reuse it).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Restic } from '../../src/backup/restic.js';
import { systemBinary } from './tools.js';

export interface TestRepository {
  restic: Restic;
  /** The repository directory (data/, index/, snapshots/…). */
  repository: string;
  /** A scratch dir beside it for stages and restores; removed with the repository. */
  scratch: string;
  remove(): Promise<void>;
}

export const testPassword = 'release-kit-test-password';

export async function createTestRepository(): Promise<TestRepository> {
  const root = await mkdtemp(join(tmpdir(), 'rk-restic-'));
  const repository = join(root, 'repo');
  const restic = new Restic({
    repository,
    password: testPassword,
    binary: systemBinary('restic'),
    cacheDir: join(root, 'cache'),
  });
  await restic.init();
  return { restic, repository, scratch: root, remove: () => rm(root, { recursive: true, force: true }) };
}
