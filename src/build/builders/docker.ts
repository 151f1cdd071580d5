// BuildKit builds through `docker buildx` when a Docker engine answers: provenance and SBOM
// attestations, and a registry layer cache next to each image (`<name>:buildcache`).
// An image to push is written as an OCI layout (the only local output that keeps its attestations)
// and copied to the registry by skopeo once every image has built; the layer cache, which is no
// release tag, is exported while building.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { toolFailure } from './failure.js';
import type { Builder, BuildRequest, BuildResult } from './types.js';

/** Where the build of a target to push leaves its OCI layout for the push. */
export const ociLayoutOf = (request: BuildRequest): string =>
  join(request.workDir, `${request.target.component}.oci`);

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
    // Attestations and the registry cache are for images that get pushed; a local build loads into the engine.
    ...(push
      ? [
          '--output',
          `type=oci,dest=${ociLayoutOf(request)},tar=false`,
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

/** skopeo arguments copying the OCI layout, with its attestations (--all), to one tag (pure). */
export function dockerPushArgs(request: BuildRequest, tag: string, digestFile: string): string[] {
  return [
    'copy',
    '--all',
    ...(request.insecure ? ['--dest-tls-verify=false'] : []),
    ...(request.authFile ? ['--dest-authfile', request.authFile] : []),
    '--digestfile',
    digestFile,
    `oci:${ociLayoutOf(request)}`,
    `docker://${tag}`,
  ];
}

export const docker: Builder = {
  name: 'docker',
  async build(request: BuildRequest): Promise<BuildResult> {
    const metadataFile = join(request.workDir, `${request.target.component}.metadata.json`);
    const env: Record<string, string> = { SOURCE_DATE_EPOCH: String(request.sourceDateEpoch) };
    // The private auth file is a docker config.json; its folder serves as DOCKER_CONFIG (for the cache).
    if (request.authFile) env.DOCKER_CONFIG = dirname(request.authFile);
    const built = await execa('docker', dockerBuildArgs(request, metadataFile), { env, reject: false });
    if (built.exitCode !== 0) {
      throw toolFailure(
        `docker buildx build of ${request.target.component} (${request.target.containerfile})`,
        built,
        'fix the Containerfile, the build context, or the registry access of the layer cache; nothing was pushed',
      );
    }
    const metadata = JSON.parse(await readFile(metadataFile, 'utf8')) as Record<string, string>;
    const imageId = metadata['containerimage.config.digest'];
    if (!imageId) throw new Error(`docker buildx wrote no containerimage.config.digest to ${metadataFile}`);
    return { imageId };
  },

  async push(request: BuildRequest, _image: BuildResult, tag: string): Promise<string> {
    const digestFile = join(request.workDir, `${request.target.component}.digest`);
    const pushed = await execa('skopeo', dockerPushArgs(request, tag, digestFile), { reject: false });
    if (pushed.exitCode !== 0) {
      throw toolFailure(
        `skopeo copy to ${tag}`,
        pushed,
        'check the registry, its credentials and your push rights',
      );
    }
    return (await readFile(digestFile, 'utf8')).trim();
  },
};
