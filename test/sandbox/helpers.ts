// Drives the real helm and kubectl binaries against a sandbox, with helm's own state (cache, config,
// data) in a private directory so parallel tests never share it.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { Sandbox } from '../../src/sandbox/index.js';
import { type HelmMajor, helmBinary, kubectlBinary } from '../support/tools.js';

export interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function clients(sandbox: Sandbox) {
  // Inside the sandbox's own directory, which stop() removes.
  const home = join(sandbox.dir, 'helm');
  const env = {
    KUBECONFIG: sandbox.kubeconfigPath,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
  const run = async (binary: string, args: string[], timeout = 90_000): Promise<Run> => {
    const result = await execa(binary, args, { env, reject: false, timeout });
    return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
  };
  return {
    helm: (major: HelmMajor, args: string[]) => run(helmBinary(major), args),
    kubectl: (args: string[]) => run(kubectlBinary(), args),
    /** Fails the test with helm's own output when a command does not succeed. */
    ok: async (pending: Promise<Run>): Promise<string> => {
      const result = await pending;
      if (result.exitCode !== 0)
        throw new Error(`command failed (${result.exitCode}):\n${result.stderr}\n${result.stdout}`);
      return result.stdout;
    },
  };
}

export const fixtureChart = fileURLToPath(new URL('../fixtures/sandbox/app', import.meta.url));
