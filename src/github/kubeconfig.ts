// The kubeconfig reaches an action as text (a secret), never as a path in the repository. It is masked
// (whole, and every credential in it) before anything can print it, checked to be a kubeconfig, and
// written 0600 into a private directory of RUNNER_TEMP that the action removes when it ends.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { parse } from 'yaml';
import { UserError } from '../errors.js';
import { getOptionalInput } from './inputs.js';

export interface KubeconfigFile {
  path: string;
  remove(): Promise<void>;
}

/** The credential-looking strings of a kubeconfig's users (tokens, keys, passwords, exec arguments). */
function credentials(users: unknown): string[] {
  if (typeof users === 'string') return users.length >= 6 ? [users] : [];
  if (Array.isArray(users)) return users.flatMap(credentials);
  if (users && typeof users === 'object') return Object.values(users).flatMap(credentials);
  return [];
}

/** Masks a kubeconfig's text and its credentials, and refuses text that is not a kubeconfig (without quoting it). */
export function maskKubeconfig(text: string, input = 'kubeconfig'): void {
  core.setSecret(text);
  let doc: { clusters?: unknown; users?: unknown } | undefined;
  try {
    doc = parse(text) ?? undefined;
  } catch {
    doc = undefined;
  }
  for (const secret of credentials(doc?.users)) core.setSecret(secret);
  if (!Array.isArray(doc?.clusters) || doc.clusters.length === 0) {
    throw new UserError(
      `the input '${input}' is not a kubeconfig (YAML with a clusters list)`,
      'store the whole kubeconfig file as a secret and pass that secret (its content, not a path)',
    );
  }
}

/** The `kubeconfig` input, masked and checked; undefined when not given. */
export function readKubeconfigInput(input = 'kubeconfig'): string | undefined {
  const text = getOptionalInput(input);
  if (text) maskKubeconfig(text, input);
  return text;
}

/** Writes the kubeconfig 0600 into a private directory of RUNNER_TEMP; remove() deletes the directory. */
export async function writeKubeconfigFile(content: string): Promise<KubeconfigFile> {
  const dir = await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), 'release-kit-kube-'));
  const path = join(dir, 'kubeconfig');
  await writeFile(path, content, { mode: 0o600 });
  await chmod(path, 0o600);
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
