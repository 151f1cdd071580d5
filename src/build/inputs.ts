// Checks on disk that every target can be built, before anything is built or pushed.
import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { UserError } from '../errors.js';
import type { BuildTarget } from './targets.js';

export interface ReadyTarget extends BuildTarget {
  containerfile: string;
}

/** Picks each target's Containerfile; one error lists every missing context or Containerfile. */
export async function checkBuildInputs(targets: BuildTarget[]): Promise<ReadyTarget[]> {
  const problems: string[] = [];
  const ready: ReadyTarget[] = [];
  for (const target of targets) {
    if (!(await isDirectory(target.context))) {
      problems.push(`${target.component}: build context ${target.context} is not a directory`);
      continue;
    }
    let containerfile: string | undefined;
    for (const candidate of target.containerfiles) {
      if (await isFile(candidate)) {
        containerfile = candidate;
        break;
      }
    }
    if (!containerfile) {
      const names = target.containerfiles.map((f) => relative(target.context, f) || f).join(' or ');
      problems.push(`${target.component}: no ${names} in ${target.context}`);
      continue;
    }
    ready.push({ ...target, containerfile });
  }
  if (problems.length > 0) {
    throw new UserError(
      `cannot build ${problems.length} image(s), nothing was built or pushed:\n  ${problems.join('\n  ')}`,
      'build.context is relative to the config file; build.containerfile is relative to the context',
    );
  }
  return ready;
}

const isDirectory = (p: string) =>
  stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
const isFile = (p: string) =>
  stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
