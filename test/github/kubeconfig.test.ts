import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeCore } from '../support/fake-core.js';

vi.mock('@actions/core', () => import('../support/fake-core.js'));
const { readKubeconfigInput, writeKubeconfigFile } = await import('../../src/github/kubeconfig.js');

const kubeconfig =
  'apiVersion: v1\nclusters: [{name: c, cluster: {server: "https://k"}}]\nusers: [{name: u, user: {token: s3cr3t-token, client-key-data: a2V5LWRhdGE=}}]\n';

describe('kubeconfig from a secret', () => {
  const runnerTemp = mkdtempSync(join(tmpdir(), 'rk-kubeconfig-'));
  afterAll(() => rmSync(runnerTemp, { recursive: true, force: true }));
  beforeEach(() => {
    fakeCore.reset();
    vi.stubEnv('RUNNER_TEMP', runnerTemp);
  });

  it('masks the whole text and each credential before anything else', () => {
    fakeCore.inputs.kubeconfig = kubeconfig;
    expect(readKubeconfigInput()).toBe(kubeconfig.trim());
    expect(fakeCore.secrets).toEqual(
      expect.arrayContaining([kubeconfig.trim(), 's3cr3t-token', 'a2V5LWRhdGE=']),
    );
  });

  it('is undefined when the input is empty', () => {
    expect(readKubeconfigInput()).toBeUndefined();
  });

  it('refuses text that is not a kubeconfig, masked and without quoting it', () => {
    for (const text of ['token: s3cr3t-token', 'clusters: [', 'just a path/to/kubeconfig']) {
      fakeCore.reset({ kubeconfig: text });
      let message = '';
      try {
        readKubeconfigInput();
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/the input 'kubeconfig' is not a kubeconfig/);
      expect(message).not.toContain('s3cr3t');
      expect(fakeCore.secrets).toContain(text);
    }
  });

  it('writes a 0600 file in a private directory of RUNNER_TEMP and removes it', async () => {
    const file = await writeKubeconfigFile(kubeconfig);
    expect(dirname(dirname(file.path))).toBe(runnerTemp);
    expect(readFileSync(file.path, 'utf8')).toBe(kubeconfig);
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    await file.remove();
    expect(existsSync(dirname(file.path))).toBe(false);
  });
});
