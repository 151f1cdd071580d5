// Build-and-push time of the three fixture service images with real buildah into a real registry on
// 127.0.0.1: a first build from empty storage, then a second, unchanged one that reuses buildah's
// layer cache and finds every blob already in the registry. Run: npx tsx bench/build.ts
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImages } from '../src/build/index.js';
import { loadReleaseConfig } from '../src/config/index.js';
import { setLogger, silentLogger } from '../src/log.js';
import { packageRoot } from '../src/util/paths.js';
import { startRegistry } from '../test/support/registry.js';

setLogger(silentLogger);
const work = await mkdtemp(join(tmpdir(), 'release-kit-bench-build-'));
const registry = await startRegistry();
try {
  await cp(join(packageRoot(), 'test', 'fixtures', 'build', 'services'), join(work, 'services'), {
    recursive: true,
  });
  const configFile = join(work, 'memory-system.yaml');
  await cp(join(packageRoot(), 'examples', 'memory-system.yaml'), configFile);
  // Private buildah storage for the run (process-wide, as buildah reads it from the environment).
  process.env.CONTAINERS_STORAGE_CONF = join(work, 'storage.conf');
  await writeFile(
    process.env.CONTAINERS_STORAGE_CONF,
    `[storage]\ndriver = "vfs"\ngraphroot = "${join(work, 'graph')}"\nrunroot = "${join(work, 'run')}"\n`,
  );
  const config = await loadReleaseConfig(configFile);
  const options = {
    configFile,
    registry: registry.host,
    tags: ['bench'],
    push: true,
    builder: 'buildah' as const,
  };
  const timed = async () => {
    const start = performance.now();
    const outcome = await buildImages(config, options);
    return { ms: performance.now() - start, images: outcome.report?.images };
  };
  const first = await timed();
  const second = await timed();
  const same = JSON.stringify(first.images) === JSON.stringify(second.images);
  console.log('build and push of 3 images (buildah, vfs storage, docker-registry on 127.0.0.1)');
  console.log(`first (empty storage and registry): ${first.ms.toFixed(0)} ms`);
  console.log(
    `second (cached, unchanged):         ${second.ms.toFixed(0)} ms  (${(first.ms / second.ms).toFixed(2)}x)`,
  );
  console.log(`same digests both times: ${same}`);
} finally {
  await registry.stop();
  await rm(work, { recursive: true, force: true });
}
