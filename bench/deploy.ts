// Benchmark: a deploy of the example (7 releases, 4 waves) against the simulated cluster, with rollouts
// of realistic length (2-8 s per release, from the sandbox's `slow-start-<N>s` image tags), measured
// side by side in one run:
//   wave-parallel deploy wall time  vs  (a) the critical-path lower bound of the waves
//                                   vs  (b) the same releases deployed one by one
// The lower bound is the sum over waves of the slowest release's rollout, taken from the one-by-one
// run (each rollout measured alone). Target: parallel within 1.15x of the lower bound.
// Usage: npx tsx bench/deploy.ts [--helm 3|4]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Ledger } from '../src/deploy/ledger.js';
import { runDeploy } from '../src/deploy/run.js';
import { silentLogger } from '../src/log.js';
import { startSandbox } from '../src/sandbox/index.js';
import { packageRoot } from '../src/util/paths.js';
import { helmBinary } from '../test/support/tools.js';

// Seconds each release's pods take to become ready (slow start of the simulated workload).
const rollout: [string, string, number][] = [
  ['memory_system/faiss:latest', 'memory_system/faiss:bench-slow-start-6s', 6],
  ['neo4j:5.26-enterprise', 'neo4j:5.26-slow-start-8s', 8],
  ['redis:7.2', 'redis:7.2-slow-start-4s', 4],
  ['memory_system/memory:latest', 'memory_system/memory:bench-slow-start-5s', 5],
  ['memory_system/storage:latest', 'memory_system/storage:bench-slow-start-3s', 3],
  ['memory_system/api:latest', 'memory_system/api:bench-slow-start-4s', 4],
  ['nginx:1.27', 'nginx:1.27-slow-start-2s', 2],
];

const major = process.argv.includes('--helm')
  ? (Number(process.argv[process.argv.indexOf('--helm') + 1]) as 3 | 4)
  : 4;
const dir = mkdtempSync(join(tmpdir(), 'rk-bench-deploy-'));
let config = readFileSync(join(packageRoot(), 'examples', 'memory-system.yaml'), 'utf8');
for (const [from, to] of rollout) config = config.replace(from, to);
const configFile = join(dir, 'release.yaml');
writeFileSync(configFile, config);

async function deploy(concurrency: number): Promise<{ wallMs: number; ledger: Ledger }> {
  // A fresh cluster per run, so both install everything. The probe interval is raised from the test
  // default (50 ms) so that ~28 simulated pods do not starve helm of CPU on a small machine.
  const sandbox = await startSandbox({ timing: { probeIntervalMs: 200 } });
  try {
    const started = performance.now();
    const ledger = await runDeploy(
      {
        config: configFile,
        kubeconfig: sandbox.kubeconfigPath,
        helm: helmBinary(major),
        timeoutSeconds: 120,
        concurrency,
        holder: 'bench',
      },
      { logger: silentLogger },
    );
    const wallMs = performance.now() - started;
    if (ledger.outcome !== 'success')
      throw new Error(`bench deploy failed: ${JSON.stringify(ledger.releases)}`);
    return { wallMs, ledger };
  } finally {
    await sandbox.stop();
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
try {
  const oneByOne = await deploy(1);
  const parallel = await deploy(4);
  const byWave = new Map<number, number>();
  for (const r of oneByOne.ledger.releases)
    byWave.set(r.wave, Math.max(byWave.get(r.wave) ?? 0, r.durationMs ?? 0));
  const lowerBound = [...byWave.values()].reduce((a, b) => a + b, 0);
  const modelled = rollout.reduce((a, [, , secs]) => a + secs, 0);
  console.log(
    `deploy benchmark: 7 releases in ${byWave.size} waves, helm ${parallel.ledger.helmVersion}, simulated rollouts 2-8 s (${modelled} s in all)`,
  );
  for (const r of oneByOne.ledger.releases)
    console.log(`  wave ${r.wave} ${r.release.padEnd(22)} ${s(r.durationMs ?? 0)} alone`);
  console.log(`(a) critical-path lower bound of the waves: ${s(lowerBound)}`);
  console.log(`(b) one release at a time:                  ${s(oneByOne.wallMs)}`);
  console.log(`    wave-parallel deploy (concurrency 4):   ${s(parallel.wallMs)}`);
  const ratio = parallel.wallMs / lowerBound;
  console.log(
    `parallel / lower bound = ${ratio.toFixed(2)}x (target <= 1.15x: ${ratio <= 1.15 ? 'met' : 'MISSED'}); one-by-one / parallel = ${(oneByOne.wallMs / parallel.wallMs).toFixed(2)}x`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
