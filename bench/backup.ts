// Incremental backup cost: a 200 MB store data set backed up in full, then after a 1 % change, through
// the product path (manifest + restic). Two kinds of 1 % change are measured side by side, because
// restic deduplicates by content-defined chunks of ~1 MiB: a change in one region (an index file
// rewritten in part, a Neo4j differential artifact) adds about what changed; the same bytes scattered
// in small writes (a Redis RDB after random key updates) touch most chunks and add far more.
// Run: npx tsx bench/backup.ts
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { Restic } from '../src/backup/restic.js';
import { commitBackup } from '../src/backup/stage.js';
import { setLogger, silentLogger } from '../src/log.js';

const MB = 1024 * 1024;
const files = 20;
const fileSize = 10 * MB; // 20 × 10 MiB = 200 MiB
const changed = 2 * MB; // 1 %

async function overwrite(path: string, offset: number, bytes: Buffer) {
  const handle = await open(path, 'r+');
  try {
    await handle.write(bytes, 0, bytes.length, offset);
  } finally {
    await handle.close();
  }
}

async function main() {
  setLogger(silentLogger);
  const root = await mkdtemp(join(tmpdir(), 'rk-bench-backup-'));
  try {
    const restic = new Restic({
      repository: join(root, 'repo'),
      password: 'bench',
      cacheDir: join(root, 'cache'),
    });
    await restic.init();
    const data = join(root, 'data');
    await mkdir(data);
    for (let i = 0; i < files; i++) await writeFile(join(data, `shard-${i}.index`), randomBytes(fileSize));

    const rows: { scenario: string; seconds: number; processed: number; added: number }[] = [];
    const backup = async (scenario: string) => {
      const started = performance.now();
      const { summary } = await commitBackup(
        data,
        { versions: {}, counts: {} },
        { restic, labels: { store: 'bench', environment: 'bench', kind: 'data' }, type: 'incremental' },
      );
      rows.push({
        scenario,
        seconds: (performance.now() - started) / 1000,
        processed: summary.totalBytesProcessed,
        added: summary.dataAdded,
      });
    };

    await backup('first backup (full)');
    // 1 % in one region: 2 MiB rewritten in the middle of one file.
    await overwrite(join(data, 'shard-3.index'), 4 * MB, randomBytes(changed));
    await backup('1 % changed, one region');
    // 1 % scattered: 200 writes of ~10 KiB at random places across all files.
    const pieces = 200;
    for (let i = 0; i < pieces; i++) {
      const file = join(data, `shard-${i % files}.index`);
      await overwrite(
        file,
        Math.floor(Math.random() * (fileSize - changed / pieces)),
        randomBytes(Math.floor(changed / pieces)),
      );
    }
    await backup('1 % changed, 200 scattered writes');

    const full = rows[0]?.added ?? 1;
    const mb = (n: number) => `${(n / MB).toFixed(1)} MiB`.padStart(11);
    console.log(`data set: ${files} files, ${(files * fileSize) / MB} MiB; restic ${await resticVersion()}`);
    console.log(
      `${'scenario'.padEnd(36)}${'time'.padStart(8)}${'scanned'.padStart(11)}${'added'.padStart(11)}${'added/full'.padStart(12)}`,
    );
    for (const r of rows) {
      console.log(
        `${r.scenario.padEnd(36)}${`${r.seconds.toFixed(1)} s`.padStart(8)}${mb(r.processed)}${mb(r.added)}${`${((100 * r.added) / full).toFixed(1)} %`.padStart(12)}`,
      );
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function resticVersion(): Promise<string> {
  return (await execa('restic', ['version'])).stdout.split(' ')[1] ?? 'unknown';
}

await main();
