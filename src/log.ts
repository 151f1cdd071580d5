// The one logger facade: pipeline steps log through it; entry points choose where it writes
// (the terminal for the CLI, @actions/core in Actions) with setLogger().

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  /** Runs fn inside a named, collapsible group (a heading in the terminal). */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export const terminalLogger = (verbose = Boolean(process.env.RELEASE_KIT_DEBUG)): Logger => ({
  info: (m) => process.stderr.write(`${m}\n`),
  warn: (m) => process.stderr.write(`warning: ${m}\n`),
  error: (m) => process.stderr.write(`error: ${m}\n`),
  debug: (m) => {
    if (verbose) process.stderr.write(`debug: ${m}\n`);
  },
  group: async (name, fn) => {
    process.stderr.write(`== ${name}\n`);
    return fn();
  },
});

export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
  debug: () => {},
  group: (_name, fn) => fn(),
};

let current: Logger = terminalLogger();

export const log = {
  info: (m: string) => current.info(m),
  warn: (m: string) => current.warn(m),
  error: (m: string) => current.error(m),
  debug: (m: string) => current.debug(m),
  group: <T>(name: string, fn: () => Promise<T>) => current.group(name, fn),
};

export function setLogger(logger: Logger): void {
  current = logger;
}
