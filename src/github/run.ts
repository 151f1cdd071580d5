// The frame of every action entry point: logs go to the runner, a user's mistake fails the step
// with its message and hint, and anything else (a bug) fails it with the stack trace.
import * as core from '@actions/core';
import { describeError, isUserError } from '../errors.js';
import { setLogger } from '../log.js';
import { coreLogger } from './logger.js';

export async function runAction(main: () => Promise<void>): Promise<void> {
  setLogger(coreLogger);
  try {
    await main();
  } catch (e) {
    if (isUserError(e)) core.setFailed(describeError(e));
    else core.setFailed(`internal error (a bug in release-kit, please report it): ${describeError(e)}`);
  }
}
