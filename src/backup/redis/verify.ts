// Proves a restored Redis backup holds what the manifest recorded: each master's dump is loaded into a
// private redis-server and its inventory compared with the one taken at backup time.
import { join } from 'node:path';
import type { BackupManifest } from '../manifest.js';
import { compareInventory, takeInventory } from './inventory.js';
import { startRedisServer } from './server.js';

/** Problems per master dump (prefixed with the file name); empty when every dump matches. */
export async function verifyRedisDumps(
  dir: string,
  manifest: BackupManifest,
  now: number = Date.now(),
  redisServer?: string,
): Promise<string[]> {
  if (!manifest.redis) return [`the manifest of this ${manifest.store} backup has no redis section`];
  const problems: string[] = [];
  for (const master of manifest.redis.masters) {
    const server = await startRedisServer({
      rdbFile: join(dir, master.file),
      ...(redisServer ? { binary: redisServer } : {}),
    });
    try {
      const c = await server.connect();
      try {
        const actual = await takeInventory(c, { sampleFraction: master.inventory.sampleFraction });
        problems.push(...compareInventory(master.inventory, actual, now).map((p) => `${master.file}: ${p}`));
      } finally {
        c.close();
      }
    } finally {
      await server.stop();
    }
  }
  return problems;
}
