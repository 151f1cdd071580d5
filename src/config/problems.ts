// Problems found in a release configuration are data: where (file, line, column, path) and what
// (message, hint). Checks produce `Issue`s (a path in the configuration); the validator places them
// in the file and turns them into `ConfigProblem`s.
import { UserError } from '../errors.js';

export type PathSegment = string | number;

/** A problem at a path of the configuration, not yet placed in the file. */
export interface Issue {
  path: PathSegment[];
  /** Point at the key itself (an unknown or misspelled key) rather than at its value. */
  target?: 'key' | 'value';
  message: string;
  hint?: string;
}

export interface ConfigProblem {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Dotted path in the configuration, e.g. `services.api.depends_on[1]`; empty for the whole file. */
  path: string;
  message: string;
  hint?: string;
}

/** `services.api.depends_on[1]`; keys that are not plain words are quoted: `services["a b"]`. */
export function dottedPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** `file:line:col: error: <path>: <message> (<hint>)`, the form editors and CI logs link to. */
export function formatProblem(p: ConfigProblem): string {
  const where = p.path ? `${p.path}: ` : '';
  const hint = p.hint ? ` (${p.hint})` : '';
  return `${p.file}:${p.line}:${p.column}: error: ${where}${p.message}${hint}`;
}

/** Thrown by loadReleaseConfig: the configuration has problems a user can fix; `problems` lists all of them. */
export class ConfigValidationError extends UserError {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    const n = problems.length;
    super(
      `${file} has ${n} problem${n === 1 ? '' : 's'}:\n${problems.map(formatProblem).join('\n')}`,
      'fix the configuration and run `release-kit validate` again',
    );
    this.name = 'ConfigValidationError';
  }
}
