// `release-kit deploy` as a user runs it: bad input fails with exit 1 and a clear message before any
// helm call (a helm stand-in records whether it was started); a real run prints progress and a table.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli.js';
import { setLogger, terminalLogger } from '../../src/log.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { runReleaseKit } from '../support/cli.js';
import { helmBinary } from '../support/tools.js';
import { deployTiming, digest, recordingLogger, tempDir, writeConfig } from './support.js';

const tmp = tempDir('rk-deploy-cli-');
const marker = join(tmp.dir, 'helm-was-called');
const spyHelm = join(tmp.dir, 'helm');
let config: string;
let kubeconfig: string;

beforeAll(() => {
  writeFileSync(spyHelm, `#!/bin/sh\ntouch '${marker}'\nexit 1\n`);
  chmodSync(spyHelm, 0o755);
  config = writeConfig(tmp.dir, 'release.yaml');
  kubeconfig = join(tmp.dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
  );
});
afterAll(() => tmp.remove());

describe('bad input fails before any helm call', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['an unknown environment', () => ['--config', config, '--env', 'prod'], /environment.*prod/i],
    [
      'a malformed images JSON',
      () => {
        const file = join(tmp.dir, 'images-bad.json');
        writeFileSync(file, '{"memory": "registry/memory@sha256:123"');
        return ['--config', config, '--images', file];
      },
      /images-bad\.json: the images map is not valid JSON/,
    ],
    [
      'an image not pinned by digest',
      () => {
        const file = join(tmp.dir, 'images-tag.json');
        writeFileSync(file, '{"memory": "registry/memory:latest"}');
        return ['--config', config, '--images', file];
      },
      /memory: "registry\/memory:latest" is not pinned by digest/,
    ],
    [
      'an images map naming no component (an injection attempt)',
      () => {
        const file = join(tmp.dir, 'images-inject.json');
        writeFileSync(file, JSON.stringify({ 'api; rm -rf /': `r/api@${digest('a')}` }));
        return ['--config', config, '--images', file];
      },
      /the images map names "api; rm -rf \/", not a component of memory-system/,
    ],
    [
      'a missing images file',
      () => ['--config', config, '--images', join(tmp.dir, 'nope.json')],
      /cannot read the images map .*nope\.json.*no such file/,
    ],
    [
      'an unreadable kubeconfig',
      () => ['--config', config, '--kubeconfig', join(tmp.dir, 'missing-kubeconfig')],
      /cannot read the kubeconfig .*missing-kubeconfig/,
    ],
    [
      'a namespace injection attempt',
      () => ['--config', config, '--namespace', 'api; rm -rf /'],
      /the namespace "api; rm -rf \/" is not a valid Kubernetes namespace/,
    ],
    [
      'a release name injection attempt in the config',
      () => [
        '--config',
        writeConfig(tmp.dir, 'inject.yaml', [['name: memory-system\n', 'name: "api; rm -rf /"\n']]),
      ],
      /name: 'api; rm -rf \/' is not a valid Kubernetes name/,
    ],
    [
      'a timeout that is not a number',
      () => ['--config', config, '--timeout', '5m'],
      /--timeout must be a whole number/,
    ],
    [
      'a concurrency of 0',
      () => ['--config', config, '--concurrency', '0'],
      /--concurrency must be a whole number from 1/,
    ],
    [
      'a missing config',
      () => ['--config', join(tmp.dir, 'absent.yaml')],
      /cannot read the release configuration .*absent\.yaml: no such file/,
    ],
  ];

  it.each(cases)('%s', async (_name, args, message) => {
    // In-process (runCli) to keep it quick; the case's own --kubeconfig comes later and wins.
    const logger = recordingLogger();
    setLogger(logger);
    const stdout = vi.spyOn(process.stdout, 'write');
    try {
      const code = await runCli(['deploy', '--kubeconfig', kubeconfig, '--helm', spyHelm, ...args()]);
      expect(code, logger.lines.join('\n')).toBe(1);
      expect(logger.lines.join('\n')).toMatch(message);
      expect(stdout).not.toHaveBeenCalled();
      expect(existsSync(marker)).toBe(false);
    } finally {
      stdout.mockRestore();
      setLogger(terminalLogger());
    }
  });
});

describe('against the simulated cluster', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ timing: deployTiming });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('prints progress per wave and release, a final table, writes the ledger and exits 0', async () => {
    const ledgerFile = join(tmp.dir, 'ledger.json');
    const r = await runReleaseKit([
      'deploy',
      '--config',
      config,
      '--kubeconfig',
      sandbox.kubeconfigPath,
      '--helm',
      helmBinary(4),
      '--timeout',
      '60',
      '--ledger',
      ledgerFile,
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('deploying 7 releases of memory-system to namespace memory-system in 4 waves');
    expect(r.stderr).toContain('== wave 2/4: memory, storage');
    expect(r.stderr).toMatch(/ {2}memory-system-gateway: revision 1 ready in \d+\.\d s/);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Wave +Release +Revision +Image +Duration +Status +Detail$/);
    expect(lines).toHaveLength(2 + 7);
    expect(lines[2]).toMatch(
      /^1 +memory-system-faiss +- -> 1 +registry\.example\.com\/memory_system\/faiss:latest +\d+\.\d s +installed +new release$/,
    );
    const ledger = JSON.parse(readFileSync(ledgerFile, 'utf8'));
    expect(ledger.outcome).toBe('success');
    expect(ledger.releases).toHaveLength(7);

    const dry = await runReleaseKit([
      'deploy',
      '--config',
      config,
      '--kubeconfig',
      sandbox.kubeconfigPath,
      '--helm',
      helmBinary(4),
      '--dry-run',
      '--json',
    ]);
    expect(dry.exitCode, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(plan.dryRun).toBe(true);
    expect(plan.releases.map((x: { outcome: string }) => x.outcome)).toEqual(Array(7).fill('unchanged'));
  }, 120_000);
});
