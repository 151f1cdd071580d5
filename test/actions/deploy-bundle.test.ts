// The deploy action as GitHub runs it: the esbuild bundle run by node, inputs and output files in the
// environment, real helm against the simulated cluster, and a tiny local server standing in for the
// GitHub API (GITHUB_API_URL) to receive the Deployment and its statuses.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { deployTiming, digest, example } from '../deploy/support.js';
import { runBundledAction } from '../support/action-bundles.js';
import { helmBinary } from '../support/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'rk-deploy-bundle-'));
let sandbox: Sandbox;
let api: Server;
let apiUrl: string;
const requests: { method: string; url: string; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ timing: deployTiming });
  api = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', body: text ? JSON.parse(text) : {} });
      const created = /\/deployments$/.test(req.url ?? '') ? { id: 77 } : { id: requests.length };
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(created));
    });
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await sandbox?.stop();
  await new Promise((resolve) => api?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function runAction(inputs: Record<string, string>) {
  const workspace = mkdtempSync(join(dir, 'ws-'));
  writeFileSync(join(workspace, 'release.yaml'), example);
  return runBundledAction('deploy', {
    inputs,
    cwd: workspace,
    env: {
      HOME: process.env.HOME ?? workspace,
      GITHUB_API_URL: apiUrl,
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_REPOSITORY: 'acme/memory',
      GITHUB_SHA: 'a'.repeat(40),
      GITHUB_REF: 'refs/heads/main',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
    },
  });
}

describe('bundled deploy action', () => {
  it('deploys, sets the outputs, writes the summary and reports a GitHub Deployment', async () => {
    const kubeconfig = readFileSync(sandbox.kubeconfigPath, 'utf8');
    const memory = `registry.example.com/memory_system/memory@${digest('c')}`;
    const r = await runAction({
      config: 'release.yaml',
      environment: 'production',
      images: JSON.stringify({ memory }),
      kubeconfig,
      'helm-path': helmBinary(4),
      timeout: '60',
      token: 'ghs_secret-test-token',
    });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    // Waves are groups; the kubeconfig and token are masked before anything else is printed.
    expect(r.stdout).toContain('::group::wave 1/4: faiss, neo4j, redis');
    expect(r.stdout.indexOf('::add-mask::')).toBeLessThan(r.stdout.indexOf('::group::'));
    expect(r.stdout).toContain('::add-mask::sandbox-simulated-cluster');
    expect(r.stdout).toContain('::add-mask::ghs_secret-test-token');
    // The kubeconfig file was removed from RUNNER_TEMP.
    expect(r.runnerTemp).toEqual([]);

    const ledger = JSON.parse(r.outputs.ledger ?? '');
    expect(ledger.outcome).toBe('success');
    expect(ledger.runId).toBe('4242-1');
    expect(ledger.releases).toHaveLength(7);
    expect(JSON.parse(r.outputs['changed-releases'] ?? '')).toHaveLength(7);
    expect(JSON.parse(r.outputs.revisions ?? '')).toMatchObject({
      'memory-system-memory': 1,
      'memory-system-api': 1,
    });
    expect(r.summary).toContain(
      '<h2>deploy of 7 releases in namespace memory-system succeeded: 7 deployed, 0 unchanged</h2>',
    );
    expect(r.summary).toContain('<th>Wave</th><th>Release</th><th>Revision</th>');
    expect(r.summary).toMatch(
      /<td>2<\/td><td>memory-system-memory<\/td><td>- -&gt; 1<\/td><td>registry\.example\.com\/memory_system\/memory@sha256:c{64}<\/td><td>\d+\.\d s<\/td><td>installed<\/td>/,
    );

    expect(requests.map((q) => `${q.method} ${q.url} ${q.body.state ?? q.body.environment}`)).toEqual([
      'POST /repos/acme/memory/deployments production',
      'POST /repos/acme/memory/deployments/77/statuses in_progress',
      'POST /repos/acme/memory/deployments/77/statuses success',
    ]);
    expect(requests[0]?.body).toMatchObject({
      ref: 'a'.repeat(40),
      required_contexts: [],
      auto_merge: false,
    });
    expect(requests[2]?.body).toMatchObject({
      log_url: 'https://github.example/acme/memory/actions/runs/4242',
      description: expect.stringMatching(/^deploy of 7 releases .* succeeded/),
    });

    // The same deploy again changes nothing: skipped-unchanged rows, no changed releases.
    const again = await runAction({
      images: JSON.stringify({ memory }),
      kubeconfig,
      'helm-path': helmBinary(4),
    });
    expect(again.exitCode, again.stdout).toBe(0);
    expect(JSON.parse(again.outputs['changed-releases'] ?? '')).toEqual([]);
    expect(again.summary.match(/skipped \(unchanged\)/g)).toHaveLength(7);
  }, 180_000);

  it('fails the step with a clear message on bad inputs, before deploying anything', async () => {
    const bad = await runAction({ images: '{"memory": ', kubeconfig: 'x: [' });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toContain("::error::the input 'kubeconfig' is not a kubeconfig");
    const images = await runAction({ images: '{"memory": "r/m@sha256:12"}', 'dry-run': 'maybe' });
    expect(images.exitCode).toBe(1);
    expect(images.stdout).toMatch(/::error::the input 'images': 1 invalid image reference/);
    expect(images.outputs).toEqual({});
  });

  it('sets the GitHub Deployment to failure when the deploy cannot start', async () => {
    requests.length = 0;
    const unreachable = readFileSync(sandbox.kubeconfigPath, 'utf8').replace(
      sandbox.url,
      'http://127.0.0.1:1',
    );
    const r = await runAction({ kubeconfig: unreachable, 'helm-path': helmBinary(4), token: 'ghs_other' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/::error::cannot reach the Kubernetes API server .*namespace memory-system/);
    expect(requests.map((q) => q.body.state ?? 'create')).toEqual(['create', 'in_progress', 'failure']);
    expect(requests[2]?.body.description).toMatch(/^cannot reach the Kubernetes API server/);
  });
});
