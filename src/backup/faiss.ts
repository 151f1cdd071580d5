// FAISS backup runner. Each shard's service is asked to flush and snapshot its index over HTTP, and the
// snapshot's files are copied from one replica per shard (replicas hold the same index; the next one is
// tried when one fails). The contract with the FAISS service:
//   POST <replica>/snapshot -> 200 {"id": "…", "ntotal": 1234, "version": "faiss 1.8.0",
//                                   "files": [{"name": "index.faiss", "size": 123, "sha256": "…"}]}
//   GET  <replica>/snapshot/<id>/<name> -> the file's bytes
// Every copied file is checked against the size and sha256 the replica announced.
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { log } from '../log.js';
import type { FaissShard } from './manifest.js';
import type { StagedBackup } from './stage.js';

export interface FaissShardSource {
  shard: string;
  /** Base URLs of the shard's replicas, in order of preference. */
  replicas: string[];
}

export interface FaissBackupOptions {
  shards: FaissShardSource[];
  stageDir: string;
  /** Per request (default 10 min: a snapshot of a large index takes a while). */
  timeoutMs?: number;
}

interface AnnouncedSnapshot {
  id: string;
  ntotal: number;
  version: string;
  files: { name: string; size: number; sha256: string }[];
}

// Names come from the network: a name must not climb out of the stage directory.
const plainName = /^[A-Za-z0-9._-]+$/;

function announced(body: unknown, url: string): AnnouncedSnapshot {
  const o = body as Partial<AnnouncedSnapshot> | null;
  const bad = (what: string) => new Error(`${url} answered a snapshot with ${what}`);
  if (typeof o !== 'object' || o === null) throw bad('no JSON object');
  if (typeof o.id !== 'string' || !plainName.test(o.id)) throw bad(`an invalid id ${JSON.stringify(o.id)}`);
  if (!Number.isInteger(o.ntotal) || (o.ntotal as number) < 0)
    throw bad(`an invalid ntotal ${JSON.stringify(o.ntotal)}`);
  if (typeof o.version !== 'string') throw bad('no version');
  if (!Array.isArray(o.files) || o.files.length === 0) throw bad('no files');
  for (const f of o.files) {
    if (typeof f?.name !== 'string' || !plainName.test(f.name))
      throw bad(`an invalid file name ${JSON.stringify(f?.name)}`);
    if (!Number.isInteger(f.size) || !/^[0-9a-f]{64}$/.test(String(f.sha256)))
      throw bad(`no size/sha256 for ${f.name}`);
  }
  return o as AnnouncedSnapshot;
}

async function request(url: string, method: 'GET' | 'POST', timeoutMs: number): Promise<Response> {
  const response = await fetch(url, { method, signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status} ${response.statusText}`);
  return response;
}

async function copyFromReplica(
  replica: string,
  shard: string,
  dir: string,
  timeoutMs: number,
): Promise<{ copied: FaissShard; version: string }> {
  const base = replica.replace(/\/+$/, '');
  const snapshot = announced(
    await (await request(`${base}/snapshot`, 'POST', timeoutMs)).json(),
    `${base}/snapshot`,
  );
  // A replica that failed halfway may have left files behind.
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const file of snapshot.files) {
    const url = `${base}/snapshot/${snapshot.id}/${file.name}`;
    const bytes = Buffer.from(await (await request(url, 'GET', timeoutMs)).arrayBuffer());
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (bytes.length !== file.size || sha256 !== file.sha256) {
      throw new Error(
        `${url} sent ${bytes.length} bytes with sha256 ${sha256.slice(0, 12)}…, but announced ${file.size} bytes with ${file.sha256.slice(0, 12)}…`,
      );
    }
    await writeFile(join(dir, file.name), bytes);
  }
  return {
    copied: {
      shard,
      replica: base,
      snapshot: snapshot.id,
      ntotal: snapshot.ntotal,
      files: snapshot.files.map((f) => f.name),
    },
    version: snapshot.version,
  };
}

export async function stageFaissBackup(
  o: FaissBackupOptions,
): Promise<StagedBackup & { faiss: { shards: FaissShard[] } }> {
  const timeoutMs = o.timeoutMs ?? 600_000;
  const shards: FaissShard[] = [];
  const versions = new Set<string>();
  for (const source of o.shards) {
    if (!plainName.test(source.shard))
      throw new UserError(
        `faiss shard name ${JSON.stringify(source.shard)} is not a plain name`,
        'use letters, digits, ".", "_" and "-"',
      );
    const failures: string[] = [];
    for (const replica of source.replicas) {
      try {
        const dir = join(o.stageDir, `shard-${source.shard}`);
        const { copied, version } = await copyFromReplica(replica, source.shard, dir, timeoutMs);
        versions.add(version);
        shards.push(copied);
        log.info(
          `faiss shard ${source.shard}: copied snapshot ${copied.snapshot} (ntotal ${copied.ntotal}) from ${copied.replica}`,
        );
        break;
      } catch (e) {
        failures.push(`${replica}: ${(e as Error).message}`);
        log.warn(
          `faiss shard ${source.shard}: replica ${replica} failed, trying the next one: ${(e as Error).message}`,
        );
      }
    }
    if (failures.length === source.replicas.length) {
      throw new UserError(
        `no replica of faiss shard ${source.shard} gave a usable snapshot: ${failures.join('; ') || 'no replicas given'}`,
        'check that the shard pods are ready and serve POST /snapshot',
      );
    }
  }
  const counts: Record<string, number> = {
    shards: shards.length,
    ntotal: shards.reduce((n, s) => n + s.ntotal, 0),
  };
  for (const s of shards) counts[`ntotal.${s.shard}`] = s.ntotal;
  return { versions: { faiss: [...versions].join(', ') }, counts, faiss: { shards } };
}
