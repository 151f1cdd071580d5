// A stand-in Kubernetes API server that answers only what provokes one helm failure each, so tests
// capture the real stderr of real helm binaries without a cluster: rejecting credentials (401),
// forbidding Secret access (403), serving TLS with an untrusted certificate, or holding no releases.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import {
  createServer as createHttp,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export type StubMode = 'unauthorized' | 'forbidden' | 'untrusted-tls' | 'no-releases';

export interface StubApiServer {
  kubeconfigPath: string;
  close(): Promise<void>;
}

const versionBody = { major: '1', minor: '33', gitVersion: 'v1.33.0', platform: 'linux/amd64' };

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
    }),
  );
}

function handler(mode: StubMode) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    if (mode === 'unauthorized') return status(res, 401, 'Unauthorized', 'Unauthorized');
    if (url.startsWith('/version')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(versionBody));
    }
    if (mode === 'forbidden') {
      return status(
        res,
        403,
        'Forbidden',
        'secrets is forbidden: User "ci-deployer" cannot list resource "secrets" in API group "" in the namespace "default"',
      );
    }
    // no-releases: every Secret list is empty, so helm finds no release records.
    if (req.method === 'GET' && /\/secrets(\?|$)/.test(url)) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({
          kind: 'SecretList',
          apiVersion: 'v1',
          metadata: { resourceVersion: '1' },
          items: [],
        }),
      );
    }
    return status(res, 404, 'NotFound', 'the server could not find the requested resource');
  };
}

export async function startStubApiServer(mode: StubMode): Promise<StubApiServer> {
  let server: Server;
  let scheme = 'http';
  if (mode === 'untrusted-tls') {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    server = createHttps({ key: pems.private, cert: pems.cert }, handler(mode));
    scheme = 'https';
  } else {
    server = createHttp(handler(mode));
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dir = await mkdtemp(join(tmpdir(), 'helm-stub-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfigPath,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: stub\n  cluster:\n    server: ${scheme}://127.0.0.1:${port}`,
      'contexts:',
      '- name: stub\n  context:\n    cluster: stub\n    user: stub\n    namespace: default',
      'current-context: stub',
      'users:',
      '- name: stub\n  user:\n    token: not-a-real-token',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return {
    kubeconfigPath,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
