// The error of a push that failed after others may have succeeded: which images the registry now
// holds (by digest) and which it does not, so a user retries knowing the state.
import { UserError } from '../errors.js';

export interface PushState {
  /** Images pushed and read back, in push order: component and pinned reference. */
  pushed: { component: string; image: string }[];
  /** The image whose push failed (some of its tags may have reached the registry). */
  failed: string;
  /** Images after it, never pushed. */
  notPushed: string[];
}

export function partialPushError(state: PushState, cause: unknown): UserError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const total = state.pushed.length + 1 + state.notPushed.length;
  const lines = [
    `push of ${state.failed} failed: ${reason}`,
    state.pushed.length === 0
      ? `  pushed: none of the ${total} images`
      : `  pushed (${state.pushed.length} of ${total}):`,
    ...state.pushed.map((p) => `    ${p.component}: ${p.image}`),
    `  failed: ${state.failed} (some of its tags may be in the registry)`,
    ...(state.notPushed.length > 0 ? [`  not pushed: ${state.notPushed.join(', ')}`] : []),
    '  no images map was written',
  ];
  const fix = cause instanceof UserError && cause.hint ? `${cause.hint}; then ` : '';
  return new UserError(
    lines.join('\n'),
    `${fix}run the same command again: every image is pushed again, and the registry receives only the layers it lacks`,
  );
}
