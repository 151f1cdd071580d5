// What a cluster-side backup or restore works on: the in-cluster stores of the release configuration (a
// managed `external` store is backed up by its provider), the label its snapshots carry, and the repository.
import type { ReleaseConfig } from '../../config/types.js';
import { UserError } from '../../errors.js';
import { Restic } from '../restic.js';

/**
 * The env=<label> of the snapshots: the namespace, which is also what the chart's CronJobs tag them with
 * (backup.environment defaults to the release namespace), so the CLI and the Jobs agree without knowing the
 * environment's name.
 */
export const environmentLabel = (config: ReleaseConfig): string => config.namespace;

export const backupCronJob = (store: string): string => `${store}-backup`;
export const restoreCronJob = (store: string): string => `${store}-restore`;

/** The in-cluster stores, or the `only` ones (each must be one of them). */
export function selectStores(config: ReleaseConfig, only?: readonly string[]): string[] {
  const inCluster = Object.entries(config.stores)
    .filter(([, s]) => !s.external)
    .map(([name]) => name)
    .sort();
  if (!only?.length) return inCluster;
  const unknown = only.filter((s) => !inCluster.includes(s));
  if (unknown.length) {
    const external = unknown.filter((s) => config.stores[s]?.external);
    throw new UserError(
      `store ${unknown.map((s) => `"${s}"`).join(', ')} ${
        external.length === unknown.length
          ? 'is managed (external): its provider backs it up, release-kit does not'
          : 'is not an in-cluster store of the configuration'
      }`,
      `choose from: ${inCluster.join(', ') || '(none)'}`,
    );
  }
  return [...new Set(only)].sort();
}

/** `a,b` -> ['a', 'b'] (blanks dropped). */
export const parseList = (text: string | undefined): string[] | undefined =>
  text
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The restic repository the CLI reads: RESTIC_REPOSITORY (else backup.repository.url) and RESTIC_PASSWORD from
 * the environment; the password is never read from a file or argv.
 */
export function repositoryFromEnvironment(
  config: ReleaseConfig,
  env: Record<string, string | undefined>,
  resticBinary?: string,
): Restic {
  const repository = env.RESTIC_REPOSITORY || config.backup.repository.url;
  const password = env.RESTIC_PASSWORD;
  if (!password) {
    throw new UserError(
      'RESTIC_PASSWORD is not set',
      `export the repository password (the secret ${config.backup.repository.password_secret} holds it) as RESTIC_PASSWORD`,
    );
  }
  const passthrough = Object.fromEntries(
    Object.entries(env).filter(
      (e): e is [string, string] =>
        e[1] !== undefined && /^(AWS_|B2_|AZURE_|GOOGLE_|RESTIC_CACHE_DIR$|OS_)/.test(e[0]),
    ),
  );
  return new Restic({
    repository,
    password,
    env: passthrough,
    ...(resticBinary ? { binary: resticBinary } : {}),
    ...(env.RESTIC_CACHE_DIR ? { cacheDir: env.RESTIC_CACHE_DIR } : {}),
  });
}
