// The FAISS runner against tiny HTTP servers standing in for shard replicas (no FAISS service here).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageFaissBackup } from '../../src/backup/faiss.js';
import { prepareStage } from '../../src/backup/stage.js';

interface Replica {
  url: string;
  requests: string[];
  server: Server;
}

type Behaviour = 'healthy' | 'down' | 'lies' | 'escapes';

/** A shard replica serving POST /snapshot and the snapshot's files, per the runner's contract. */
async function replica(
  files: Record<string, Buffer>,
  ntotal: number,
  behaviour: Behaviour = 'healthy',
): Promise<Replica> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (behaviour === 'down') {
      res.writeHead(503).end('flushing failed');
    } else if (req.method === 'POST' && req.url === '/snapshot') {
      const announced = Object.entries(files).map(([name, bytes]) => ({
        name: behaviour === 'escapes' ? `../../${name}` : name,
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'snap-1', ntotal, version: 'faiss 1.8.0', files: announced }));
    } else {
      const name = req.url?.split('/').at(-1) ?? '';
      const bytes = files[name];
      if (!bytes) res.writeHead(404).end();
      else res.writeHead(200).end(behaviour === 'lies' ? Buffer.concat([bytes, Buffer.from('!')]) : bytes);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

const shard0 = { 'index.faiss': randomBytes(50_000), 'ids.map': randomBytes(800) };
const shard1 = { 'index.faiss': randomBytes(30_000) };
let replicas: Record<string, Replica>;
let stage: string;

beforeAll(async () => {
  stage = await mkdtemp(join(tmpdir(), 'rk-faiss-'));
  replicas = {
    a0: await replica(shard0, 1200),
    a1: await replica(shard0, 1200),
    b0: await replica(shard1, 800, 'down'),
    b1: await replica(shard1, 800),
    lying: await replica(shard1, 800, 'lies'),
    escaping: await replica(shard1, 800, 'escapes'),
  };
});

afterAll(async () => {
  await Promise.all(
    Object.values(replicas ?? {}).map((r) => new Promise((resolve) => r.server.close(resolve))),
  );
  await rm(stage, { recursive: true, force: true });
});

describe('faiss backup runner', () => {
  it('snapshots one replica per shard, copies its files and records ntotal', async () => {
    const r = replicas as Record<string, Replica>;
    await prepareStage(stage);
    const staged = await stageFaissBackup({
      stageDir: stage,
      shards: [
        { shard: '0', replicas: [r.a0?.url ?? '', r.a1?.url ?? ''] },
        { shard: '1', replicas: [r.b0?.url ?? '', r.b1?.url ?? ''] },
      ],
    });
    expect(staged.counts).toEqual({ shards: 2, ntotal: 2000, 'ntotal.0': 1200, 'ntotal.1': 800 });
    expect(staged.versions).toEqual({ faiss: 'faiss 1.8.0' });
    expect(staged.faiss.shards.map((s) => [s.shard, s.replica, s.files])).toEqual([
      ['0', r.a0?.url, ['index.faiss', 'ids.map']],
      ['1', r.b1?.url, ['index.faiss']],
    ]);
    // The first replica of shard 0 served; the second was never asked. Shard 1 fell over to its second.
    expect(r.a0?.requests).toEqual([
      'POST /snapshot',
      'GET /snapshot/snap-1/index.faiss',
      'GET /snapshot/snap-1/ids.map',
    ]);
    expect(r.a1?.requests).toEqual([]);
    expect(r.b0?.requests).toEqual(['POST /snapshot']);
    expect(await readFile(join(stage, 'shard-0', 'index.faiss'))).toEqual(shard0['index.faiss']);
    expect(await readFile(join(stage, 'shard-1', 'index.faiss'))).toEqual(shard1['index.faiss']);
  });

  it('rejects a copy that does not match what the replica announced', async () => {
    await prepareStage(stage);
    await expect(
      stageFaissBackup({ stageDir: stage, shards: [{ shard: '1', replicas: [replicas.lying?.url ?? ''] }] }),
    ).rejects.toThrow(
      /no replica of faiss shard 1 gave a usable snapshot: .*index\.faiss sent 30001 bytes with sha256 [0-9a-f]{12}…, but announced 30000 bytes/,
    );
  });

  it('refuses file names that would leave the stage directory', async () => {
    await prepareStage(stage);
    await expect(
      stageFaissBackup({
        stageDir: stage,
        shards: [{ shard: '1', replicas: [replicas.escaping?.url ?? ''] }],
      }),
    ).rejects.toThrow(/answered a snapshot with an invalid file name "\.\.\/\.\.\/index\.faiss"/);
  });

  it('names every replica and its error when a shard has none left', async () => {
    await prepareStage(stage);
    const closed = 'http://127.0.0.1:1';
    await expect(
      stageFaissBackup({
        stageDir: stage,
        shards: [{ shard: '1', replicas: [replicas.b0?.url ?? '', closed] }],
      }),
    ).rejects.toThrow(
      new RegExp(
        `^no replica of faiss shard 1 gave a usable snapshot: ${replicas.b0?.url}: POST ${replicas.b0?.url}/snapshot answered 503 Service Unavailable; ${closed}: fetch failed$`,
      ),
    );
  });
});
