// The plan: one Helm release per component of the release configuration, in waves.
import type { ComponentKind } from '../config/types.js';

/** Component name -> full image reference, usually `registry/name@sha256:…`; pins that release's image. */
export type ImageMap = Record<string, string>;

export interface PlannedRelease {
  component: string;
  kind: ComponentKind;
  /** `<config.name>-<component>`, a DNS-1123 label. */
  release: string;
  namespace: string;
  /** The umbrella chart installed by this release (with only this component enabled). */
  chart: string;
  /** The complete values handed to helm for this release. */
  values: Record<string, unknown>;
  /** 1-based index into Plan.waves. */
  wave: number;
  /** The image reference this release runs. */
  image: string;
}

export interface Plan {
  releases: PlannedRelease[];
  /** Component names per wave; a wave deploys after every earlier wave. */
  waves: string[][];
}
