import { UserError } from '../errors.js';
import type { HelmMajor } from './types.js';

export interface HelmVersion {
  /** As helm printed it, e.g. `v3.18.0`. */
  raw: string;
  major: HelmMajor;
  minor: number;
  patch: number;
}

/** Reads the output of `helm version --template {{.Version}}`; only helm 3 and 4 are supported. */
export function parseHelmVersion(output: string, binary: string): HelmVersion {
  const raw = output.trim();
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(raw);
  if (!m) {
    throw new UserError(
      `${binary} does not look like helm: \`version --template {{.Version}}\` printed ${JSON.stringify(raw.slice(0, 80))}`,
      'point --helm / helm-path at a helm 3.x or 4.x binary',
    );
  }
  const major = Number(m[1]);
  if (major !== 3 && major !== 4) {
    throw new UserError(
      `helm ${raw} at ${binary} is not supported`,
      'release-kit drives helm 3.x and 4.x: install one of them or pass its path with --helm / helm-path',
    );
  }
  return { raw, major, minor: Number(m[2]), patch: Number(m[3]) };
}
