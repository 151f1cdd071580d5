// The check after each wave (what `deploy --verify` verifies with), against the simulated cluster with real
// helm 4: it runs after each wave that changed something, before the next starts; 'stop' (or an error) ends
// the rollout there and the ledger says which wave stopped it and why the later releases were not started.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/deploy/ledger.js';
import { reportRows } from '../../src/deploy/report.js';
import { type AfterWave, runDeploy } from '../../src/deploy/run.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { deployOptions, deployTiming, recordingLogger, tempDir, writeConfig } from './support.js';

let sandbox: Sandbox;
const tmp = tempDir('rk-deploy-waves-');
let config: string;

beforeAll(async () => {
  sandbox = await startSandbox({ timing: deployTiming });
  config = writeConfig(tmp.dir, 'release.yaml');
});
afterAll(async () => {
  await sandbox?.stop();
  tmp.remove();
});

/** A hook that records each call (wave, changed releases, the ledger's outcomes then) and answers `answer`. */
function recorder(answer: (wave: number) => 'continue' | 'stop' | Error) {
  const calls: { wave: number; changed: string[]; outcomes: string[] }[] = [];
  const hook: AfterWave = async (wave, ledger: Ledger) => {
    calls.push({
      wave: wave.index,
      changed: wave.releases.map((r) => r.component),
      outcomes: ledger.releases.map((r) => `${r.component}:${r.outcome}`),
    });
    const a = answer(wave.index);
    if (a instanceof Error) throw a;
    return a;
  };
  return { calls, hook };
}

describe('the check after each wave', () => {
  it('stops the rollout when it says stop, and runs only after waves that changed something', async () => {
    const logger = recordingLogger();
    const stopAt2 = recorder((wave) => (wave === 2 ? 'stop' : 'continue'));
    const first = await runDeploy(deployOptions(sandbox, 4, config, { afterWave: stopAt2.hook }), { logger });

    expect(stopAt2.calls.map((c) => [c.wave, c.changed])).toEqual([
      [1, ['faiss', 'neo4j', 'redis']],
      [2, ['memory', 'storage']],
    ]);
    // When asked about wave 2, wave 2 is deployed and the later waves have not started.
    expect(stopAt2.calls[1]?.outcomes).toEqual([
      'faiss:deployed',
      'neo4j:deployed',
      'redis:deployed',
      'memory:deployed',
      'storage:deployed',
      'api:not-started',
      'gateway:not-started',
    ]);
    expect(first.outcome).toBe('failed');
    expect(first.stoppedAfterWave).toBe(2);
    expect(first.error).toBe(
      'the verification of wave 2 did not pass, so the rollout stopped; not started: memory-system-api, memory-system-gateway',
    );
    expect(logger.lines).not.toContain('== wave 3/4: api');
    expect(logger.lines).toContain(`error: ${first.error}`);
    const api = first.releases.find((r) => r.component === 'api');
    expect(api).toMatchObject({ outcome: 'not-started', changed: false, revision: null });
    expect(api?.notStartedReason).toBe('the verification of wave 2 did not pass');
    expect(reportRows(first).at(-1)?.slice(-2)).toEqual([
      'not started',
      'the verification of wave 2 did not pass',
    ]);
    expect(sandbox.list('Deployment', 'memory-system').map((d) => d.metadata.name)).not.toContain('api');

    // Waves 1 and 2 are unchanged now: only the waves that install something are checked.
    const cont = recorder(() => 'continue');
    const second = await runDeploy(deployOptions(sandbox, 4, config, { afterWave: cont.hook }), {
      logger: recordingLogger(),
    });
    expect(second.outcome).toBe('success');
    expect(second.stoppedAfterWave).toBeUndefined();
    expect(cont.calls.map((c) => [c.wave, c.changed])).toEqual([
      [3, ['api']],
      [4, ['gateway']],
    ]);

    // A dry run changes nothing, so nothing is checked.
    const dry = recorder(() => 'continue');
    const changed = writeConfig(tmp.dir, 'api-v2.yaml', [
      ['memory_system/api:latest', 'memory_system/api:v2'],
    ]);
    const plan = await runDeploy(deployOptions(sandbox, 4, changed, { afterWave: dry.hook, dryRun: true }), {
      logger: recordingLogger(),
    });
    expect(plan.releases.find((r) => r.component === 'api')?.action).toBe('upgrade');
    expect(dry.calls).toEqual([]);
  }, 120_000);

  it('stops the rollout, with the error in the ledger, when the check itself fails', async () => {
    const changed = writeConfig(tmp.dir, 'memory-v2.yaml', [
      ['memory_system/memory:latest', 'memory_system/memory:v2'],
    ]);
    const broken = recorder(() => new Error('Prometheus is on fire'));
    const ledger = await runDeploy(deployOptions(sandbox, 4, changed, { afterWave: broken.hook }), {
      logger: recordingLogger(),
    });
    expect(broken.calls.map((c) => c.wave)).toEqual([2]);
    expect(ledger.outcome).toBe('failed');
    expect(ledger.stoppedAfterWave).toBe(2);
    expect(ledger.error).toMatch(
      /^the check after wave 2 could not run: .*Prometheus is on fire.*, so the rollout stopped; not started: memory-system-api, memory-system-gateway$/,
    );
    expect(ledger.releases.find((r) => r.component === 'memory')).toMatchObject({
      outcome: 'deployed',
      changed: true,
    });
  }, 60_000);
});
