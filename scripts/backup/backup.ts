#!/usr/bin/env node
// The backup runner the backup Jobs start (and operators run locally): `backup <store> [options]`.
// A TypeScript entry point rather than a .mjs zx script, so that the store logic it calls in
// src/backup/ is typed and unit-tested, and so one esbuild bundle (scripts/backup/bundle.mjs) carries
// it and its dependencies into the backup image without node_modules. Prints the result as one JSON
// line on stdout; logs go to stderr. Exit codes: 0 done, 1 bad input or a failure the user can fix,
// 2 a bug.
import { runBackup } from '../../src/backup/run.js';
import { parseRunnerArgs, runnerUsage } from '../../src/backup/runner-settings.js';
import { describeError, isUserError } from '../../src/errors.js';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.length === 0) {
    process.stdout.write(`${runnerUsage}\n`);
    return argv.length ? 0 : 1;
  }
  try {
    const result = await runBackup(parseRunnerArgs(argv, process.env));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(
      `error: ${isUserError(e) ? describeError(e) : `internal error: ${describeError(e)}`}\n`,
    );
    return isUserError(e) ? 1 : 2;
  }
}

process.exitCode = await main();
