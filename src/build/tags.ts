// Which tags and OCI labels an image gets, from the git checkout it is built from (pure).
// Tags follow the docker/metadata-action conventions the composite action uses: `sha-<7>`, the branch
// name made tag-safe, and for a `vX.Y.Z` tag on HEAD `X.Y.Z` plus `X.Y` (not for pre-releases).
import { UserError } from '../errors.js';
import { TAG } from './image-ref.js';

export interface GitInfo {
  sha?: string;
  branch?: string;
  /** A tag pointing exactly at HEAD. */
  tag?: string;
  /** Committer time of HEAD, seconds since the epoch. */
  commitTime?: number;
  /** Origin URL, reported as the image source when it is a public https URL. */
  remoteUrl?: string;
}

const SEMVER = /^v?(?<major>0|[1-9]\d*)\.(?<minor>0|[1-9]\d*)\.(?<patch>0|[1-9]\d*)(?<pre>-[0-9A-Za-z.-]+)?$/;

/** A branch name as a valid tag: characters outside [A-Za-z0-9_.-] become '-', at most 128. */
export function tagFromBranch(branch: string): string | undefined {
  const tag = branch
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128);
  return TAG.test(tag) ? tag : undefined;
}

export interface TagInputs {
  /** Tags the user named (`--tag`); when given they are the only ones. */
  explicit: string[];
  git: GitInfo;
  /** The tag the config names for the image ("latest"), used when neither of the above yields one. */
  fallback?: string;
}

export function computeTags({ explicit, git, fallback }: TagInputs): string[] {
  if (explicit.length > 0) {
    const bad = explicit.filter((t) => !TAG.test(t));
    if (bad.length > 0) {
      throw new UserError(
        `invalid tag(s): ${bad.map((t) => JSON.stringify(t)).join(', ')}`,
        'a tag is 1-128 characters of letters, digits, _ . - and does not start with . or -',
      );
    }
    return unique(explicit);
  }
  const tags: string[] = [];
  const version = git.tag ? SEMVER.exec(git.tag)?.groups : undefined;
  if (version) {
    tags.push(`${version.major}.${version.minor}.${version.patch}${version.pre ?? ''}`);
    if (!version.pre) tags.push(`${version.major}.${version.minor}`);
  }
  const branch = git.branch ? tagFromBranch(git.branch) : undefined;
  if (branch) tags.push(branch);
  if (git.sha) tags.push(`sha-${git.sha.slice(0, 7)}`);
  if (tags.length === 0 && fallback) tags.push(fallback);
  if (tags.length === 0) {
    throw new UserError(
      'no tag to push: not a git checkout and the config names no tag',
      'pass --tag <tag> (repeatable)',
    );
  }
  return unique(tags);
}

/** OCI annotation labels (image-spec "Pre-Defined Annotation Keys"). Deterministic, so rebuilds match. */
export function ociLabels(git: GitInfo, title: string, version: string): Record<string, string> {
  const labels: Record<string, string> = {
    'org.opencontainers.image.title': title,
    'org.opencontainers.image.version': version,
  };
  if (git.sha) labels['org.opencontainers.image.revision'] = git.sha;
  if (git.commitTime !== undefined) {
    labels['org.opencontainers.image.created'] = new Date(git.commitTime * 1000).toISOString();
  }
  const source = git.remoteUrl ? publicSourceUrl(git.remoteUrl) : undefined;
  if (source) labels['org.opencontainers.image.source'] = source;
  return labels;
}

// Only https URLs without credentials are published in an image; ssh remotes become their https form.
function publicSourceUrl(remote: string): string | undefined {
  const ssh = /^git@([^:]+):(.+?)(?:\.git)?$/.exec(remote);
  if (ssh) return `https://${ssh[1]}/${ssh[2]}`;
  try {
    const url = new URL(remote);
    if (url.protocol !== 'https:') return undefined;
    return `https://${url.host}${url.pathname.replace(/\.git$/, '')}`;
  } catch {
    return undefined;
  }
}

const unique = (items: string[]): string[] => [...new Set(items)];
