// The Logger of src/log.ts writing to the Actions runner: workflow commands, collapsible groups.
import * as core from '@actions/core';
import type { Logger } from '../log.js';

export const coreLogger: Logger = {
  info: (message) => core.info(message),
  warn: (message) => core.warning(message),
  error: (message) => core.error(message),
  debug: (message) => core.debug(message),
  group: (name, fn) => core.group(name, fn),
};
