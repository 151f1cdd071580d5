// `release-kit plan`: prints the releases (one per component), their waves and each release's values.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { parseImageMap } from '../build/image-map.js';
import { loadReleaseConfig } from '../config/index.js';
import { UserError } from '../errors.js';
import { type ImageMap, type Plan, planRelease } from '../plan/index.js';
import type { CommandRegistrar } from './exit.js';

export interface PlanCliOptions {
  config: string;
  env?: string;
  images?: string;
}

/** Loads the config (and images map) the way every plan-based command does. */
export async function planFromOptions(options: PlanCliOptions): Promise<Plan> {
  const config = await loadReleaseConfig(options.config, { environment: options.env });
  return planRelease(config, { images: options.images ? await readImageMap(options.images) : undefined });
}

async function readImageMap(file: string): Promise<ImageMap> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UserError(
      `cannot read the images map ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      'pass --images the JSON file `release-kit build --out` wrote',
    );
  }
  return parseImageMap(text, file);
}

/** Waves, then every release with its values, for a person reading a terminal. */
export function formatPlan(plan: Plan): string {
  const lines = [`${plan.releases.length} releases in ${plan.waves.length} waves`];
  plan.waves.forEach((names, i) => {
    lines.push(`  wave ${i + 1}: ${names.join(', ')}`);
  });
  for (const r of plan.releases) {
    lines.push('', `# ${r.release} (${r.kind} ${r.component}, wave ${r.wave}, namespace ${r.namespace})`);
    lines.push(`# image ${r.image}`, `# chart ${r.chart}`, stringify(r.values).trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

export const addPlanOptions = (command: Command): Command =>
  command
    .option('-c, --config <file>', 'release configuration file', 'release.yaml')
    .option('-e, --env <name>', 'environment (an entry of environments) to merge over the base')
    .option(
      '--images <file>',
      'images map (JSON, as `release-kit build --out` writes it): deploy those digests',
    );

export const registerPlan: CommandRegistrar = (program: Command) => {
  addPlanOptions(program.command('plan'))
    .description('Show the Helm releases (one per component), their waves from depends_on, and their values.')
    .option('--json', 'print the plan as JSON ({releases, waves}) on stdout')
    .action(async (options: PlanCliOptions & { json?: boolean }) => {
      const plan = await planFromOptions(options);
      process.stdout.write(options.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
    });
};
