// A manual rollback (seed trigger `manual_trigger`): check the request against the config and helm's history,
// refuse it whole before anything changes, else run it like any other plan.
import { listComponents } from '../config/index.js';
import type { ReleaseConfig } from '../config/types.js';
import { HelmReleaseNotFoundError } from '../helm/index.js';
import type { Revision } from '../helm/types.js';
import { computeWaves } from '../plan/index.js';
import type { Clock } from '../verify/types.js';
import { type ManualRequest, planManualRollback, type ReleaseRef, resolveManualComponents } from './plan.js';
import { executeRollback, type RollbackHelm } from './run.js';
import { rollbackSettings } from './settings.js';
import type { RollbackPlan, RollbackReport } from './types.js';

/**
 * The releases of a config (one per component, named `<name>-<component>` as planRelease names them) with their
 * waves. Rollback and verify need no chart, so they do not build the whole deploy plan.
 */
export function configReleases(config: ReleaseConfig, namespace = config.namespace): ReleaseRef[] {
  return computeWaves(listComponents(config)).flatMap((names, i) =>
    names.map((component) => ({ component, release: `${config.name}-${component}`, namespace, wave: i + 1 })),
  );
}

/** Validates the request against the config and each release's history; throws a UserError listing every problem. */
export async function planManual(
  config: ReleaseConfig,
  request: ManualRequest,
  helm: RollbackHelm,
  namespace?: string,
): Promise<RollbackPlan> {
  const settings = rollbackSettings(config);
  const releases = configReleases(config, namespace);
  const chosen = resolveManualComponents(request, releases, settings);
  const histories = new Map<string, Revision[]>();
  await Promise.all(
    chosen.map(async (r) => {
      histories.set(r.release, await historyOrEmpty(helm, r));
    }),
  );
  return planManualRollback(request, releases, histories, settings);
}

export async function runManualRollback(input: {
  config: ReleaseConfig;
  request: ManualRequest;
  helm: RollbackHelm;
  clock: Clock;
  namespace?: string;
}): Promise<RollbackReport> {
  const plan = await planManual(input.config, input.request, input.helm, input.namespace);
  return executeRollback(plan, {
    helm: input.helm,
    clock: input.clock,
    settings: rollbackSettings(input.config),
  });
}

async function historyOrEmpty(helm: RollbackHelm, r: ReleaseRef): Promise<Revision[]> {
  try {
    return await helm.history({ release: r.release, namespace: r.namespace });
  } catch (e) {
    if (e instanceof HelmReleaseNotFoundError) return [];
    throw e;
  }
}
