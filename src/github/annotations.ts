// Problems in a user's files become annotations on the lines of the pull request or commit.
import { isAbsolute, relative } from 'node:path';
import * as core from '@actions/core';
import type { ConfigProblem } from '../config/problems.js';

/** GitHub attaches an annotation to a file by its path relative to the repository root (the workspace). */
export function workspacePath(file: string, workspace = process.env.GITHUB_WORKSPACE): string {
  if (!workspace || !isAbsolute(file)) return file;
  const inside = relative(workspace, file);
  return inside.startsWith('..') || isAbsolute(inside) ? file : inside;
}

/** One error annotation per problem, at its file, line and column. */
export function annotateProblems(problems: readonly ConfigProblem[], title: string): void {
  for (const p of problems) {
    const where = p.path ? `${p.path}: ` : '';
    const hint = p.hint ? ` (${p.hint})` : '';
    core.error(`${where}${p.message}${hint}`, {
      title,
      file: workspacePath(p.file),
      startLine: p.line,
      startColumn: p.column,
    });
  }
}
