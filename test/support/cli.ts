// Runs the release-kit CLI from source in a child process, as a user would from a terminal.
import { join } from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../../src/util/paths.js';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runReleaseKit(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeout?: number } = {},
): Promise<CliResult> {
  const root = packageRoot();
  // Resolve tsx from release-kit itself, so tests may run the CLI from any working directory.
  const tsx = import.meta.resolve('tsx');
  const result = await execa(process.execPath, ['--import', tsx, join(root, 'src', 'cli.ts'), ...args], {
    cwd: options.cwd ?? root,
    env: { ...options.env, FORCE_COLOR: '0' },
    reject: false,
    timeout: options.timeout ?? 120_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}
