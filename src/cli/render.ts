// `release-kit render`: `helm template` of every planned release, into one file per release or onto stdout.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createHelm, type Helm } from '../helm/index.js';
import { log } from '../log.js';
import type { Plan, PlannedRelease } from '../plan/index.js';
import type { CommandRegistrar } from './exit.js';
import { addPlanOptions, type PlanCliOptions, planFromOptions } from './plan.js';

export interface RenderOptions {
  /** Capabilities.APIVersions to assume, e.g. monitoring.coreos.com/v1/ServiceMonitor (operator CRDs present). */
  apiVersions?: string[];
  /** Render releases concurrently (the default) or one after another. */
  parallel?: boolean;
}

export interface RenderedRelease {
  release: PlannedRelease;
  manifest: string;
}

/** Renders each release of the plan with `helm template`, in plan order. */
export async function renderReleases(
  helm: Helm,
  plan: Plan,
  options: RenderOptions = {},
): Promise<RenderedRelease[]> {
  const render = async (release: PlannedRelease): Promise<RenderedRelease> => {
    const { manifest } = await helm.template({
      release: release.release,
      chart: release.chart,
      namespace: release.namespace,
      values: release.values,
      apiVersions: options.apiVersions,
    });
    return { release, manifest };
  };
  if (options.parallel ?? true) return Promise.all(plan.releases.map(render));
  const out: RenderedRelease[] = [];
  for (const r of plan.releases) out.push(await render(r));
  return out;
}

interface RenderCliOptions extends PlanCliOptions {
  out?: string;
  helm: string;
  apiVersions?: string[];
}

export const registerRender: CommandRegistrar = (program: Command) => {
  addPlanOptions(program.command('render'))
    .description('Render every planned release with `helm template` (no cluster needed).')
    .option('-o, --out <dir>', 'write <dir>/<release>.yaml per release instead of printing to stdout')
    .option('--helm <path>', 'helm binary', 'helm')
    .option(
      '-a, --api-versions <version...>',
      'assume these API versions exist, e.g. monitoring.coreos.com/v1/ServiceMonitor',
    )
    .action(async (options: RenderCliOptions) => {
      const plan = await planFromOptions(options);
      const helm = await createHelm({ binary: options.helm });
      const rendered = await renderReleases(helm, plan, { apiVersions: options.apiVersions });
      if (!options.out) {
        for (const { release, manifest } of rendered) {
          process.stdout.write(
            `# release ${release.release} (wave ${release.wave})\n${manifest.trimEnd()}\n`,
          );
        }
        return;
      }
      await mkdir(options.out, { recursive: true });
      for (const { release, manifest } of rendered) {
        const file = join(options.out, `${release.release}.yaml`);
        await writeFile(file, manifest);
        log.info(`wrote ${file}`);
      }
    });
};
