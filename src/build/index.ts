// Builds the service images of a release config and (with push) pushes them, reads each digest
// back from the registry and returns the images map deploy pins by. Every check that can fail on
// user input (components, Containerfiles, registry reachable, credentials) runs before the first build.
import { dirname, resolve } from 'node:path';
import type { ReleaseConfig } from '../config/types.js';
import { UserError } from '../errors.js';
import { log } from '../log.js';
import { selectBuilder } from './builders/detect.js';
import type { BuilderChoice, BuilderName } from './builders/types.js';
import { type Credentials, resolveCredentials, writePrivateAuthFile } from './credentials.js';
import { readGitInfo } from './git.js';
import type { BuildReport } from './image-map.js';
import { checkBuildInputs, type ReadyTarget } from './inputs.js';
import { readRemoteDigest } from './readback.js';
import { checkRegistryAccess } from './registry.js';
import type { GitInfo } from './tags.js';
import { planBuildTargets } from './targets.js';

export type { ActionSlot } from './action-plan.js';
export { ACTION_SLOTS, actionSlots, assembleReport, parseActionPlan } from './action-plan.js';
export type { BuilderChoice } from './builders/types.js';
export type { BuildReport, ImageMap } from './image-map.js';
export { parseImageMap, splitPinnedImage } from './image-map.js';
export type { ReadyTarget } from './inputs.js';

export interface BuildOptions {
  configFile: string;
  components?: string[];
  registry?: string;
  tags?: string[];
  push: boolean;
  builder: BuilderChoice;
  env?: NodeJS.ProcessEnv;
}

export interface BuildOutcome {
  builder: BuilderName;
  built: { component: string; imageId?: string; tags: string[] }[];
  /** Present when pushed. */
  report?: BuildReport;
}

/** Resolves and checks the targets without building (used by --plan-only and before every build). */
export async function prepareTargets(
  config: ReleaseConfig,
  options: BuildOptions,
  git?: GitInfo,
): Promise<ReadyTarget[]> {
  git ??= await readGitInfo(dirname(resolve(options.configFile)));
  const targets = planBuildTargets(config, {
    configFile: options.configFile,
    components: options.components,
    registry: options.registry,
    tags: options.tags,
    git,
  });
  return checkBuildInputs(targets);
}

export async function buildImages(config: ReleaseConfig, options: BuildOptions): Promise<BuildOutcome> {
  const env = options.env ?? process.env;
  const git = await readGitInfo(dirname(resolve(options.configFile)));
  const targets = await prepareTargets(config, options, git);
  const sourceDateEpoch = sourceDateEpochOf(git, env);
  const builder = await selectBuilder(options.builder);
  log.info(`builder: ${builder.name}; images: ${targets.map((t) => t.component).join(', ')}`);

  const access = new Map<string, { insecure: boolean; authFile?: string }>();
  const removers: (() => Promise<void>)[] = [];
  try {
    if (options.push) {
      for (const registry of new Set(targets.map((t) => t.registry))) {
        const credentials: Credentials | undefined = await resolveCredentials(registry, env);
        const { insecure } = await checkRegistryAccess(registry, credentials);
        let authFile: string | undefined;
        if (credentials) {
          const file = await writePrivateAuthFile(registry, credentials);
          removers.push(file.remove);
          authFile = file.path;
        }
        access.set(registry, { insecure, authFile });
      }
    }
    const outcome: BuildOutcome = { builder: builder.name, built: [] };
    const report: BuildReport = { images: {}, tags: {} };
    for (const target of targets) {
      await log.group(`build ${target.component} (${target.tags[0]})`, async () => {
        const reg = access.get(target.registry) ?? { insecure: false };
        const result = await builder.build({ target, push: options.push, sourceDateEpoch, ...reg });
        outcome.built.push({ component: target.component, imageId: result.imageId, tags: target.tags });
        if (!options.push) return;
        const served = await readRemoteDigest(target.tags[0] as string, reg);
        if (result.pushedDigest && result.pushedDigest !== served) {
          throw new Error(
            `${target.tags[0]}: the registry serves ${served}, but the push reported ${result.pushedDigest}`,
          );
        }
        report.images[target.component] = `${target.name}@${served}`;
        report.tags[target.component] = target.tags;
        log.info(`pushed ${target.name}@${served}`);
      });
    }
    if (options.push) outcome.report = report;
    return outcome;
  } finally {
    for (const remove of removers) await remove();
  }
}

// SOURCE_DATE_EPOCH (reproducible-builds.org) wins; else the commit time of HEAD; else 0.
function sourceDateEpochOf(git: GitInfo, env: NodeJS.ProcessEnv): number {
  const fromEnv = env.SOURCE_DATE_EPOCH;
  if (fromEnv === undefined || fromEnv === '') return git.commitTime ?? 0;
  if (!/^\d+$/.test(fromEnv)) {
    throw new UserError(
      `SOURCE_DATE_EPOCH="${fromEnv}" is not a number of seconds`,
      'unset it or set e.g. 0',
    );
  }
  return Number(fromEnv);
}
