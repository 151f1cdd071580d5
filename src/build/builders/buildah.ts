// Daemonless builds with buildah. Storage follows buildah's own configuration (CONTAINERS_STORAGE_CONF,
// STORAGE_DRIVER); isolation defaults to chroot, which needs no runtime such as runc and works in CI containers.
// A built image stays in that storage until its push, which uploads only the layers the registry lacks.
import { readFile } from 'node:fs/promises';
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

// chroot unless the user chose an isolation for buildah themselves.
const buildahEnv = () => ({ BUILDAH_ISOLATION: process.env.BUILDAH_ISOLATION ?? 'chroot' });

export const buildah: Builder = {
  name: 'buildah',
  async build(request: BuildRequest): Promise<BuildResult> {
    const { target } = request;
    const iidFile = join(request.workDir, `${target.component}.iid`);
    const built = await execa('buildah', buildahBuildArgs(request, iidFile), {
      env: buildahEnv(),
      reject: false,
    });
    if (built.exitCode !== 0) {
      throw toolFailure(
        `buildah build of ${target.component} (${target.containerfile})`,
        built,
        'fix the Containerfile or the build context; nothing was pushed',
      );
    }
    return { imageId: (await readFile(iidFile, 'utf8')).trim() };
  },

  async push(request: BuildRequest, image: BuildResult, tag: string): Promise<string> {
    const digestFile = join(request.workDir, `${request.target.component}.digest`);
    const pushed = await execa('buildah', buildahPushArgs(request, image.imageId, tag, digestFile), {
      env: buildahEnv(),
      reject: false,
    });
    if (pushed.exitCode !== 0) {
      throw toolFailure(
        `buildah push of ${tag}`,
        pushed,
        'check the registry, its credentials and your push rights',
      );
    }
    return (await readFile(digestFile, 'utf8')).trim();
  },
};
