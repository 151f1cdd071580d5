// Paths to the real tools the tests drive. A missing tool fails the test loudly: CI installs them all
// (.ci/run), so a skip would only hide a broken setup.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';

export type HelmMajor = 3 | 4;
export const helmMajors: HelmMajor[] = [3, 4];

function cached(major: HelmMajor, name: 'helm' | 'kubectl'): string {
  const path = join(packageRoot(), '.cache', 'tools', `helm${major}`, name);
  if (!existsSync(path)) {
    execFileSync(process.execPath, [join(packageRoot(), 'scripts', 'helm-cache.mjs'), '--quiet']);
  }
  if (!existsSync(path)) {
    throw new Error(
      `${name} for helm ${major} is missing at ${path}: run \`npm ci\` (devDependencies helm3/helm4)`,
    );
  }
  return path;
}

/** The real helm binary of a major version (3.18.0 or 4.1.4), extracted from the npm aliases. */
export const helmBinary = (major: HelmMajor): string => cached(major, 'helm');
/** The kubectl shipped next to that helm. */
export const kubectlBinary = (major: HelmMajor = 4): string => cached(major, 'kubectl');

/** Absolute path of a system binary (prometheus, promtool, restic, redis-server, nginx, buildah…), or a loud failure. */
export function systemBinary(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin'])) {
    const path = join(dir, name);
    if (dir && existsSync(path)) return path;
  }
  throw new Error(
    `${name} is not installed: .ci/run installs it with apt-get (see README, "Running the tests")`,
  );
}
