// The images map: what `build` produces and `deploy` consumes, so what was verified is what runs.
// A map from component name to an image pinned by digest ("registry/name@sha256:<64 hex>"); the tags
// pushed alongside live in a separate field because deploy must never pin by a movable tag.
import { UserError } from '../errors.js';

export type ImageMap = Record<string, string>;

/** What `release-kit build --out` writes; `parseImageMap` also accepts a bare ImageMap. */
export interface BuildReport {
  images: ImageMap;
  /** Component -> every full tag reference pushed for it. */
  tags: Record<string, string[]>;
}

export const DIGEST = /^sha256:[0-9a-f]{64}$/;
const PINNED = /^(?<name>[a-z0-9][a-z0-9._:/-]*[a-z0-9])@(?<digest>sha256:[0-9a-f]{64})$/;

/** Splits "registry/name@sha256:…" into its name and digest, or undefined when it is not pinned. */
export function splitPinnedImage(ref: string): { name: string; digest: string } | undefined {
  const m = PINNED.exec(ref);
  return m?.groups ? { name: m.groups.name as string, digest: m.groups.digest as string } : undefined;
}

export const pinImage = (name: string, digest: string): string => `${name}@${digest}`;

/**
 * Parses an images map from JSON text (a bare map, or a build report with an `images` field).
 * `source` names where the text came from (a file, an action input) for the error messages.
 * Component names are not checked here: callers check them against their config.
 */
export function parseImageMap(text: string, source: string): ImageMap {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UserError(
      `${source}: the images map is not valid JSON (${(e as Error).message})`,
      'expected {"<component>": "<registry>/<name>@sha256:<64 hex>", …}, as `release-kit build` writes it',
    );
  }
  if (isObject(data) && isObject(data.images)) data = data.images;
  if (!isObject(data)) {
    throw new UserError(
      `${source}: the images map must be a JSON object of component names to pinned images`,
      'expected {"<component>": "<registry>/<name>@sha256:<64 hex>", …}',
    );
  }
  const problems: string[] = [];
  const map: ImageMap = {};
  for (const [component, ref] of Object.entries(data)) {
    if (typeof ref !== 'string') {
      problems.push(`${component}: expected a string, got ${ref === null ? 'null' : typeof ref}`);
    } else if (!splitPinnedImage(ref)) {
      const why = ref.includes('@')
        ? 'the digest is not sha256:<64 lowercase hex>'
        : 'it has no @sha256 digest';
      problems.push(`${component}: "${ref}" is not pinned by digest (${why})`);
    } else {
      map[component] = ref;
    }
  }
  if (problems.length > 0) {
    throw new UserError(
      `${source}: ${problems.length} invalid image reference(s):\n  ${problems.join('\n  ')}`,
      'each value must be <registry>/<name>@sha256:<64 hex>; tags go in the separate "tags" field',
    );
  }
  if (Object.keys(map).length === 0) {
    throw new UserError(`${source}: the images map is empty`, 'build at least one component, or pass no map');
  }
  return map;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
