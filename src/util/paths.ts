import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The release-kit checkout or package root (holds charts/ and schemas/), from source or from a dist bundle. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'release-kit') {
      cached = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('release-kit: cannot find the package root (package.json named release-kit)');
    dir = parent;
  }
}

export const defaultChartPath = (): string => join(packageRoot(), 'charts', 'memory-system');
