// Public entry of the plan module: config (+ images map) -> one Helm release per component, in waves.
// Pure: no processes, no cluster; the CLI and the deploy step hand the result to helm.
import { listComponents, nameTable } from '../config/index.js';
import type { ReleaseConfig } from '../config/types.js';
import { UserError } from '../errors.js';
import { defaultChartPath } from '../util/paths.js';
import { qualifyImage, toChartImage } from './images.js';
import type { ImageMap, Plan, PlannedRelease } from './types.js';
import {
  chartComponents,
  gatewayValues,
  globalValues,
  platformValues,
  serviceValues,
  storeEndpoints,
  storeValues,
  unknownComponent,
} from './values.js';
import { computeWaves } from './waves.js';

export { qualifyImage, toChartImage } from './images.js';
export type { ImageMap, Plan, PlannedRelease } from './types.js';
export { computeWaves, type WaveInput } from './waves.js';

export interface PlanOptions {
  /** Pins a component's image (deploy by digest). Every key must be a component of the config. */
  images?: ImageMap;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// helm refuses longer release names.
const MAX_RELEASE_NAME = 53;

export function planRelease(config: ReleaseConfig, options: PlanOptions = {}): Plan {
  const components = listComponents(config);
  const images = options.images ?? {};
  const unknown = Object.keys(images).filter((name) => !components.some((c) => c.name === name));
  if (unknown.length > 0) {
    throw new UserError(
      `the images map names ${unknown.map((n) => `"${n}"`).join(', ')}, not a component of ${config.name}`,
      `components: ${components.map((c) => c.name).join(', ')}`,
    );
  }
  for (const c of components) {
    if (!config.chart && !(chartComponents as readonly string[]).includes(c.name)) {
      throw unknownComponent(c.kind === 'store' ? `stores.${c.name}` : `services.${c.name}`);
    }
  }

  const waves = computeWaves(components);
  const waveOf = new Map(waves.flatMap((names, i) => names.map((n) => [n, i + 1] as const)));
  // Services are named after their component, so a name or alias resolves to the component's name.
  const hostOf = nameTable(config);
  const shared = globalValues(config);
  // The shared objects ride with the first release of the first wave: in place before anything else runs.
  const platformOwner = waves[0]?.[0];
  const chart = config.chart ?? defaultChartPath();

  const releases: PlannedRelease[] = components.map((c) => {
    const release = `${config.name}-${c.name}`;
    if (!DNS_LABEL.test(release) || release.length > MAX_RELEASE_NAME) {
      throw new UserError(
        `the release name "${release}" (name "${config.name}" + component "${c.name}") is not a valid Helm release name`,
        `use lowercase letters, digits and "-", at most ${MAX_RELEASE_NAME} characters in all`,
      );
    }
    const source =
      c.kind === 'service'
        ? config.services[c.name]?.image
        : c.kind === 'store'
          ? config.stores[c.name]?.image
          : config.gateway.image;
    const image = images[c.name] ?? qualifyImage(source ?? '', config.registry);
    const chartImage = toChartImage(image);
    const own =
      c.kind === 'service'
        ? serviceValues(
            c.name,
            config.services[c.name] as NonNullable<ReleaseConfig['services'][string]>,
            chartImage,
            config,
            hostOf,
          )
        : c.kind === 'store'
          ? storeValues(
              c.name,
              config.stores[c.name] as NonNullable<ReleaseConfig['stores'][string]>,
              chartImage,
              config,
            )
          : gatewayValues(config.gateway, chartImage, config);
    const values: Record<string, unknown> = {
      global: c.kind === 'service' ? { ...shared, stores: storeEndpoints(config) } : shared,
      platform: c.name === platformOwner ? platformValues(config) : { enabled: false },
    };
    for (const other of chartComponents) values[other] = { enabled: false };
    values[c.name] = { enabled: true, ...own };
    return {
      component: c.name,
      kind: c.kind,
      release,
      namespace: config.namespace,
      chart,
      values,
      wave: waveOf.get(c.name) as number,
      image,
    };
  });
  releases.sort((a, b) => a.wave - b.wave || a.component.localeCompare(b.component));
  return { releases, waves };
}
