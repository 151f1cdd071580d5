// Checks of deploy's own inputs, before any helm call: the images map (inline JSON or a file), the
// namespace, the timeout and the concurrency. Each failure names the input and what to give instead.
import { readFile } from 'node:fs/promises';
import { type ImageMap, parseImageMap } from '../build/image-map.js';
import { UserError } from '../errors.js';

/**
 * An images map given inline (`{"api": "…@sha256:…"}`) or as a file path. `name` is how the user
 * gave it (`--images`, `the images input`).
 */
export async function readImageMapArgument(value: string, name: string): Promise<ImageMap> {
  const text = value.trim();
  if (text.startsWith('{')) return parseImageMap(text, name);
  let content: string;
  try {
    content = await readFile(text, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new UserError(
      `cannot read the images map ${text} (${name}): ${reason}`,
      'give the JSON file `release-kit build --out` wrote, or the JSON map itself',
    );
  }
  return parseImageMap(content, text);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function checkNamespace(namespace: string, name: string): void {
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) {
    throw new UserError(
      `${name} ${JSON.stringify(namespace)} is not a valid Kubernetes namespace`,
      'use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit',
    );
  }
}

/** A whole number within [min, max] from a flag or input; `name` is how the user gave it. */
export function parseWholeNumber(text: string, name: string, min: number, max: number): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!(Number.isSafeInteger(value) && value >= min && value <= max)) {
    throw new UserError(
      `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`,
      `for example ${name} ${Math.max(min, Math.min(max, 300))}`,
    );
  }
  return value;
}
