// BuildKit builds through `docker buildx` when a Docker engine answers: provenance and SBOM
// attestations, and a registry layer cache next to each image (`<name>:buildcache`).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { toolFailure } from './failure.js';
import type { Builder, BuildRequest, BuildResult } from './types.js';

/** docker buildx build arguments for one target (pure). */
export function dockerBuildArgs(request: BuildRequest, metadataFile: string): string[] {
  const { target, push } = request;
  const cache = `${target.name}:buildcache`;
  return [
    'buildx',
    'build',
    '--file',
    target.containerfile,
    ...target.tags.flatMap((t) => ['--tag', t]),
    ...Object.entries(target.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    ...Object.entries(target.buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
    '--metadata-file',
    metadataFile,
    // Attestations and the registry cache only exist on a push; a local build loads into the engine.
    ...(push
      ? [
          '--push',
          '--provenance=mode=max',
          '--sbom=true',
          '--cache-from',
          `type=registry,ref=${cache}`,
          '--cache-to',
          `type=registry,ref=${cache},mode=max`,
        ]
      : ['--load']),
    target.context,
  ];
}

export const docker: Builder = {
  name: 'docker',
  async build(request: BuildRequest): Promise<BuildResult> {
    const work = await mkdtemp(join(tmpdir(), 'release-kit-buildx-'));
    try {
      const metadataFile = join(work, 'metadata.json');
      const env: Record<string, string> = { SOURCE_DATE_EPOCH: String(request.sourceDateEpoch) };
      // The private auth file is a docker config.json; its folder serves as DOCKER_CONFIG.
      if (request.authFile) env.DOCKER_CONFIG = dirname(request.authFile);
      const built = await execa('docker', dockerBuildArgs(request, metadataFile), { env, reject: false });
      if (built.exitCode !== 0) {
        throw toolFailure(
          `docker buildx build of ${request.target.component} (${request.target.containerfile})`,
          built,
          'fix the Containerfile, the build context, or the registry access',
        );
      }
      const metadata = JSON.parse(await readFile(metadataFile, 'utf8')) as Record<string, string>;
      return {
        imageId: metadata['containerimage.config.digest'],
        pushedDigest: request.push ? metadata['containerimage.digest'] : undefined,
      };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
};
