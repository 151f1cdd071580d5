// Validation of configuration text, pure (no I/O): read YAML with positions, check the schema and the
// semantic rules on the base, then on each environment overlay merged over it, and place every
// problem at a line of the file (an overlay's problems at the overlay's own lines).
import { deepMerge, isPlainObject } from './merge.js';
import { type ConfigProblem, dottedPath, type Issue } from './problems.js';
import { checkSchema } from './schema.js';
import { checkSemantics } from './semantics.js';
import { readYaml, type SourceMap } from './source.js';
import type { ReleaseConfig } from './types.js';

export interface ValidateOptions {
  /** Shown in every problem; the path the user gave. */
  file: string;
  /** An entry of `environments` to merge over the base. Without it every environment is checked. */
  environment?: string;
}

export interface ValidationResult {
  /** The resolved configuration (defaults filled in, the environment merged), when there are no problems. */
  config?: ReleaseConfig;
  problems: ConfigProblem[];
}

export function validateReleaseConfig(text: string, options: ValidateOptions): ValidationResult {
  const { file, environment } = options;
  const read = readYaml(text);
  if (!read.ok) return { problems: [{ file, path: '', ...read.problem }] };
  const { data: base, source } = read;

  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  const add = (problem: ConfigProblem, key = `${problem.line}:${problem.column}:${problem.message}`) => {
    if (seen.has(key)) return;
    seen.add(key);
    problems.push(problem);
  };
  for (const issue of [...checkSchema(base), ...checkSemantics(base)]) add(placeInBase(issue, source, file));

  const environments = isPlainObject(base.environments) ? base.environments : {};
  if (environment !== undefined && !Object.hasOwn(environments, environment)) {
    add(unknownEnvironment(environment, Object.keys(environments), source, file));
  }
  const { environments: _, ...withoutEnvironments } = base;
  let resolved: Record<string, unknown> = base;
  const names = environment === undefined ? Object.keys(environments) : [environment];
  for (const name of names) {
    const overlay = environments[name];
    if (!isPlainObject(overlay)) continue;
    const merged = deepMerge(structuredClone(withoutEnvironments), overlay);
    for (const issue of [...checkSchema(merged), ...checkSemantics(merged)]) {
      const problem = placeInEnvironment(issue, name, source, file);
      add(
        { ...problem, message: `${problem.message}, with environment ${name} applied` },
        `${problem.line}:${problem.column}:${problem.message}`,
      );
    }
    if (name === environment) resolved = merged;
  }

  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return problems.length > 0 ? { problems } : { config: resolved as unknown as ReleaseConfig, problems };
}

function placeInBase(issue: Issue, source: SourceMap, file: string): ConfigProblem {
  const { line, column } = source.locate(issue.path, issue.target);
  return { file, line, column, path: dottedPath(issue.path), message: issue.message, hint: issue.hint };
}

/**
 * A problem of the merged configuration belongs to the overlay when the overlay set the value (or
 * replaced a list or scalar on the way to it), or reaches deeper towards it than the base does.
 */
function placeInEnvironment(issue: Issue, name: string, source: SourceMap, file: string): ConfigProblem {
  const overlayPath = ['environments', name, ...issue.path];
  const inOverlay = source.locate(overlayPath, issue.target);
  const inBase = source.locate(issue.path, issue.target);
  const overlayDepth = inOverlay.depth - 2;
  const fromOverlay =
    overlayDepth === issue.path.length ||
    (overlayDepth > 0 && !inOverlay.endsInMap) ||
    overlayDepth > inBase.depth;
  const where = fromOverlay ? inOverlay : inBase;
  return {
    file,
    line: where.line,
    column: where.column,
    path: dottedPath(fromOverlay ? overlayPath : issue.path),
    message: issue.message,
    hint: issue.hint,
  };
}

function unknownEnvironment(name: string, known: string[], source: SourceMap, file: string): ConfigProblem {
  const { line, column } = source.locate(['environments'], 'key');
  return {
    file,
    line,
    column,
    path: 'environments',
    message: `unknown environment '${name}'`,
    hint:
      known.length > 0
        ? `the file defines: ${known.join(', ')}`
        : 'the file defines no environments; add environments.<name> or leave out the environment',
  };
}
