// The flag mapping of both helm versions, checked against the real binaries: `helm <argv> --help`
// parses every flag first and fails on unknown ones; deprecated ones print a warning.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import {
  getManifestArgs,
  getValuesArgs,
  historyArgs,
  listArgs,
  rollbackArgs,
  statusArgs,
  templateArgs,
  testArgs,
  uninstallArgs,
  upgradeInstallArgs,
} from '../../src/helm/args.js';
import { type HelmMajor, helmBinary, helmMajors } from '../support/tools.js';

const scope = { namespace: 'memory', kubeContext: 'prod' };

function everyCommand(major: HelmMajor): Record<string, string[]> {
  return {
    upgrade: upgradeInstallArgs(
      major,
      {
        release: 'api',
        chart: './charts/memory-system',
        values: { replicas: 2 },
        wait: true,
        timeoutSeconds: 300,
        createNamespace: true,
        rollbackOnFailure: true,
        forceReplace: true,
        ...(major === 4 ? { serverSide: 'auto' as const } : {}),
        description: 'release-kit run 42',
        ...scope,
      },
      '/tmp/values.json',
    ),
    'upgrade (legacy wait)': upgradeInstallArgs(
      major,
      { release: 'api', chart: 'c', wait: 'legacy' },
      undefined,
    ),
    template: templateArgs(
      major,
      {
        release: 'api',
        chart: 'c',
        kubeVersion: '1.33.0',
        apiVersions: ['monitoring.coreos.com/v1'],
        ...scope,
      },
      '/tmp/values.json',
    ),
    rollback: rollbackArgs(major, {
      release: 'api',
      revision: 3,
      wait: true,
      timeoutSeconds: 60,
      forceReplace: true,
      ...scope,
    }),
    uninstall: uninstallArgs(major, {
      release: 'api',
      wait: true,
      timeoutSeconds: 60,
      keepHistory: true,
      ignoreNotFound: true,
      ...scope,
    }),
    history: historyArgs(major, { release: 'api', ...scope }),
    status: statusArgs(major, { release: 'api', revision: 2, ...scope }),
    'get values': getValuesArgs(major, { release: 'api', revision: 2, all: true, ...scope }),
    'get manifest': getManifestArgs(major, { release: 'api', revision: 2, ...scope }),
    list: listArgs(major, { allNamespaces: true, release: 'api', ...scope }),
    test: testArgs(major, { release: 'api', timeoutSeconds: 60, logs: true, ...scope }),
  };
}

describe.each(helmMajors)('helm %i argv', (major) => {
  it.each(Object.entries(everyCommand(major)))(
    '%s is accepted by the real binary without deprecation warnings',
    async (_name, args) => {
      const r = await execa(helmBinary(major), [...args, '--help'], { reject: false });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
    },
  );
});

describe('flags that differ between helm 3 and helm 4', () => {
  const upgrade = (major: HelmMajor, extra: object) =>
    upgradeInstallArgs(major, { release: 'api', chart: 'c', ...extra }, undefined);

  it('waits with --wait on helm 3 and the watcher (or legacy) strategy on helm 4', () => {
    expect(upgrade(3, { wait: true })).toContain('--wait');
    expect(upgrade(3, { wait: 'legacy' })).toContain('--wait');
    expect(upgrade(4, { wait: true })).toContain('--wait=watcher');
    expect(upgrade(4, { wait: 'legacy' })).toContain('--wait=legacy');
    for (const major of helmMajors) expect(upgrade(major, { wait: false }).join(' ')).not.toMatch(/--wait/);
  });

  it('rolls back on failure with --atomic on helm 3 and --rollback-on-failure on helm 4', () => {
    expect(upgrade(3, { rollbackOnFailure: true })).toContain('--atomic');
    expect(upgrade(4, { rollbackOnFailure: true })).toContain('--rollback-on-failure');
  });

  it('replaces resources with --force on helm 3 and --force-replace on helm 4', () => {
    expect(upgrade(3, { forceReplace: true })).toContain('--force');
    expect(upgrade(4, { forceReplace: true })).toContain('--force-replace');
    expect(rollbackArgs(4, { release: 'api', forceReplace: true })).toContain('--force-replace');
  });

  it('chooses server-side apply only on helm 4, and refuses it on helm 3', () => {
    expect(upgrade(4, { serverSide: false })).toContain('--server-side=false');
    expect(upgrade(4, { serverSide: true })).toContain('--server-side=true');
    expect(upgrade(3, { serverSide: false }).join(' ')).not.toMatch(/server-side/);
    expect(() => upgrade(3, { serverSide: true })).toThrow(/server-side apply needs helm 4/);
  });

  it('lists every release state by naming each (helm 4 has no --all)', () => {
    const args = listArgs(4, {});
    for (const s of [
      '--deployed',
      '--failed',
      '--pending',
      '--superseded',
      '--uninstalled',
      '--uninstalling',
    ])
      expect(args).toContain(s);
    expect(
      listArgs(3, { states: ['pending'] }).filter((a) => /^--(deployed|pending|failed)$/.test(a)),
    ).toEqual(['--pending']);
  });

  it('passes values as a file and the kubeconfig not at all', () => {
    const args = upgradeInstallArgs(
      3,
      { release: 'api', chart: 'c', values: { secret: 's3cr3t' } },
      '/tmp/v.json',
    );
    expect(args).toEqual(expect.arrayContaining(['--values', '/tmp/v.json']));
    expect(args.join(' ')).not.toMatch(/--set|s3cr3t|kubeconfig/);
  });
});

describe('bad requests are refused before helm starts', () => {
  it.each(['', 'API', 'api_v2', '-api', 'a'.repeat(54)])('release name %j', (release) => {
    expect(() => historyArgs(3, { release })).toThrow(UserError);
    expect(() => historyArgs(3, { release })).toThrow(/invalid helm release name/);
  });

  it.each([0, -5, 1.5, Number.NaN])('timeout %d', (timeoutSeconds) => {
    expect(() => rollbackArgs(4, { release: 'api', timeoutSeconds })).toThrow(/invalid helm timeout/);
  });

  it('revision 0', () => {
    expect(() => rollbackArgs(4, { release: 'api', revision: 0 })).toThrow(/invalid revision 0/);
  });
});
