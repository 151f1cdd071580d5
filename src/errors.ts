// Mistakes a user can fix are UserErrors: printed as a plain message with a hint, no stack trace.
// Anything else is a bug in release-kit and is reported with its stack.

export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export const isUserError = (e: unknown): e is UserError => e instanceof UserError;

/** One line for a user: the message and, when there is one, what to do about it. */
export function describeError(e: unknown): string {
  if (e instanceof UserError) return e.hint ? `${e.message} (${e.hint})` : e.message;
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
