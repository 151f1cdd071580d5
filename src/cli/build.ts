// `release-kit build`: build the service images, push them, and write the images map deploy pins by.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { Option } from 'commander';
import {
  actionSlots,
  assembleReport,
  type BuilderChoice,
  type BuildReport,
  buildImages,
  parseActionPlan,
  prepareTargets,
} from '../build/index.js';
import { loadReleaseConfig } from '../config/index.js';
import { UserError } from '../errors.js';
import { log } from '../log.js';
import type { CommandRegistrar } from './exit.js';

interface BuildFlags {
  config: string;
  environment?: string;
  registry?: string;
  tag: string[];
  component: string[];
  push?: boolean;
  builder: BuilderChoice;
  out?: string;
  planOnly?: boolean;
  fromPlan?: string;
  digests?: string;
}

const collect = (value: string, previous: string[]): string[] => [
  ...previous,
  ...value
    .split(/[\s,]+/)
    .map((v) => v.trim())
    .filter(Boolean),
];

export const registerBuild: CommandRegistrar = (program) => {
  program
    .command('build')
    .description(
      'Build the images of the components with a `build` section; with --push, once every image has built, push ' +
        'them, read each digest back from the registry and print the images map (component -> ' +
        'registry/name@sha256:…). A failed build pushes nothing; a failed push lists the images pushed (by digest) ' +
        'and not pushed, writes no map, and a rerun uploads only the layers the registry lacks. Credentials come ' +
        'from RELEASE_KIT_REGISTRY_USERNAME/RELEASE_KIT_REGISTRY_PASSWORD or the auth file REGISTRY_AUTH_FILE names.',
    )
    .option('-c, --config <file>', 'release configuration', 'release-kit.yaml')
    .option('-e, --environment <name>', 'environment overlay of the config')
    .option('--registry <host[:port]>', "registry to push to (overrides the config's `registry`)")
    .option(
      '--tag <tag>',
      'tag to push (repeatable; default: from git: X.Y.Z, X.Y, branch, sha-<7>)',
      collect,
      [],
    )
    .option('--component <name>', 'build only these components (repeatable or comma-separated)', collect, [])
    .option('--push', 'after every image has built, push them and report their digests')
    .addOption(
      new Option('--builder <builder>', 'docker buildx when a Docker engine answers, else buildah')
        .choices(['auto', 'docker', 'buildah'])
        .default('auto'),
    )
    .option(
      '--out <file>',
      'also write {"images": …, "tags": …} to this file once every push succeeded (needs --push)',
    )
    .option(
      '--plan-only',
      'print what each build step of the build-push action builds, as JSON; build nothing',
    )
    .option('--from-plan <file>', 'with --digests: assemble the images map from a plan and its build digests')
    .option('--digests <json>', 'JSON array of the digests the plan slots pushed, in plan order')
    .action(async (flags: BuildFlags) => {
      if (flags.fromPlan || flags.digests) return assemble(flags);
      if (flags.out && !flags.push && !flags.planOnly) {
        throw new UserError(
          '--out needs --push',
          'the images map holds registry digests, which exist only after a push',
        );
      }
      if (!existsSync(flags.config)) {
        throw new UserError(`config file ${flags.config} does not exist`, 'pass --config <file>');
      }
      const config = await loadReleaseConfig(flags.config, { environment: flags.environment });
      const options = {
        configFile: flags.config,
        components: flags.component,
        registry: flags.registry,
        tags: flags.tag,
        push: Boolean(flags.push),
        builder: flags.builder,
      };
      if (flags.planOnly) {
        const plan = JSON.stringify(actionSlots(await prepareTargets(config, options)));
        if (flags.out) await writeFile(flags.out, `${plan}\n`);
        process.stdout.write(`${plan}\n`);
        return;
      }
      const outcome = await buildImages(config, options);
      if (!outcome.report) {
        for (const b of outcome.built)
          log.info(`built ${b.component}: ${b.tags.join(', ')} (${b.imageId ?? '?'})`);
        return;
      }
      await emit(outcome.report, flags.out);
    });
};

async function assemble(flags: BuildFlags): Promise<void> {
  if (!flags.fromPlan || flags.digests === undefined) {
    throw new UserError('--from-plan and --digests go together', 'pass both, as actions/build-push does');
  }
  const slots = parseActionPlan(await readFile(flags.fromPlan, 'utf8'), flags.fromPlan);
  let digests: unknown;
  try {
    digests = JSON.parse(flags.digests);
  } catch {
    digests = undefined;
  }
  if (!Array.isArray(digests) || !digests.every((d) => typeof d === 'string')) {
    throw new UserError('--digests must be a JSON array of strings', 'e.g. ["sha256:…", "sha256:…"]');
  }
  await emit(assembleReport(slots, digests, flags.fromPlan), flags.out);
}

async function emit(report: BuildReport, out: string | undefined): Promise<void> {
  if (out) await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(report.images)}\n`);
}
