// Action inputs as typed values. Each action reads all of its inputs once, into a settings object,
// before doing anything, so a mistyped input fails the step at once with a message naming it.
import * as core from '@actions/core';
import { UserError } from '../errors.js';

/** The input's value; a missing or blank input is a UserError naming it. */
export function getRequiredInput(name: string): string {
  const value = core.getInput(name).trim();
  if (value === '') {
    throw new UserError(`the input '${name}' is required`, `set it under "with:" in the workflow step`);
  }
  return value;
}

/** The input's value, or undefined when it is missing or blank. */
export function getOptionalInput(name: string): string | undefined {
  const value = core.getInput(name).trim();
  return value === '' ? undefined : value;
}

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

/** true/false as YAML 1.2 writes them; `fallback` when the input is missing. Anything else is a UserError. */
export function getBooleanInput(name: string, fallback: boolean): boolean {
  const value = getOptionalInput(name);
  if (value === undefined) return fallback;
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw new UserError(
    `the input '${name}' must be true or false, got '${value}'`,
    `write ${name}: true or ${name}: false`,
  );
}
