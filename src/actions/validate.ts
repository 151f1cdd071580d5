// Action entry: validate the release configuration. Settings from inputs -> the same loader the
// `release-kit validate` command uses -> an annotation per problem, a job summary, the outputs.
import * as core from '@actions/core';
import {
  type ConfigProblem,
  ConfigValidationError,
  listComponents,
  loadReleaseConfig,
  type ReleaseConfig,
} from '../config/index.js';
import { UserError } from '../errors.js';
import { annotateProblems, workspacePath } from '../github/annotations.js';
import { getOptionalInput } from '../github/inputs.js';
import { runAction } from '../github/run.js';
import { summaryTable, writeSummary } from '../github/summary.js';

export interface ValidateSettings {
  config: string;
  environment?: string;
}

export function readValidateSettings(): ValidateSettings {
  return {
    config: getOptionalInput('config') ?? 'release.yaml',
    environment: getOptionalInput('environment'),
  };
}

async function validate(): Promise<void> {
  const settings = readValidateSettings();
  let config: ReleaseConfig;
  try {
    config = await loadReleaseConfig(settings.config, { environment: settings.environment });
  } catch (e) {
    if (!(e instanceof ConfigValidationError)) throw e;
    annotateProblems(e.problems, 'release configuration');
    await summarizeProblems(settings, e.problems);
    const n = e.problems.length;
    throw new UserError(
      `${settings.config} has ${n} problem${n === 1 ? '' : 's'}`,
      'each is annotated at its line; run `release-kit validate` locally to list them',
    );
  }
  core.setOutput('config-json', JSON.stringify(config));
  core.info(
    `${settings.config} is valid${settings.environment ? ` for environment ${settings.environment}` : ''}`,
  );
  await summarizeRelease(settings, config);
}

function summarizeProblems(settings: ValidateSettings, problems: readonly ConfigProblem[]): Promise<void> {
  return writeSummary((s) =>
    s
      .addHeading(`Release configuration: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, 2)
      .addTable(
        summaryTable(
          ['Location', 'Path', 'Problem', 'What to do'],
          problems.map((p) => [
            `${workspacePath(p.file)}:${p.line}:${p.column}`,
            p.path,
            p.message,
            p.hint ?? '',
          ]),
        ),
      )
      .addRaw(`Environment: ${settings.environment ?? 'base and every environment'}`, true),
  );
}

function summarizeRelease(settings: ValidateSettings, config: ReleaseConfig): Promise<void> {
  const image = (name: string, kind: string): string =>
    kind === 'service'
      ? (config.services[name]?.image ?? '')
      : kind === 'store'
        ? (config.stores[name]?.image ?? '')
        : config.gateway.image;
  return writeSummary((s) =>
    s
      .addHeading(`Release configuration ${config.name} is valid`, 2)
      .addRaw(`Namespace ${config.namespace}, environment ${settings.environment ?? '(base)'}.`, true)
      .addTable(
        summaryTable(
          ['Component', 'Kind', 'Image', 'Depends on'],
          listComponents(config).map((c) => [
            c.name,
            c.external ? `${c.kind} (external)` : c.kind,
            image(c.name, c.kind),
            c.depends_on.join(', '),
          ]),
        ),
      ),
  );
}

await runAction(validate);
