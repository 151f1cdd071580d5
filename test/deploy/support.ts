// Shared by the deploy tests: variants of the example config, and runDeploy against a sandbox with a
// logger that keeps what a user would read.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeployOptions } from '../../src/deploy/run.js';
import type { Logger } from '../../src/log.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { packageRoot } from '../../src/util/paths.js';
import { type HelmMajor, helmBinary } from '../support/tools.js';

export const example = readFileSync(join(packageRoot(), 'examples', 'memory-system.yaml'), 'utf8');

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes the example config with replacements applied (each must match) and returns its path. */
export function writeConfig(dir: string, name: string, replacements: [string, string][] = []): string {
  let text = example;
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`test setup: "${from}" is not in the example config`);
    text = text.replace(from, to);
  }
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warn: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    debug: () => {},
    group: async (name, fn) => {
      lines.push(`== ${name}`);
      return fn();
    },
  };
}

export const deployOptions = (
  sandbox: Sandbox,
  major: HelmMajor,
  config: string,
  extra: Partial<DeployOptions> = {},
): DeployOptions => ({
  config,
  kubeconfig: sandbox.kubeconfigPath,
  helm: helmBinary(major),
  timeoutSeconds: 60,
  holder: 'test-holder',
  ...extra,
});

export const digest = (c: string): string => `sha256:${c.repeat(64)}`;

/**
 * Sandbox timing for deploy tests: the example runs ~28 simulated pods, and probing each every 50 ms
 * (the default) costs more CPU than the shared test machine has; 400 ms keeps rollouts at seconds.
 */
export const deployTiming = { probeIntervalMs: 400 };
