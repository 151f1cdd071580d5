// Which images to build, from where, and under which names (pure: config and git facts in, targets out).
import { dirname, isAbsolute, resolve } from 'node:path';
import type { BuildSpec, ReleaseConfig } from '../config/types.js';
import { UserError } from '../errors.js';
import { parseImageName } from './image-ref.js';
import { computeTags, type GitInfo, ociLabels } from './tags.js';

export interface BuildTarget {
  component: string;
  /** registry/repository, without tag: the name the digest is pinned to. */
  name: string;
  registry: string;
  /** Absolute build context directory. */
  context: string;
  /** Absolute candidates for the Containerfile, in order of preference; the first that exists is used. */
  containerfiles: string[];
  buildArgs: Record<string, string>;
  /** Full references `name:tag` to push. */
  tags: string[];
  labels: Record<string, string>;
}

export interface TargetOptions {
  /** The config file's path; build contexts are relative to its folder. */
  configFile: string;
  /** A subset of components; default every component with a `build` section. */
  components?: string[];
  /** Overrides the config's `registry`. */
  registry?: string;
  /** Explicit tags; default derived from git (see computeTags). */
  tags?: string[];
  git: GitInfo;
}

export function planBuildTargets(config: ReleaseConfig, options: TargetOptions): BuildTarget[] {
  const images = new Map<string, { image: string; build?: BuildSpec; where: string }>();
  for (const [name, s] of Object.entries(config.services ?? {}))
    images.set(name, { image: s.image, build: s.build, where: `services.${name}` });
  for (const [name, s] of Object.entries(config.stores ?? {}))
    images.set(name, { image: s.image, build: s.build, where: `stores.${name}` });
  if (config.gateway) images.set('gateway', { image: config.gateway.image, where: 'gateway' });

  const buildable = [...images].filter(([, i]) => i.build).map(([name]) => name);
  const chosen = options.components?.length ? unique(options.components) : buildable;
  const unknown = chosen.filter((c) => !images.has(c));
  if (unknown.length > 0) {
    throw new UserError(
      `unknown component(s): ${unknown.join(', ')}`,
      `components in ${options.configFile}: ${[...images.keys()].join(', ')}`,
    );
  }
  const prebuilt = chosen.filter((c) => !images.get(c)?.build);
  if (prebuilt.length > 0) {
    throw new UserError(
      `component(s) without a build section: ${prebuilt.map((c) => `${c} (${images.get(c)?.where}.image is ${images.get(c)?.image})`).join(', ')}`,
      `add build: { context: <dir> } to build them; buildable here: ${buildable.join(', ') || 'none'}`,
    );
  }
  if (chosen.length === 0) {
    throw new UserError(
      `${options.configFile}: no component has a build section, so there is nothing to build`,
      'add build: { context: <dir> } to the services whose images this repository builds',
    );
  }

  const baseDir = dirname(resolve(options.configFile));
  return chosen.map((component) => {
    const { image, build, where } = images.get(component) as {
      image: string;
      build: BuildSpec;
      where: string;
    };
    const parsed = parseImageName(image);
    if (!parsed) {
      throw new UserError(
        `${options.configFile}: ${where}.image "${image}" is not a valid image name`,
        'use [registry/]path[:tag] in lowercase, without a digest, e.g. memory_system/api:latest',
      );
    }
    const registry = parsed.registry ?? options.registry ?? config.registry;
    if (!registry) {
      throw new UserError(
        `no registry to push ${component} to`,
        'set `registry:` in the config, pass --registry <host[:port]>, or name the registry in the image',
      );
    }
    const name = `${registry}/${parsed.repository}`;
    const tags = computeTags({ explicit: options.tags ?? [], git: options.git, fallback: parsed.tag });
    const context = isAbsolute(build.context) ? build.context : resolve(baseDir, build.context);
    const containerfiles = build.containerfile
      ? [resolve(context, build.containerfile)]
      : [resolve(context, 'Containerfile'), resolve(context, 'Dockerfile')];
    return {
      component,
      name,
      registry,
      context,
      containerfiles,
      buildArgs: { ...build.args },
      tags: tags.map((t) => `${name}:${t}`),
      labels: ociLabels(options.git, component, tags[0] as string),
    };
  });
}

const unique = (items: string[]): string[] => [...new Set(items)];
