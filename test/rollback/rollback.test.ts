// Rollbacks with the real helm 3 against the simulated cluster, through the CLI as a person runs them: a manual
// rollback of api to a chosen revision; invalid requests refused before anything changes; a rollback that fails
// stops and reports the state of every release; batches run in reverse wave order, pause_time apart.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseConfig } from '../../src/config/index.js';
import { createHelm, type Helm, type RollbackRequest } from '../../src/helm/index.js';
import { setLogger, silentLogger } from '../../src/log.js';
import { executeRollback, planAutomaticRollback, rollbackSettings } from '../../src/rollback/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { deploy, fastOverrides, loadConfig, namespace, writeConfig } from '../gate/support.js';
import { runReleaseKit } from '../support/cli.js';
import { helmBinary } from '../support/tools.js';

let sandbox: Sandbox;
let helm: Helm;
let dir: string;
let configFile: string;
let config: ReleaseConfig;

beforeAll(async () => {
  setLogger(silentLogger);
  dir = mkdtempSync(join(tmpdir(), 'rk-rollback-'));
  sandbox = await startSandbox({ https: true, namespaces: [namespace] });
  helm = await createHelm({ binary: helmBinary(3), kubeconfig: sandbox.kubeconfigPath });
  configFile = writeConfig(dir, fastOverrides(undefined));
  config = await loadConfig(configFile);
  await deploy(helm, config, ['api', 'storage'], { api: 'v1', storage: 'v1' });
  await deploy(helm, config, ['api', 'storage'], { api: 'v2', storage: 'v2' });
  await deploy(helm, config, ['api'], { api: 'v3' });
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const history = (component: string) => helm.history({ release: `memory-system-${component}`, namespace });
const apiImage = () => JSON.stringify(sandbox.get('Deployment', namespace, 'api-deployment')?.spec);
const cli = (...args: string[]) =>
  runReleaseKit([
    'rollback',
    '-c',
    configFile,
    '-e',
    'staging',
    '--kubeconfig',
    sandbox.kubeconfigPath,
    '--helm',
    helmBinary(3),
    ...args,
  ]);

describe('manual rollback', () => {
  it('refuses an unknown component, a revision that does not exist, or a bad number, changing nothing', async () => {
    const before = await history('api');
    const unknown = await cli('--components', 'apii', '--skip-verify');
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(
      /rollback refused, nothing was changed: "apii" is not a component of this release \(components: .*api/,
    );
    const missing = await cli('--components', 'api', '--to-revision', '9', '--skip-verify');
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain(
      'api: release memory-system-api has no revision 9 (history: 1 superseded, 2 superseded, 3 deployed)',
    );
    const zero = await cli('--components', 'api', '--to-revision', '0');
    expect(zero.exitCode).toBe(1);
    expect(zero.stderr).toContain('--to-revision: "0" is not a revision number');
    const frozen = await cli('--components', 'neo4j', '--skip-verify');
    expect(frozen.exitCode).toBe(1);
    expect(frozen.stderr).toMatch(/neo4j: listed in rollback.roll_forward_only/);
    expect(await history('api')).toEqual(before);
  }, 60_000);

  it('rolls api back to a chosen revision', async () => {
    expect(apiImage()).toContain('api:v3');
    const r = await cli(
      '--components',
      'api',
      '--to-revision',
      '1',
      '--reason',
      'v2 and v3 corrupt sessions',
      '--skip-verify',
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^rolled back 1 release \(trigger manual_trigger: v2 and v3 corrupt sessions\)/);
    expect(r.stdout).toMatch(/memory-system-api\s+3 -> 1\s+rolled back\s+now revision 4 deployed/);
    expect((await history('api')).at(-1)).toMatchObject({
      revision: 4,
      status: 'deployed',
      description: 'Rollback to 1',
    });
    expect(apiImage()).toContain('api:v1');
    expect((await history('storage')).length).toBe(2);
  }, 60_000);
});

describe('a rollback that fails', () => {
  it('stops at the failure, leaves later batches alone, reports each release state and exits 2', async () => {
    const ledger = await deploy(helm, config, ['api', 'storage'], { api: 'v4', storage: 'v3' });
    const api = ledger.releases.find((r) => r.component === 'api');
    if (api) api.previousRevision = 99; // a revision helm does not have: the rollback of api fails
    const file = join(dir, 'ledger.json');
    writeFileSync(file, JSON.stringify(ledger));

    const r = await cli('--ledger', file, '--skip-verify');
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/^ROLLBACK FAILED: it stopped at the first failure/);
    expect(r.stdout).toMatch(/memory-system-api\s+5 -> 99\s+FAILED\s+now revision 5 deployed/);
    expect(r.stdout).toMatch(/memory-system-storage\s+3 -> 2\s+not started\s+now revision 3 deployed/);
    expect((await history('storage')).at(-1)?.revision).toBe(3);
  }, 60_000);
});

describe('batches', () => {
  it('run in reverse wave order, batch_size at a time, pause_time apart, each with --wait and the timeout', async () => {
    const ledger = await deploy(helm, config, ['api', 'storage'], { api: 'v5', storage: 'v4' });
    const calls: RollbackRequest[] = [];
    const recording = {
      history: helm.history.bind(helm),
      rollback: (req: RollbackRequest) => {
        calls.push(req);
        return helm.rollback(req);
      },
    };
    const sleeps: number[] = [];
    const clock = { now: () => Date.now(), sleep: async (ms: number) => void sleeps.push(ms) };
    const settings = { ...rollbackSettings(config), pauseMs: 7000 };
    const plan = planAutomaticRollback(ledger, settings, 'health_check_failed', 'test');
    const report = await executeRollback(plan, { helm: recording, clock, settings });

    expect(calls.map((c) => [c.release, c.revision, c.wait, c.timeoutSeconds])).toEqual([
      ['memory-system-api', 5, true, 60],
      ['memory-system-storage', 3, true, 60],
    ]);
    expect(sleeps).toEqual([7000]);
    expect(report.outcome).toBe('rolled-back');
    expect(report.releases.map((t) => t.state)).toEqual([
      expect.objectContaining({ revision: 7, status: 'deployed' }),
      expect.objectContaining({ revision: 5, status: 'deployed' }),
    ]);
  }, 60_000);
});
