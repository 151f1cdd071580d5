import type { Command } from 'commander';

/** Adds one subcommand to the program. */
export type CommandRegistrar = (program: Command) => void;

/** Thrown by a command to end with a specific exit code after it has reported why. */
export class CliExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
