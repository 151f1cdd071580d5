// `release-kit repair` when the repair itself fails: real helm 4 against the simulated cluster, a release left
// pending-upgrade by a killed helm whose last deployed revision can never become ready, so the rollback helm
// runs times out. The command exits 2 and its report names the release, what failed and what to do next.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli.js';
import { loadReleaseConfig } from '../../src/config/index.js';
import { formatDeployLock } from '../../src/helm/index.js';
import { readAnnotation, writeAnnotation } from '../../src/kube/annotation-lock.js';
import { createKubeClient } from '../../src/kube/client.js';
import { setLogger, terminalLogger } from '../../src/log.js';
import { planRelease } from '../../src/plan/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { defaultChartPath } from '../../src/util/paths.js';
import { helmBinary } from '../support/tools.js';
import { deployTiming, recordingLogger, tempDir, writeConfig } from './support.js';

const namespace = 'memory-system';
const release = 'memory-system-storage';
const holder = 'github:acme/memory/runs/42';
const helm = helmBinary(4);
const tmp = tempDir('rk-repair-failure-');
let sandbox: Sandbox;
let config: string;

const helmRun = (args: string[], reject = true) =>
  execa(helm, [...args, '-n', namespace], { env: { KUBECONFIG: sandbox.kubeconfigPath }, reject });
const history = async () =>
  JSON.parse((await helmRun(['history', release, '-o', 'json'])).stdout) as {
    revision: number;
    status: string;
    description: string;
  }[];

beforeAll(async () => {
  sandbox = await startSandbox({ timing: deployTiming, namespaces: [namespace] });
  config = writeConfig(tmp.dir, 'release.yaml');
  const storage = planRelease(await loadReleaseConfig(config)).releases.find((r) => r.release === release);
  const values = join(tmp.dir, 'storage.values.json');
  writeFileSync(values, JSON.stringify(storage?.values));
  const chart = [defaultChartPath(), '-f', values];
  // Revision 1 is deployed (helm did not wait) but its pods never become ready.
  await helmRun(['install', release, ...chart, '--set', 'storage.image.tag=v1-unready']);
  // Revision 2: this run's helm is killed mid-wait, leaving it pending-upgrade.
  const upgrade = helmRun(
    ['upgrade', release, ...chart, '--set', 'storage.image.tag=v2-unready', '--wait', '--timeout', '120s'],
    false,
  );
  await sandbox.waitFor(
    () =>
      sandbox
        .list('Secret', namespace)
        .some((s) => s.metadata.name.endsWith('.v2') && s.metadata.labels?.status === 'pending-upgrade'),
    30_000,
  );
  upgrade.kill('SIGKILL');
  await upgrade;
  // The run still holds its deploy lock, as a cancelled deploy leaves it.
  const kube = createKubeClient(sandbox.kubeconfigPath);
  const ref = { namespace, name: 'release-kit-lock', annotation: 'release-kit.io/deploy-lock' };
  const now = Date.now();
  const lock = { holder, acquiredAt: new Date(now), expiresAt: new Date(now + 30 * 60_000) };
  expect(await writeAnnotation(kube, ref, await readAnnotation(kube, ref), formatDeployLock(lock))).toBe(
    true,
  );
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
  tmp.remove();
});

describe('a repair whose helm rollback fails', () => {
  it('exits 2 with a report naming the release, why it failed and what to do', async () => {
    const logger = recordingLogger();
    setLogger(logger);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let code: number;
    let report: string;
    try {
      code = await runCli([
        'repair',
        ...['--config', config, '--kubeconfig', sandbox.kubeconfigPath, '--helm', helm],
        ...['--holder', holder, '--timeout', '2'],
      ]);
      report = stdout.mock.calls.map((c) => String(c[0])).join('');
    } finally {
      stdout.mockRestore();
      setLogger(terminalLogger());
    }
    expect(code, `${report}\n${logger.lines.join('\n')}`).toBe(2);
    const lines = report.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'Repaired 0 pending releases of namespace memory-system, 1 failed; released the deploy lock.',
    );
    // helm's multi-line error folded into the release's line.
    expect(lines[1]).toMatch(
      /^ {2}memory-system-storage \(pending-upgrade\): failed: helm rollback of release "memory-system-storage" .*timed out: .*Deployment\/memory-system\/storage not ready\. .*context deadline exceeded/,
    );
    expect(lines.slice(2)).toEqual([
      'What to do: look at memory-system-storage (helm history memory-system-storage -n memory-system) and fix what the error names (pods that never become ready, a timeout too short for the rollout);',
      `then deploy again (a failed release is upgraded as usual), or, while one is still pending, run release-kit repair --holder ${holder} again.`,
    ]);
    // The rollback helm ran is on record, as failed.
    expect((await history()).at(-1)).toMatchObject({ revision: 3, status: 'failed' });
  }, 120_000);
});
