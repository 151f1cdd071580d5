// Comparing a Redis inventory recorded at backup time with the one of a restored copy: pure, plain data.
import { describe, expect, it } from 'vitest';
import { compareInventory, type KeyRecord, type RedisInventory } from '../../src/backup/redis/inventory.js';

const key = (name: string, type = 'string', digest = 'd1', expiresAt?: number): KeyRecord => ({
  db: 0,
  key: name,
  type,
  digest,
  ...(expiresAt !== undefined ? { expiresAt } : {}),
});

const inventory = (
  sample: KeyRecord[],
  digest = 'x',
  extra: Partial<RedisInventory> = {},
): RedisInventory => {
  const types: Record<string, number> = {};
  for (const k of sample) types[k.type] = (types[k.type] ?? 0) + 1;
  const expiries = sample.flatMap((k) => (k.expiresAt !== undefined ? [k.expiresAt] : []));
  return {
    keys: sample.length,
    types,
    digest,
    sampleFraction: 1,
    sample,
    ...(expiries.length ? { firstExpiry: Math.min(...expiries) } : {}),
    ...extra,
  };
};

const now = 1_000_000;

describe('redis inventory comparison', () => {
  it('accepts an identical data set, TTLs within a second', () => {
    const want = inventory([key('a'), key('s', 'set', 'd2', now + 60_000)]);
    const got = inventory([key('a'), key('s', 'set', 'd2', now + 60_400)]);
    expect(compareInventory(want, got, now)).toEqual([]);
  });

  it('names each wrong key: missing, extra, type, value and TTL', () => {
    const want = inventory([
      key('gone'),
      key('t', 'hash'),
      key('v', 'list', 'd1'),
      key('ttl', 'string', 'd1', now + 60_000),
      key('forever'),
    ]);
    const got = inventory([
      key('t', 'zset'),
      key('v', 'list', 'd9'),
      key('ttl', 'string', 'd1', now + 90_000),
      key('forever', 'string', 'd1', now + 5),
      key('new'),
    ]);
    expect(compareInventory(want, got, now)).toEqual([
      'key "gone" (string) is missing',
      'key "t" is a zset, expected a hash',
      'key "v" (list) has a different value',
      `key "ttl" expires at ${new Date(now + 90_000).toISOString()}, expected ${new Date(now + 60_000).toISOString()}`,
      'key "forever" has a TTL, expected none',
      'key "new" (string) is not in the backup',
      '0 hash keys, the backup recorded 1',
      '1 zset keys, the backup recorded 0',
    ]);
  });

  it('catches a difference outside the sample through the digest over all keys', () => {
    const want = inventory([key('a')], 'aaaa', { keys: 1000, sampleFraction: 0.01 });
    const got = inventory([key('a')], 'bbbb', { keys: 1000, sampleFraction: 0.01 });
    expect(compareInventory(want, got, now)).toEqual([
      'the data differs from the backup (same key count, different digest over all keys)',
    ]);
    expect(compareInventory(want, { ...got, keys: 998 }, now)).toContain(
      '998 keys, the backup recorded 1000',
    );
  });

  it('does not count keys that expired since the backup as missing', () => {
    const want = inventory([key('a'), key('short', 'string', 'd1', now - 1)], 'with-short');
    const got = inventory([key('a')], 'without-short');
    expect(compareInventory(want, got, now)).toEqual([]);
    expect(compareInventory(want, inventory([key('a'), key('b'), key('c')]), now)).toEqual([
      'key "b" (string) is not in the backup',
      'key "c" (string) is not in the backup',
      '3 keys, more than the 2 the backup recorded',
    ]);
  });
});
