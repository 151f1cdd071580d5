// Builds the service images of a release config and (with push) pushes them, reads each digest
// back from the registry and returns the images map deploy pins by. Every check that can fail on
// user input (components, Containerfiles, registry reachable, credentials) runs before the first build,
// and every image is built before the first push, so a broken build leaves the registry untouched.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { ReleaseConfig } from '../config/types.js';
import { UserError } from '../errors.js';
import { log } from '../log.js';
import { selectBuilder } from './builders/detect.js';
import type { Builder, BuilderChoice, BuilderName, BuildRequest, BuildResult } from './builders/types.js';
import { type Credentials, resolveCredentials, writePrivateAuthFile } from './credentials.js';
import { readGitInfo } from './git.js';
import type { BuildReport } from './image-map.js';
import { checkBuildInputs, type ReadyTarget } from './inputs.js';
import { partialPushError } from './push-failure.js';
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
  const workDir = await mkdtemp(join(tmpdir(), 'release-kit-build-'));
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
    const requests: BuildRequest[] = targets.map((target) => ({
      target,
      push: options.push,
      sourceDateEpoch,
      workDir,
      ...(access.get(target.registry) ?? { insecure: false }),
    }));
    const images: BuildResult[] = [];
    for (const request of requests) {
      const { component, tags } = request.target;
      images.push(await log.group(`build ${component} (${tags[0]})`, () => builder.build(request)));
    }
    const outcome: BuildOutcome = {
      builder: builder.name,
      built: targets.map((t, i) => ({ component: t.component, imageId: images[i]?.imageId, tags: t.tags })),
    };
    if (options.push) outcome.report = await pushAll(builder, requests, images);
    return outcome;
  } finally {
    for (const remove of removers) await remove();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Pushes the built images one by one, each read back; a failure reports what the registry now holds. */
async function pushAll(
  builder: Builder,
  requests: BuildRequest[],
  images: BuildResult[],
): Promise<BuildReport> {
  const report: BuildReport = { images: {}, tags: {} };
  for (const [i, request] of requests.entries()) {
    const { target } = request;
    try {
      const image = await log.group(`push ${target.component} (${target.tags[0]})`, () =>
        pushOne(builder, request, images[i] as BuildResult),
      );
      report.images[target.component] = image;
      report.tags[target.component] = target.tags;
    } catch (e) {
      throw partialPushError(
        {
          pushed: Object.entries(report.images).map(([component, image]) => ({ component, image })),
          failed: target.component,
          notPushed: requests.slice(i + 1).map((r) => r.target.component),
        },
        e,
      );
    }
  }
  return report;
}

/** Pushes every tag of one image and returns it pinned by the digest the registry serves. */
async function pushOne(builder: Builder, request: BuildRequest, image: BuildResult): Promise<string> {
  const { target } = request;
  let pushedDigest: string | undefined;
  for (const tag of target.tags) {
    const digest = await builder.push(request, image, tag);
    // Every tag carries the same manifest; a different digest would mean the registry rewrote it.
    if (pushedDigest && digest !== pushedDigest) {
      throw new Error(`push of ${tag} gave digest ${digest}, but ${target.tags[0]} gave ${pushedDigest}`);
    }
    pushedDigest = digest;
  }
  const served = await readRemoteDigest(target.tags[0] as string, request);
  if (served !== pushedDigest) {
    throw new Error(
      `${target.tags[0]}: the registry serves ${served}, but the push reported ${pushedDigest}`,
    );
  }
  log.info(`pushed ${target.name}@${served}`);
  return `${target.name}@${served}`;
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
