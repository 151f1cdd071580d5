#!/usr/bin/env node
// The backup runner the backup and restore Jobs start (and operators run locally): `backup <store>
// [options]` and `backup restore <store> --snapshot ID [options]`. A TypeScript entry point rather than a
// .mjs zx script, so that the store logic it calls in src/backup/ is typed and unit-tested, and so one
// esbuild bundle (scripts/backup/bundle.mjs) carries it and its dependencies into the backup image without
// node_modules. Prints the result as one JSON line on stdout; logs go to stderr. Exit codes: 0 done, 1 bad
// input or a failure the user can fix, 2 a bug.
import { runStoreRestore } from '../../src/backup/restore-run.js';
import { parseRestoreArgs, restoreUsage } from '../../src/backup/restore-settings.js';
import { runBackup } from '../../src/backup/run.js';
import { parseRunnerArgs, runnerUsage } from '../../src/backup/runner-settings.js';
import { describeError, isUserError } from '../../src/errors.js';

async function run(argv: string[]): Promise<unknown> {
  if (argv[0] === 'restore') return runStoreRestore(parseRestoreArgs(argv.slice(1), process.env));
  return runBackup(parseRunnerArgs(argv, process.env));
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.length === 0) {
    process.stdout.write(`${argv[0] === 'restore' ? restoreUsage : `${runnerUsage}\n${restoreUsage}`}\n`);
    return argv.length ? 0 : 1;
  }
  try {
    process.stdout.write(`${JSON.stringify(await run(argv))}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(
      `error: ${isUserError(e) ? describeError(e) : `internal error: ${describeError(e)}`}\n`,
    );
    return isUserError(e) ? 1 : 2;
  }
}

process.exitCode = await main();
