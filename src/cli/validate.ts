// `release-kit validate`: checks a release configuration and lists every problem at its line.
import type { Command } from 'commander';
import { ConfigValidationError, formatProblem, listComponents, loadReleaseConfig } from '../config/index.js';
import { log } from '../log.js';
import { CliExit, type CommandRegistrar } from './exit.js';

interface ValidateCliOptions {
  config: string;
  env?: string;
  json?: boolean;
}

export const registerValidate: CommandRegistrar = (program: Command) => {
  program
    .command('validate')
    .description(
      'Validate a release configuration: schema, cron schedules, dependencies, sizes, environments.',
    )
    .option('-c, --config <file>', 'release configuration file', 'release.yaml')
    .option(
      '-e, --env <name>',
      'environment (an entry of environments) to merge over the base; default: check them all',
    )
    .option('--json', 'print the resolved configuration as JSON on stdout')
    .addHelpText(
      'after',
      '\nExit codes: 0 valid, 1 problems found (each printed as file:line:col: error: ...), 2 internal error.',
    )
    .action(async (options: ValidateCliOptions) => {
      try {
        const config = await loadReleaseConfig(options.config, { environment: options.env });
        const components = listComponents(config);
        const where = options.env ? ` (environment ${options.env})` : '';
        log.info(`OK: ${options.config}${where} is valid: ${components.map((c) => c.name).join(', ')}`);
        if (options.json) process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
      } catch (e) {
        if (!(e instanceof ConfigValidationError)) throw e;
        for (const problem of e.problems) log.info(formatProblem(problem));
        const n = e.problems.length;
        log.info(`${n} problem${n === 1 ? '' : 's'} in ${options.config}`);
        throw new CliExit(1);
      }
    });
};
