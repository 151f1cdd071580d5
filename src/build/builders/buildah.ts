// Daemonless builds with buildah. Storage follows buildah's own configuration (CONTAINERS_STORAGE_CONF,
// STORAGE_DRIVER); isolation defaults to chroot, which needs no runtime such as runc and works in CI containers.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { toolFailure } from './failure.js';
import type { Builder, BuildRequest, BuildResult } from './types.js';

/** buildah build arguments for one target (pure). `--layers` keeps layers as the cache for the next build. */
export function buildahBuildArgs(request: BuildRequest, iidFile: string): string[] {
  const { target } = request;
  return [
    'build',
    '--layers',
    '--timestamp',
    String(request.sourceDateEpoch),
    '--iidfile',
    iidFile,
    '--file',
    target.containerfile,
    ...target.tags.flatMap((t) => ['--tag', t]),
    ...Object.entries(target.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    ...Object.entries(target.buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
    target.context,
  ];
}

export function buildahPushArgs(
  request: BuildRequest,
  image: string,
  tag: string,
  digestFile: string,
): string[] {
  return [
    'push',
    ...(request.insecure ? ['--tls-verify=false'] : []),
    ...(request.authFile ? ['--authfile', request.authFile] : []),
    '--digestfile',
    digestFile,
    image,
    `docker://${tag}`,
  ];
}

export const buildah: Builder = {
  name: 'buildah',
  async build(request: BuildRequest): Promise<BuildResult> {
    const { target } = request;
    const work = await mkdtemp(join(tmpdir(), 'release-kit-buildah-'));
    // chroot unless the user chose an isolation for buildah themselves.
    const env = { BUILDAH_ISOLATION: process.env.BUILDAH_ISOLATION ?? 'chroot' };
    try {
      const iidFile = join(work, 'iid');
      const built = await execa('buildah', buildahBuildArgs(request, iidFile), { env, reject: false });
      if (built.exitCode !== 0) {
        throw toolFailure(
          `buildah build of ${target.component} (${target.containerfile})`,
          built,
          'fix the Containerfile or the build context; nothing was pushed',
        );
      }
      const imageId = (await readFile(iidFile, 'utf8')).trim();
      if (!request.push) return { imageId };
      let pushedDigest: string | undefined;
      for (const [i, tag] of target.tags.entries()) {
        const digestFile = join(work, `digest-${i}`);
        const pushed = await execa('buildah', buildahPushArgs(request, imageId, tag, digestFile), {
          env,
          reject: false,
        });
        if (pushed.exitCode !== 0) {
          throw toolFailure(
            `buildah push of ${tag}`,
            pushed,
            'check the registry, its credentials and your push rights',
          );
        }
        const digest = (await readFile(digestFile, 'utf8')).trim();
        // Every tag carries the same manifest; a different digest would mean the registry rewrote it.
        if (pushedDigest && digest !== pushedDigest) {
          throw new Error(`push of ${tag} gave digest ${digest}, but ${target.tags[0]} gave ${pushedDigest}`);
        }
        pushedDigest = digest;
      }
      return { imageId, pushedDigest };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
};
