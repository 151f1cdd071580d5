import type { ReadyTarget } from '../inputs.js';

export type BuilderName = 'buildah' | 'docker';
export type BuilderChoice = BuilderName | 'auto';

export interface BuildRequest {
  target: ReadyTarget;
  push: boolean;
  /** Private auth file (docker config format) for the target's registry, when it needs credentials. */
  authFile?: string;
  /** Plain-HTTP registry. */
  insecure: boolean;
  /** Timestamp written into the image (SOURCE_DATE_EPOCH), so an unchanged rebuild has the same digest. */
  sourceDateEpoch: number;
}

export interface BuildResult {
  /** Local image id (buildah) or config digest; for the report only. */
  imageId?: string;
  /** Manifest digest the registry acknowledged for the push. */
  pushedDigest?: string;
}

export interface Builder {
  readonly name: BuilderName;
  build(request: BuildRequest): Promise<BuildResult>;
}
