import { UserError } from '../../errors.js';

/** A failed build or push as a user error carrying the tool's last output lines (what the user must fix). */
export function toolFailure(
  what: string,
  result: { exitCode?: number; stderr?: unknown },
  hint: string,
): UserError {
  const tail = String(result.stderr ?? '')
    .trim()
    .split('\n')
    .slice(-8)
    .join('\n    ');
  return new UserError(`${what} failed (exit ${result.exitCode ?? '?'}):\n    ${tail}`, hint);
}
