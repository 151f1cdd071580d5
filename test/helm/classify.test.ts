// Error classification over real stderr: each case provokes a failure from the real helm 3.18 and
// 4.1 binaries (bad charts, closed ports, a stand-in API server that refuses), then classifies it.
import { readFile, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.js';
import { describeCommand, helmErrorText } from '../../src/helm/classify.js';
import {
  classifyHelmFailure,
  createHelm,
  HelmChartNotFoundError,
  HelmClusterAccessError,
  HelmCommandError,
  type HelmFailure,
  HelmReleaseNotFoundError,
  HelmRenderError,
} from '../../src/helm/index.js';
import { packageRoot } from '../../src/util/paths.js';
import { helmBinary, helmMajors } from '../support/tools.js';
import { type StubApiServer, type StubMode, startStubApiServer } from './support/stub-apiserver.js';

const fixtures = join(packageRoot(), 'test', 'fixtures', 'helm');
const demo = join(fixtures, 'demo');
const faulty = join(fixtures, 'faulty');

type Cluster = StubMode | 'closed-port' | 'none';
interface Case {
  name: string;
  cluster: Cluster;
  args: string[];
  check: (e: ReturnType<typeof classifyHelmFailure>) => void;
}

const renderAt =
  (file: string, line: number, column?: number) => (e: ReturnType<typeof classifyHelmFailure>) => {
    expect(e).toBeInstanceOf(HelmRenderError);
    expect((e as HelmRenderError).locations).toContainEqual(column ? { file, line, column } : { file, line });
  };
const access = (reason: HelmClusterAccessError['reason']) => (e: ReturnType<typeof classifyHelmFailure>) => {
  expect(e).toBeInstanceOf(HelmClusterAccessError);
  expect((e as HelmClusterAccessError).reason).toBe(reason);
};

const cases: Case[] = [
  {
    name: 'a required value missing in a template',
    cluster: 'none',
    args: ['template', 'r1', demo, '--set', 'extra.enabled=true'],
    check: (e) => {
      renderAt('demo/templates/configmap.yaml', 8, 12)(e);
      expect(e.message).toMatch(/extra\.name is required when extra\.enabled is set/);
      expect(e.message).not.toMatch(/--debug/);
    },
  },
  {
    name: 'a nil pointer in a template',
    cluster: 'none',
    args: ['template', 'r1', faulty, '--set', 'fault=nil-pointer'],
    check: (e) => {
      renderAt('faulty/templates/fault.yaml', 7, 22)(e);
      expect(e.message).toMatch(/nil pointer evaluating interface \{\}\.deep/);
    },
  },
  {
    name: 'a template rendering invalid YAML',
    cluster: 'none',
    args: ['template', 'r1', faulty, '--set', 'fault=bad-yaml'],
    check: renderAt('faulty/templates/fault.yaml', 5),
  },
  {
    name: 'values breaking values.schema.json',
    cluster: 'none',
    args: ['template', 'r1', demo, '--set', 'replicas=three', '--set', 'bogus=1'],
    check: (e) => {
      expect(e).toBeInstanceOf(HelmRenderError);
      expect(e.message).toMatch(/replicas/);
      expect(e.message).toMatch(/bogus/);
      expect(isUserError(e) && e.hint).toMatch(/values\.schema\.json/);
    },
  },
  {
    name: 'a Chart.yaml without name',
    cluster: 'none',
    args: ['template', 'r1', join(fixtures, 'broken-chart')],
    check: (e) => {
      expect(e).toBeInstanceOf(HelmRenderError);
      expect(e.message).toMatch(/chart\.metadata\.name is required/);
      expect(isUserError(e) && e.hint).toMatch(/Chart\.yaml/);
    },
  },
  {
    name: 'a chart path that does not exist',
    cluster: 'none',
    args: ['template', 'r1', join(fixtures, 'no-such-chart')],
    check: (e) => expect(e).toBeInstanceOf(HelmChartNotFoundError),
  },
  {
    name: 'a relative chart path helm reads as repo/name',
    cluster: 'none',
    args: ['template', 'r1', 'charts/no-such-chart'],
    check: (e) => expect(e).toBeInstanceOf(HelmChartNotFoundError),
  },
  {
    name: 'an API server on a closed port (status)',
    cluster: 'closed-port',
    args: ['status', 'r1', '--namespace', 'memory'],
    check: (e) => {
      access('unreachable')(e);
      expect(e.message).toMatch(/^helm status of release "r1" in namespace "memory" could not reach/);
      expect(e.message).toMatch(/connection refused/);
    },
  },
  {
    name: 'an API server on a closed port (upgrade)',
    cluster: 'closed-port',
    args: ['upgrade', 'r1', demo, '--install'],
    check: access('unreachable'),
  },
  {
    name: 'rejected credentials',
    cluster: 'unauthorized',
    args: ['history', 'r1'],
    check: access('unauthorized'),
  },
  { name: 'RBAC refusing Secrets', cluster: 'forbidden', args: ['status', 'r1'], check: access('forbidden') },
  {
    name: 'an untrusted server certificate',
    cluster: 'untrusted-tls',
    args: ['upgrade', 'r1', demo, '--install'],
    check: (e) => {
      access('tls')(e);
      expect(e.message).toMatch(/x509: certificate signed by unknown authority/);
    },
  },
  {
    name: 'status of a release that does not exist',
    cluster: 'no-releases',
    args: ['status', 'r1'],
    check: (e) => expect(e).toBeInstanceOf(HelmReleaseNotFoundError),
  },
  {
    name: 'upgrade without --install of a release never deployed',
    cluster: 'no-releases',
    args: ['upgrade', 'r1', demo],
    check: (e) => {
      expect(e).toBeInstanceOf(HelmReleaseNotFoundError);
      expect(e.message).toMatch(/has no deployed releases/);
    },
  },
  {
    name: 'uninstall of a release that does not exist',
    cluster: 'no-releases',
    args: ['uninstall', 'r1'],
    check: (e) => expect(e).toBeInstanceOf(HelmReleaseNotFoundError),
  },
  {
    name: 'an argv helm rejects (a release-kit bug, not a user error)',
    cluster: 'none',
    args: ['status', 'r1', '--no-such-flag'],
    check: (e) => {
      expect(e).toBeInstanceOf(HelmCommandError);
      expect(isUserError(e)).toBe(false);
      expect(e.message).toMatch(/exited with 1: unknown flag: --no-such-flag/);
    },
  },
];

let stubs: Map<StubMode, StubApiServer>;
let closedPortKubeconfig: StubApiServer;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  const modes: StubMode[] = ['unauthorized', 'forbidden', 'untrusted-tls', 'no-releases'];
  stubs = new Map(await Promise.all(modes.map(async (m) => [m, await startStubApiServer(m)] as const)));
  // A kubeconfig for a port nothing listens on: the stub's file, pointed elsewhere.
  closedPortKubeconfig = await startStubApiServer('no-releases');
  const text = await readFile(closedPortKubeconfig.kubeconfigPath, 'utf8');
  await writeFile(
    closedPortKubeconfig.kubeconfigPath,
    text.replace(/server: .*/, `server: http://127.0.0.1:${await closedPort()}`),
  );
});

