// What a Redis data set holds, in a form small enough for a manifest and strict enough to catch a wrong
// restore: key counts per type, one order-independent digest over every key (name, type, value, expiry),
// and per-key records for a deterministic sample (every key while there are few), so a mismatch can be
// explained key by key. Taking an inventory is I/O; comparing two is pure.
import { createHash } from 'node:crypto';
import { parseInfo } from './layout.js';
import type { RedisConnection, RespValue } from './resp.js';

export interface KeyRecord {
  db: number;
  /** The key as UTF-8, or base64 when it is not valid UTF-8 (then `keyEncoding` says so). */
  key: string;
  keyEncoding?: 'base64';
  type: string;
  /** sha256 of the type and the canonical value. */
  digest: string;
  /** Absolute expiry in ms since the epoch (what the RDB stores), when the key has a TTL. */
  expiresAt?: number;
}

export interface RedisInventory {
  keys: number;
  types: Record<string, number>;
  /** XOR of the sha256 of every key's record: equal data sets give equal digests, in any order. */
  digest: string;
  /** The earliest expiry of any key: after it, fewer keys is expected, not a failed restore. */
  firstExpiry?: number;
  /** Keys whose name hashes below this fraction are listed in `sample`. */
  sampleFraction: number;
  sample: KeyRecord[];
}

export interface InventoryOptions {
  /** List every key up to this many (default 10 000), a deterministic sample of about as many beyond. */
  maxListed?: number;
  /** Use this sampling fraction (to compare with an inventory taken before). */
  sampleFraction?: number;
}

const lengthPrefixed = (hash: ReturnType<typeof createHash>, part: Buffer) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(part.length);
  hash.update(len).update(part);
};

function flatten(v: RespValue, out: Buffer[] = []): Buffer[] {
  if (Array.isArray(v)) for (const x of v) flatten(x, out);
  else if (Buffer.isBuffer(v)) out.push(v);
  else if (v !== null) out.push(Buffer.from(String(v)));
  return out;
}

/** Pairs [a, b, c, d] as sorted [a b, c d], so hash field order (not part of the value) does not count. */
function sortedPairs(parts: Buffer[]): Buffer[] {
  const pairs: Buffer[][] = [];
  for (let i = 0; i < parts.length; i += 2) pairs.push([parts[i] as Buffer, parts[i + 1] as Buffer]);
  return pairs.sort((x, y) => Buffer.compare(x[0] as Buffer, y[0] as Buffer)).flat();
}

/** The value in a canonical order: the order Redis returns members of sets and hashes in is not the value. */
async function canonicalValue(c: RedisConnection, type: string, key: Buffer): Promise<Buffer[]> {
  switch (type) {
    case 'string':
      return flatten(await c.command('GET', key));
    case 'list':
      return flatten(await c.command('LRANGE', key, 0, -1));
    case 'hash':
      return sortedPairs(flatten(await c.command('HGETALL', key)));
    case 'set':
      return flatten(await c.command('SMEMBERS', key)).sort(Buffer.compare);
    case 'zset':
      return flatten(await c.command('ZRANGE', key, 0, -1, 'WITHSCORES'));
    case 'stream':
      return flatten(await c.command('XRANGE', key, '-', '+'));
    default:
      // Module types: the serialized form is the best value we can name.
      return flatten(await c.command('DUMP', key));
  }
}

/** Where a key falls in [0, 1): a stable function of its name, so both sides sample the same keys. */
function samplePoint(db: number, key: Buffer): number {
  return createHash('sha256').update(`${db}:`).update(key).digest().readUInt32BE(0) / 2 ** 32;
}

function keyName(key: Buffer): Pick<KeyRecord, 'key' | 'keyEncoding'> {
  const text = key.toString('utf8');
  return Buffer.from(text, 'utf8').equals(key)
    ? { key: text }
    : { key: key.toString('base64'), keyEncoding: 'base64' };
}

