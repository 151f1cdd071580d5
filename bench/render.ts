// Renders the example's 7 releases with `helm template`, all at once and one by one, for each helm major, and
// prints the times side by side. Run: npx tsx bench/render.ts [rounds]
import { join } from 'node:path';
import { renderReleases } from '../src/cli/render.js';
import { loadReleaseConfig } from '../src/config/index.js';
import { createHelm } from '../src/helm/index.js';
import { planRelease } from '../src/plan/index.js';
import { packageRoot } from '../src/util/paths.js';
import { helmBinary, helmMajors } from '../test/support/tools.js';

const rounds = Number(process.argv[2] ?? 3);
const plan = planRelease(await loadReleaseConfig(join(packageRoot(), 'examples', 'memory-system.yaml')));

async function median(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
}

console.log(`rendering ${plan.releases.length} releases, median of ${rounds} rounds`);
console.log('helm  parallel   one by one   speed-up');
for (const major of helmMajors) {
  const helm = await createHelm({ binary: helmBinary(major) });
  await renderReleases(helm, plan); // warm the page cache
  const parallel = await median(() => renderReleases(helm, plan, { parallel: true }));
  const sequential = await median(() => renderReleases(helm, plan, { parallel: false }));
  console.log(
    `${String(major).padEnd(4)}  ${`${parallel.toFixed(0)} ms`.padStart(8)}   ${`${sequential.toFixed(0)} ms`.padStart(10)}   ${(sequential / parallel).toFixed(2)}x`,
  );
}
