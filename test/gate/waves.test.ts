// `release-kit deploy --verify` verifies after each wave, against the simulated cluster with the real helm and a
// real Prometheus scraping it: a wave-2 release answering 20 % errors stops the deploy before wave 3 and, with
// --auto-rollback, only what this run changed is rolled back; a healthy deploy verifies each wave it changed,
// then the whole.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHelm, type Helm } from '../../src/helm/index.js';
import { setLogger, silentLogger } from '../../src/log.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { runReleaseKit } from '../support/cli.js';
import { helmBinary, systemBinary } from '../support/tools.js';
import {
  deploy,
  environment,
  fastOverrides,
  loadConfig,
  namespace,
  trafficSeen,
  writeConfig,
} from './support.js';

let sandbox: Sandbox;
let helm: Helm;
let dir: string;
const components = ['faiss', 'neo4j', 'redis', 'memory', 'storage', 'api', 'gateway'];

beforeAll(async () => {
  setLogger(silentLogger);
  dir = mkdtempSync(join(tmpdir(), 'rk-gate-waves-'));
  sandbox = await startSandbox({
    https: true,
    prometheus: { binary: systemBinary('prometheus'), scrapeIntervalSeconds: 1 },
    namespaces: [namespace],
  });
  helm = await createHelm({ binary: helmBinary(4), kubeconfig: sandbox.kubeconfigPath });
  const config = await loadConfig(writeConfig(dir, fastOverrides(sandbox.prometheusUrl)));
  await deploy(helm, config, components, { memory: 'v1' });
  await trafficSeen(sandbox.prometheusUrl as string);
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The example with fast verification numbers and these component images (tags the simulated pods obey). */
const configWith = (name: string, images: Record<string, string>, window = '10s'): string =>
  writeConfig(
    dir,
    [
      ...fastOverrides(sandbox.prometheusUrl),
      [['environments', environment, 'verification', 'window'], window],
      ...Object.entries(images).map(([c, tag]): [string[], unknown] => [
        ['services', c, 'image'],
        `memory_system/${c}:${tag}`,
      ]),
    ],
    name,
  );

const deployVerified = (config: string, ledger: string) =>
  runReleaseKit(
    [
      'deploy',
      ...['-c', config, '-e', environment, '--kubeconfig', sandbox.kubeconfigPath],
      ...['--helm', helmBinary(4), '--timeout', '60', '--ledger', ledger, '--verify', '--auto-rollback'],
    ],
    { timeout: 150_000 },
  );

const histories = async () =>
  Object.fromEntries(
    await Promise.all(
      components.map(async (c) => [
        c,
        (await helm.history({ release: `memory-system-${c}`, namespace })).map((h) => h.revision),
      ]),
    ),
  ) as Record<string, number[]>;

describe('deploy --verify --auto-rollback', () => {
  it('a faulty wave 2 stops the deploy before wave 3; only what this run changed is rolled back (exit 3)', async () => {
    const before = await histories();
    const ledgerFile = join(dir, 'faulty.ledger.json');
    // memory answers 20 % errors; storage (same wave) is healthy; api (wave 3) would change too.
    const config = configWith('faulty.yaml', { memory: 'v2-errors-0.2', storage: 'v2', api: 'v2' });

    const r = await deployVerified(config, ledgerFile);
    const output = `${r.stderr}\n${r.stdout}`;
    expect(r.exitCode, output).toBe(3);
    expect(r.stderr).toContain('== Verification of wave 2 (memory, storage)');
    expect(r.stderr).not.toContain('== wave 3/4');
    expect(r.stdout).toMatch(/memory-system-api .*not started +the verification of wave 2 did not pass/);
    expect(r.stdout).toContain(
      ['Verification per wave:', '  wave 1 (faiss, neo4j, redis): nothing changed, not verified'].join('\n'),
    );
    expect(r.stdout).toMatch(
      / {2}wave 2 \(memory, storage\): FAIL \(decision: rollback\): .*memory:error_ratio/,
    );
    expect(r.stdout).toContain('  wave 3 (api): not started\n  wave 4 (gateway): not started');
    expect(r.stdout).toMatch(
      /verification of wave 2, which stopped the deploy:\nFAIL .*\n(.*\n)*? +FAIL +memory:error_ratio +3 consecutive failing evaluations; last: error ratio 20\.00%/,
    );
    expect(r.stdout).toMatch(/after the rollback:\nPASS/);
    expect(r.stdout).toMatch(
      /rolled back memory-system-(memory, memory-system-storage|storage, memory-system-memory); after the rollback verification passed/,
    );

    const ledger = JSON.parse(readFileSync(ledgerFile, 'utf8'));
    expect(ledger.stoppedAfterWave).toBe(2);
    expect(ledger.outcome).toBe('failed');
    // memory and storage: upgraded, then rolled back (a new revision each); nothing else was touched.
    const after = await histories();
    for (const c of ['memory', 'storage']) expect(after[c]).toEqual([1, 2, 3]);
    for (const c of ['faiss', 'neo4j', 'redis', 'api', 'gateway']) expect(after[c]).toEqual(before[c]);
    const memory = sandbox.list('Deployment', namespace).find((d) => d.metadata.name === 'memory');
    expect(JSON.stringify(memory?.spec)).toContain('memory:v1');
  }, 150_000);

  it('a healthy deploy verifies each wave it changed, then every release (exit 0)', async () => {
    const config = configWith('healthy.yaml', { memory: 'v3', api: 'v3' }, '5s');
    const r = await deployVerified(config, join(dir, 'healthy.ledger.json'));
    const output = `${r.stderr}\n${r.stdout}`;
    expect(r.exitCode, output).toBe(0);
    const order = ['== Verification of wave 2 (memory)', '== Verification of wave 3 (api)'].map((t) =>
      r.stderr.indexOf(t),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(r.stderr.indexOf('== wave 3/4: api')).toBeGreaterThan(order[0] as number);
    expect(r.stderr.indexOf('== Verification after the deploy')).toBeGreaterThan(order[1] as number);
    expect(r.stdout).toContain('  wave 1 (faiss, neo4j, redis): nothing changed, not verified');
    expect(r.stdout).toMatch(/ {2}wave 2 \(memory, storage\): PASS \(decision: proceed\)/);
    expect(r.stdout).toMatch(/ {2}wave 3 \(api\): PASS \(decision: proceed\)/);
    expect(r.stdout).toContain('  wave 4 (gateway): nothing changed, not verified');
    expect(r.stdout).toMatch(/verification after the last wave:\nPASS/);
    expect(r.stdout).toMatch(/verification passed/);
  }, 150_000);
});
