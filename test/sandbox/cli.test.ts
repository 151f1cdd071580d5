// `release-kit sandbox up` as a user runs it: prints the kubeconfig (and Prometheus URL), serves kubectl,
// stops cleanly on SIGTERM; bad flags are user errors.
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { packageRoot } from '../../src/util/paths.js';
import { runReleaseKit } from '../support/cli.js';
import { kubectlBinary } from '../support/tools.js';

it('starts over HTTPS with Prometheus, answers kubectl, and stops on SIGTERM', async () => {
  const child = execa(
    process.execPath,
    ['--import', 'tsx', join(packageRoot(), 'src', 'cli.ts'), 'sandbox', 'up', '--https', '--prometheus'],
    {
      cwd: packageRoot(),
      reject: false,
      timeout: 60_000,
    },
  );
  try {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    await expect.poll(() => stdout, { timeout: 30_000 }).toMatch(/prometheus: http:\/\/127\.0\.0\.1:\d+\n/);
    const kubeconfig = /kubeconfig: (.+)\n/.exec(stdout)?.[1] ?? '';
    const prometheus = /prometheus: (.+)\n/.exec(stdout)?.[1] ?? '';
    const namespaces = await execa(kubectlBinary(), ['get', 'namespaces', '-o', 'name'], {
      env: { KUBECONFIG: kubeconfig },
    });
    expect(namespaces.stdout.split('\n')).toContain('namespace/default');
    expect((await fetch(`${prometheus}/-/ready`)).ok).toBe(true);
  } finally {
    child.kill('SIGTERM');
  }
  const result = await child;
  expect(result.exitCode).toBe(0);
  expect(result.stderr).toContain('SIMULATED Kubernetes cluster');
});

it('rejects a bad --port with a clear message and exit code 1', async () => {
  const result = await runReleaseKit(['sandbox', 'up', '--port', '70000']);
  expect(result.exitCode).toBe(1);
  expect(result.stderr).toContain('--port must be a whole number from 0 to 65535, got "70000"');
});

it('reports a kubeconfig path it cannot write as a user error', async () => {
  const result = await runReleaseKit(['sandbox', 'up', '--kubeconfig', '/nonexistent-dir/kubeconfig']);
  expect(result.exitCode).toBe(1);
  expect(result.stderr).toContain('cannot write the kubeconfig');
});
