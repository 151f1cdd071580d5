// The release-kit command. Each subcommand lives in src/cli/<name>.ts and is listed in `commands`.
// Exit codes: 0 success, 1 invalid input (user error), 2 internal error or a failed release;
// a command may document more (verify: 3 fail, 4 inconclusive).
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerBackup } from './cli/backup.js';
import { registerBuild } from './cli/build.js';
import { registerDemo } from './cli/demo.js';
import { registerDeploy } from './cli/deploy.js';
import { CliExit, type CommandRegistrar } from './cli/exit.js';
import { registerPlan } from './cli/plan.js';
import { registerRender } from './cli/render.js';
import { registerRepair } from './cli/repair.js';
import { registerRestore } from './cli/restore.js';
import { registerRollback } from './cli/rollback.js';
import { registerSandbox } from './cli/sandbox.js';
import { registerValidate } from './cli/validate.js';
import { registerVerify } from './cli/verify.js';
import { describeError, isUserError } from './errors.js';
import { log } from './log.js';

const commands: CommandRegistrar[] = [
  registerBuild,
  registerValidate,
  registerPlan,
  registerRender,
  registerSandbox,
  registerDeploy,
  registerDemo,
  registerVerify,
  registerRollback,
  registerRepair,
  registerBackup,
  registerRestore,
];

export function buildProgram(): Command {
  const program = new Command('release-kit')
    .description(
      'Release pipeline of the memory system: validate, build, deploy in waves, verify, roll back, back up, restore.',
    )
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

/** Runs the CLI and returns its exit code; never calls process.exit, so tests can drive it in-process. */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CliExit) return e.code;
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    if (isUserError(e)) {
      log.error(describeError(e));
      return 1;
    }
    log.error(`internal error (a bug in release-kit, please report it): ${describeError(e)}`);
    return 2;
  }
}

const invokedDirectly = process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) process.exitCode = await runCli(process.argv.slice(2));
