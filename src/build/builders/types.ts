import type { ReadyTarget } from '../inputs.js';

export type BuilderName = 'buildah' | 'docker';
export type BuilderChoice = BuilderName | 'auto';

export interface BuildRequest {
  target: ReadyTarget;
  /** The image will be pushed after every build succeeded (docker keeps it for the push, see docker.ts). */
  push: boolean;
  /** Private auth file (docker config format) for the target's registry, when it needs credentials. */
  authFile?: string;
  /** Plain-HTTP registry. */
  insecure: boolean;
  /** Timestamp written into the image (SOURCE_DATE_EPOCH), so an unchanged rebuild has the same digest. */
  sourceDateEpoch: number;
  /** Scratch folder of the whole run: builds leave what their push needs here, until every push is done. */
  workDir: string;
}

export interface BuildResult {
  /** Local image id (buildah) or config digest (docker). */
  imageId: string;
}

/**
 * Building and pushing are separate so that every image is built before the first push: a build
 * failure then leaves the registry untouched.
 */
export interface Builder {
  readonly name: BuilderName;
  build(request: BuildRequest): Promise<BuildResult>;
  /** Pushes a built image under one tag; returns the manifest digest the registry acknowledged. */
  push(request: BuildRequest, image: BuildResult, tag: string): Promise<string>;
}