afterAll(async () => {
  await Promise.all([...(stubs?.values() ?? []), closedPortKubeconfig].filter(Boolean).map((s) => s.close()));
});

function kubeconfigFor(cluster: Cluster): string | undefined {
  if (cluster === 'none') return undefined;
  if (cluster === 'closed-port') return closedPortKubeconfig.kubeconfigPath;
  return stubs.get(cluster)?.kubeconfigPath;
}

describe.each(helmMajors)('helm %i stderr', (major) => {
  it.each(cases)('classifies $name', async ({ cluster, args, check }) => {
    const kubeconfig = kubeconfigFor(cluster);
    const r = await execa(helmBinary(major), args, {
      env: kubeconfig ? { KUBECONFIG: kubeconfig } : {},
      reject: false,
      timeout: 30_000,
    });
    expect(r.exitCode).not.toBe(0);
    const failure: HelmFailure = { args, exitCode: r.exitCode, stderr: r.stderr };
    check(classifyHelmFailure(failure));
  });

  it('throws the typed error from the runner, kubeconfig kept out of the message', async () => {
    const kubeconfig = kubeconfigFor('forbidden') as string;
    const helm = await createHelm({ binary: helmBinary(major), kubeconfig, namespace: 'default' });
    const err = await helm.history({ release: 'r1' }).catch((e) => e);
    expect(err).toBeInstanceOf(HelmClusterAccessError);
    expect(err.failure.args).toEqual(['history', 'r1', '--output', 'json', '--namespace', 'default']);
    expect(`${err.message} ${err.hint} ${err.failure.args}`).not.toContain(kubeconfig);
  });

  it('renders a template error from values it wrote to a file', async () => {
    const helm = await createHelm({ binary: helmBinary(major) });
    const err = await helm
      .template({ release: 'r1', chart: demo, values: { extra: { enabled: true } } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(HelmRenderError);
    expect(err.locations).toContainEqual({ file: 'demo/templates/configmap.yaml', line: 8, column: 12 });
  });
});

describe('pure helpers', () => {
  it('keeps helm error text from the first Error: line on', () => {
    expect(
      helmErrorText(
        'level=WARN msg=x\nError: boom\n  detail\n\nUse --debug flag to render out invalid YAML\n',
      ),
    ).toBe('boom\n  detail');
    expect(helmErrorText('')).toBe('(helm printed no error message)');
  });

  it('describes a command from argv, skipping flag values', () => {
    expect(
      describeCommand(['upgrade', 'api', '/c', '--install', '--values', '/tmp/v', '--namespace', 'prod']),
    ).toBe('helm upgrade of release "api" in namespace "prod"');
    expect(describeCommand(['get', 'values', 'api', '--output', 'json'])).toBe(
      'helm get values of release "api"',
    );
    expect(describeCommand(['list', '--pending', '--filter', '^api$'])).toBe('helm list');
  });

  it('reports a process that did not exit by itself', () => {
    const e = classifyHelmFailure({ args: ['status', 'r'], exitCode: undefined, stderr: '' });
    expect(e).toBeInstanceOf(HelmCommandError);
    expect(e.message).toBe('helm status of release "r" was stopped: (helm printed no error message)');
  });
});
