// Reads what the tags and labels need from the git checkout holding the build contexts.
import { execa } from 'execa';
import type { GitInfo } from './tags.js';

/** Git facts of the checkout containing `dir`; empty when `dir` is not in a git checkout or git is missing. */
export async function readGitInfo(dir: string): Promise<GitInfo> {
  const git = async (...args: string[]): Promise<string | undefined> => {
    const r = await execa('git', args, { cwd: dir, reject: false });
    return r.exitCode === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
  };
  const sha = await git('rev-parse', 'HEAD');
  if (!sha) return {};
  const [branch, tag, time, remoteUrl] = await Promise.all([
    // Undefined on a detached HEAD (CI checkouts): the action then takes its tags from docker/metadata-action.
    git('symbolic-ref', '--short', '-q', 'HEAD'),
    git('describe', '--tags', '--exact-match', 'HEAD'),
    git('show', '-s', '--format=%ct', 'HEAD'),
    git('remote', 'get-url', 'origin'),
  ]);
  return { sha, branch, tag, commitTime: time ? Number(time) : undefined, remoteUrl };
}