async function recordOf(c: RedisConnection, db: number, key: Buffer): Promise<KeyRecord | undefined> {
  const [type, expireTime] = await Promise.all([c.text('TYPE', key), c.command('PEXPIRETIME', key)]);
  if (type === 'none') return undefined; // expired or deleted while we scanned
  const hash = createHash('sha256').update(type);
  for (const part of await canonicalValue(c, type, key)) lengthPrefixed(hash, part);
  const expiresAt = typeof expireTime === 'number' && expireTime >= 0 ? expireTime : undefined;
  return {
    db,
    ...keyName(key),
    type,
    digest: hash.digest('hex'),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
}

function recordDigest(r: KeyRecord): Buffer {
  return createHash('sha256')
    .update(`${r.db}\0${r.keyEncoding ?? 'utf8'}\0${r.key}\0${r.type}\0${r.digest}\0${r.expiresAt ?? -1}`)
    .digest();
}

/** Databases with keys, from INFO keyspace (`db0:keys=3,expires=1,avg_ttl=0`). */
async function keyspace(c: RedisConnection): Promise<Map<number, number>> {
  const info = parseInfo(await c.text('INFO', 'keyspace'));
  const dbs = new Map<number, number>();
  for (const [name, value] of Object.entries(info)) {
    const m = /^db(\d+)$/.exec(name);
    const keys = /keys=(\d+)/.exec(value);
    if (m && keys) dbs.set(Number(m[1]), Number(keys[1]));
  }
  return dbs;
}

/** Reads every key of every database. Meant for a private server loaded from a dump (it reads all values). */
export async function takeInventory(
  c: RedisConnection,
  options: InventoryOptions = {},
): Promise<RedisInventory> {
  const dbs = await keyspace(c);
  const total = [...dbs.values()].reduce((a, b) => a + b, 0);
  const maxListed = options.maxListed ?? 10_000;
  const sampleFraction = options.sampleFraction ?? (total <= maxListed ? 1 : maxListed / total);
  const combined = Buffer.alloc(32);
  const types: Record<string, number> = {};
  const sample: KeyRecord[] = [];
  let keys = 0;
  let firstExpiry: number | undefined;
  const seen = new Set<string>();
  for (const db of [...dbs.keys()].sort((a, b) => a - b)) {
    await c.command('SELECT', db);
    let cursor = '0';
    do {
      const reply = await c.command('SCAN', cursor, 'COUNT', 500);
      const [next, batch] = reply as [Buffer, Buffer[]];
      cursor = next.toString();
      // SCAN may return a key more than once (when the table is resized mid-scan); it must count once.
      const fresh = batch.filter((k) => {
        const id = `${db}:${k.toString('base64')}`;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
      const records = await Promise.all(fresh.map((k) => recordOf(c, db, k)));
      for (const r of records) {
        if (!r) continue;
        const raw = r.keyEncoding ? Buffer.from(r.key, 'base64') : Buffer.from(r.key);
        if (sampleFraction >= 1 || samplePoint(db, raw) < sampleFraction) sample.push(r);
        const d = recordDigest(r);
        for (let i = 0; i < 32; i++) combined[i] = (combined[i] as number) ^ (d[i] as number);
        types[r.type] = (types[r.type] ?? 0) + 1;
        keys++;
        if (r.expiresAt !== undefined) firstExpiry = Math.min(firstExpiry ?? r.expiresAt, r.expiresAt);
      }
    } while (cursor !== '0');
  }
  const id = (r: KeyRecord) => `${r.db}\0${r.key}`;
  sample.sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
  return {
    keys,
    types,
    digest: combined.toString('hex'),
    ...(firstExpiry !== undefined ? { firstExpiry } : {}),
    sampleFraction,
    sample,
  };
}

/** A TTL restored from an RDB keeps its absolute expiry; allow a second for rounding by other tools. */
const expiryTolerance = 1000;

/**
 * What differs between the inventory recorded at backup time and the one of a restored copy (taken with
 * the same `sampleFraction`), one sentence per problem. `now` decides which keys may have expired since.
 */
export function compareInventory(expected: RedisInventory, actual: RedisInventory, now: number): string[] {
  const problems: string[] = [];
  const name = (r: KeyRecord) => `key ${JSON.stringify(r.key)}${r.db ? ` (db ${r.db})` : ''}`;
  const found = new Map(actual.sample.map((r) => [`${r.db}\0${r.key}`, r]));
  for (const want of expected.sample) {
    const got = found.get(`${want.db}\0${want.key}`);
    found.delete(`${want.db}\0${want.key}`);
    if (!got) {
      if (want.expiresAt === undefined || want.expiresAt > now)
        problems.push(`${name(want)} (${want.type}) is missing`);
    } else if (got.type !== want.type)
      problems.push(`${name(want)} is a ${got.type}, expected a ${want.type}`);
    else if (got.digest !== want.digest) problems.push(`${name(want)} (${want.type}) has a different value`);
    else if (want.expiresAt === undefined && got.expiresAt !== undefined)
      problems.push(`${name(want)} has a TTL, expected none`);
    else if (want.expiresAt !== undefined && got.expiresAt === undefined)
      problems.push(
        `${name(want)} has no TTL, expected it to expire at ${new Date(want.expiresAt).toISOString()}`,
      );
    else if (
      want.expiresAt !== undefined &&
      Math.abs((got.expiresAt ?? 0) - want.expiresAt) > expiryTolerance
    )
      problems.push(
        `${name(want)} expires at ${new Date(got.expiresAt ?? 0).toISOString()}, expected ${new Date(want.expiresAt).toISOString()}`,
      );
  }
  for (const extra of found.values()) problems.push(`${name(extra)} (${extra.type}) is not in the backup`);
  const expiredSince = expected.firstExpiry !== undefined && expected.firstExpiry <= now;
  if (!expiredSince) {
    if (actual.keys !== expected.keys)
      problems.push(`${actual.keys} keys, the backup recorded ${expected.keys}`);
    else if (actual.digest !== expected.digest && problems.length === 0)
      problems.push('the data differs from the backup (same key count, different digest over all keys)');
    for (const type of new Set([...Object.keys(expected.types), ...Object.keys(actual.types)])) {
      const [e, a] = [expected.types[type] ?? 0, actual.types[type] ?? 0];
      if (e !== a) problems.push(`${a} ${type} keys, the backup recorded ${e}`);
    }
  } else if (actual.keys > expected.keys) {
    problems.push(`${actual.keys} keys, more than the ${expected.keys} the backup recorded`);
  }
  return problems;
}
