// `release-kit repair`: its report from plain results, and bad input failing with exit 1 and a clear
// message before helm runs (a helm stand-in records whether it was started) or the cluster is changed.
// The repair itself, against the simulated cluster with real helm, is test/workflows/repair.test.ts.
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli.js';
import { formatRepairReport, heldLock, type RepairResult, runRepair } from '../../src/deploy/repair.js';
import { setLogger, terminalLogger } from '../../src/log.js';
import { recordingLogger, tempDir, writeConfig } from './support.js';

const base = { namespace: 'prod', holder: 'github:acme/memory/runs/42' };
const lock = (holder: string) => ({
  holder,
  acquiredAt: new Date('2026-01-01T10:00:00Z'),
  expiresAt: new Date('2026-01-01T10:30:00Z'),
});

describe('which lock is this run’s', () => {
  it('is the found lock only when it names this holder, expired or not (nobody took it since)', () => {
    expect(heldLock(lock(base.holder), base.holder)).toEqual(lock(base.holder));
    expect(heldLock(lock('github:acme/memory/runs/41'), base.holder)).toBeUndefined();
    expect(heldLock(undefined, base.holder)).toBeUndefined();
  });
});

describe('the report', () => {
  it('says nothing was repaired under another holder’s lock', () => {
    const result: RepairResult = {
      ...base,
      lockHeld: false,
      lockHolder: 'github:acme/memory/runs/41',
      lockReleased: false,
      releases: [],
      outcome: 'nothing-to-repair',
    };
    expect(formatRepairReport(result)).toBe(
      'The deploy lock of namespace prod is not held by this run (github:acme/memory/runs/42): nothing to repair. It is held by github:acme/memory/runs/41.',
    );
    const { lockHolder: _, ...noLock } = result;
    expect(formatRepairReport(noLock)).toMatch(/nothing to repair\. There is no deploy lock\.$/);
  });

  it('lists only the releases that were pending, with what happened to each, and counts failures', () => {
    const result: RepairResult = {
      ...base,
      lockHeld: true,
      lockReleased: true,
      outcome: 'failed',
      releases: [
        { release: 'ms-api', status: 'deployed', outcome: 'not-pending', detail: 'revision 3 is deployed' },
        {
          release: 'ms-memory',
          status: 'pending-upgrade',
          outcome: 'repaired',
          action: 'rollback',
          toRevision: 2,
          detail: 'rolling back to revision 2, the last deployed one',
        },
        {
          release: 'ms-faiss',
          status: 'pending-install',
          outcome: 'failed',
          detail: 'helm uninstall timed out',
        },
      ],
    };
    expect(formatRepairReport(result).split('\n')).toEqual([
      'Repaired 1 pending releases of namespace prod, 1 failed; released the deploy lock.',
      '  ms-memory (pending-upgrade): repaired: rolling back to revision 2, the last deployed one',
      '  ms-faiss (pending-install): failed: helm uninstall timed out',
      'What to do: look at ms-faiss (helm history ms-faiss -n prod) and fix what the error names (pods that never become ready, a timeout too short for the rollout);',
      'then deploy again (a failed release is upgraded as usual), or, while one is still pending, run release-kit repair --holder github:acme/memory/runs/42 again.',
    ]);
  });

  it('says when nothing was pending and when the lock could not be released', () => {
    const result: RepairResult = {
      ...base,
      lockHeld: true,
      lockReleased: false,
      outcome: 'nothing-to-repair',
      releases: [
        { release: 'ms-api', status: 'not-installed', outcome: 'not-pending', detail: 'not installed' },
      ],
    };
    expect(formatRepairReport(result)).toBe(
      'No release of namespace prod is pending; could not release the deploy lock (it expires by itself).',
    );
  });
});

describe('bad input fails before any helm call', () => {
  const tmp = tempDir('rk-repair-cli-');
  const marker = join(tmp.dir, 'helm-was-called');
  const spyHelm = join(tmp.dir, 'helm');
  const kubeconfig = join(tmp.dir, 'kubeconfig');
  let config: string;
  beforeAll(() => {
    writeFileSync(spyHelm, `#!/bin/sh\ntouch '${marker}'\nexit 1\n`);
    chmodSync(spyHelm, 0o755);
    config = writeConfig(tmp.dir, 'release.yaml');
    // Nothing listens on port 1: the lock cannot be read.
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
  });
  afterAll(() => tmp.remove());

  const holder = ['--holder', base.holder];
  const cases: [string, () => string[], RegExp][] = [
    ['no --holder', () => ['--config', config], /required option '--holder <id>' not specified/],
    ['an empty --holder', () => ['--config', config, '--holder', ' '], /the lock holder is empty/],
    [
      'a timeout that is not a number',
      () => ['--config', config, ...holder, '--timeout', '5m'],
      /--timeout must be a whole number from 1 to 86400, got "5m"/,
    ],
    [
      'a missing config',
      () => ['--config', join(tmp.dir, 'absent.yaml'), ...holder],
      /cannot read the release configuration .*absent\.yaml: no such file/,
    ],
    [
      'an unknown environment',
      () => ['--config', config, '--env', 'nowhere', ...holder],
      /environment.*nowhere/i,
    ],
    [
      'a namespace injection attempt',
      () => ['--config', config, '--namespace', 'api; rm -rf /', ...holder],
      /the namespace "api; rm -rf \/" is not a valid Kubernetes namespace/,
    ],
    [
      'an unreachable cluster',
      () => ['--config', config, ...holder],
      // Repair reads (and only releases) the lock, never takes it.
      /cannot reach the Kubernetes API server to read the deploy lock of namespace memory-system: .*check the kubeconfig's server address/,
    ],
  ];

  it.each(cases)('%s', async (_name, args, message) => {
    const logger = recordingLogger();
    setLogger(logger);
    const stdout = vi.spyOn(process.stdout, 'write');
    // commander reports its own parse errors (a missing option) on stderr.
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await runCli(['repair', '--kubeconfig', kubeconfig, '--helm', spyHelm, ...args()]);
      const said = [...logger.lines, ...stderr.mock.calls.map((c) => String(c[0]))].join('\n');
      expect(code, said).toBe(1);
      expect(said).toMatch(message);
      expect(stdout).not.toHaveBeenCalled();
      expect(existsSync(marker)).toBe(false);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
      setLogger(terminalLogger());
    }
  });

  it('rejects a timeout of 0 given to runRepair directly', async () => {
    await expect(runRepair({ config, holder: base.holder, timeoutSeconds: 0 })).rejects.toThrow(
      'invalid timeout 0',
    );
  });
});
