// `auto` picks docker buildx when a Docker engine answers, and daemonless buildah otherwise.
import { execa } from 'execa';
import { UserError } from '../../errors.js';
import { buildah } from './buildah.js';
import { docker } from './docker.js';
import type { Builder, BuilderChoice } from './types.js';

const PROBE_TIMEOUT_MS = 10_000;

const answers = async (file: string, args: string[]): Promise<boolean> => {
  const r = await execa(file, args, { reject: false, timeout: PROBE_TIMEOUT_MS });
  return r.exitCode === 0;
};

/** A Docker engine that answers, with the buildx plugin. */
export const dockerBuildxAvailable = async (): Promise<boolean> =>
  (await answers('docker', ['info', '--format', '{{.ServerVersion}}'])) &&
  (await answers('docker', ['buildx', 'version']));

export const buildahAvailable = (): Promise<boolean> => answers('buildah', ['--version']);

export async function selectBuilder(
  choice: BuilderChoice,
  probes = { dockerBuildxAvailable, buildahAvailable },
): Promise<Builder> {
  if (choice === 'docker' || choice === 'auto') {
    if (await probes.dockerBuildxAvailable()) return docker;
    if (choice === 'docker') {
      throw new UserError(
        'no Docker engine with buildx answers (`docker info` / `docker buildx version` failed)',
        'start Docker and install the buildx plugin, or use --builder buildah',
      );
    }
  }
  if (await probes.buildahAvailable()) return buildah;
  throw new UserError(
    choice === 'buildah'
      ? 'buildah is not installed or does not run'
      : 'no image builder: no Docker engine with buildx answers and buildah is not installed',
    'install buildah (apt-get install buildah) or Docker with buildx',
  );
}
