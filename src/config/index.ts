// Public entry of the config module: load a release configuration file, validated and resolved.
import { readFile, stat } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { type ConfigProblem, ConfigValidationError } from './problems.js';
import { MAX_CONFIG_BYTES } from './source.js';
import type { ReleaseConfig } from './types.js';
import { validateReleaseConfig } from './validate.js';

export { type Component, findCycle, listComponents, nameTable } from './components.js';
export { deepMerge } from './merge.js';
export { type ConfigProblem, ConfigValidationError, formatProblem, type Issue } from './problems.js';
export { releaseConfigSchema } from './schema.js';
export type { ComponentKind, ReleaseConfig } from './types.js';
export { parseDuration, parseQuantity, parseSize } from './units.js';
export { type ValidateOptions, type ValidationResult, validateReleaseConfig } from './validate.js';

export interface LoadOptions {
  /** Name of an entry under `environments`, deep-merged over the base. */
  environment?: string;
}

/**
 * Loads, validates and resolves a release configuration file (defaults filled in, the environment
 * merged). Throws ConfigValidationError (a UserError) listing every problem, or a UserError when
 * the file cannot be read.
 */
export async function loadReleaseConfig(file: string, options: LoadOptions = {}): Promise<ReleaseConfig> {
  const text = await readConfigText(file);
  if (typeof text !== 'string') throw new ConfigValidationError(file, [text]);
  const { config, problems } = validateReleaseConfig(text, { file, environment: options.environment });
  if (!config) throw new ConfigValidationError(file, problems);
  return config;
}

/** The file's text, or the one problem that keeps it from being read as text. */
async function readConfigText(file: string): Promise<string | ConfigProblem> {
  const whole = { file, line: 1, column: 1, path: '' };
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (info.isDirectory()) {
      throw new UserError(`${file} is a directory, not a configuration file`, 'name the YAML file itself');
    }
    // Refuse before reading: a wrong path can name a huge file.
    if (info.size > MAX_CONFIG_BYTES) {
      return {
        ...whole,
        message: `the file is ${(info.size / 1024 / 1024).toFixed(1)} MB; a release configuration may be at most ${MAX_CONFIG_BYTES / 1024 / 1024} MB`,
        hint: 'check that --config names the release configuration, not a data file',
      };
    }
    bytes = await readFile(file);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UserError(
      `cannot read the release configuration ${file}: ${reason}`,
      'pass --config (CLI) or the config input (action) naming your release configuration; the default is release.yaml',
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return {
      ...whole,
      message: 'the file is not UTF-8 text (it holds binary data)',
      hint: 'check that --config names the YAML release configuration',
    };
  }
}
