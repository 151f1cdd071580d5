// The composite action builds with docker/build-push-action, one step per slot (a composite action
// cannot loop over `uses:` steps). release-kit computes what each slot builds and, afterwards, turns
// the slots' digests into the images map (pure).
import { UserError } from '../errors.js';
import { type BuildReport, DIGEST, pinImage } from './image-map.js';
import type { ReadyTarget } from './inputs.js';

/** One build-push-action step's inputs, already in that action's input formats. */
export interface ActionSlot {
  component: string;
  /** Registry host the image goes to (the action logs in to it). */
  registry: string;
  name: string;
  context: string;
  file: string;
  /** Newline-separated full tag references. */
  tags: string;
  /** Newline-separated KEY=value. */
  'build-args': string;
}

/** How many build slots actions/build-push/action.yml has; a test keeps the two in step. */
export const ACTION_SLOTS = 6;

export function actionSlots(targets: ReadyTarget[]): ActionSlot[] {
  if (targets.length > ACTION_SLOTS) {
    throw new UserError(
      `the build-push action builds at most ${ACTION_SLOTS} images per step, and ${targets.length} were chosen`,
      'split them over two steps with the `components` input',
    );
  }
  return targets.map((t) => ({
    component: t.component,
    registry: t.registry,
    name: t.name,
    context: t.context,
    file: t.containerfile,
    tags: t.tags.join('\n'),
    'build-args': Object.entries(t.buildArgs)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  }));
}

/** The images map from the slots and the digests their build steps reported (one per slot, in order). */
export function assembleReport(slots: ActionSlot[], digests: string[], source: string): BuildReport {
  const report: BuildReport = { images: {}, tags: {} };
  for (const [i, slot] of slots.entries()) {
    const digest = digests[i] ?? '';
    if (!DIGEST.test(digest)) {
      throw new UserError(
        `${source}: build slot ${i} (${slot.component}) reported digest "${digest}", not sha256:<64 hex>`,
        'the build step of that component did not push; see its log',
      );
    }
    report.images[slot.component] = pinImage(slot.name, digest);
    report.tags[slot.component] = slot.tags.split('\n');
  }
  return report;
}

/** Parses a plan written by `release-kit build --plan-only` (a JSON array of slots). */
export function parseActionPlan(text: string, source: string): ActionSlot[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UserError(
      `${source}: the build plan is not valid JSON (${(e as Error).message})`,
      'write it with `release-kit build --plan-only`',
    );
  }
  const fields = ['component', 'registry', 'name', 'context', 'file', 'tags', 'build-args'] as const;
  const ok =
    Array.isArray(data) &&
    data.every((s) => typeof s === 'object' && s !== null && fields.every((f) => typeof s[f] === 'string'));
  if (!ok) {
    throw new UserError(
      `${source}: not a build plan (an array of slots with ${fields.join(', ')})`,
      'write it with `release-kit build --plan-only`',
    );
  }
  return data as ActionSlot[];
}
