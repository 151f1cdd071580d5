// Carries out a rollback plan with helm: batch after batch, `pause_time` apart, each release with
// `helm rollback --wait --timeout`. The first failure stops the run; the report then says, from helm's own
// history, which revision and status every release of the plan is in.
import { describeError } from '../errors.js';
import type { Helm } from '../helm/index.js';
import { log } from '../log.js';
import type { Clock } from '../verify/types.js';
import type {
  ReleaseState,
  RollbackPlan,
  RollbackReport,
  RollbackSettings,
  RollbackTarget,
  TargetResult,
} from './types.js';

/** The part of the helm runner a rollback uses. */
export type RollbackHelm = Pick<Helm, 'rollback' | 'history'>;

export interface ExecuteOptions {
  helm: RollbackHelm;
  clock: Clock;
  settings: Pick<RollbackSettings, 'timeoutSeconds' | 'pauseMs'>;
}

const label = (t: RollbackTarget): string =>
  `${t.release} (${t.component}) ${t.fromRevision ?? '?'} -> ${t.toRevision}`;

export async function executeRollback(plan: RollbackPlan, options: ExecuteOptions): Promise<RollbackReport> {
  const { helm, clock, settings } = options;
  const startedAt = clock.now();
  const outcomes = new Map<RollbackTarget, { outcome: TargetResult['outcome']; error?: string }>();
  for (const s of plan.skipped) log.info(`not rolling back ${s.release}: ${s.reason}`);

  let failed = false;
  for (const [i, batch] of plan.batches.entries()) {
    if (failed) break;
    if (i > 0 && settings.pauseMs > 0) {
      log.info(`pausing ${settings.pauseMs / 1000}s (rollback.settings.pause_time) before the next batch`);
      await clock.sleep(settings.pauseMs);
    }
    log.info(`rolling back batch ${i + 1}/${plan.batches.length}: ${batch.map(label).join(', ')}`);
    const settled = await Promise.allSettled(
      batch.map((t) =>
        helm.rollback({
          release: t.release,
          namespace: t.namespace,
          revision: t.toRevision,
          wait: true,
          timeoutSeconds: settings.timeoutSeconds,
        }),
      ),
    );
    settled.forEach((s, j) => {
      const target = batch[j] as RollbackTarget;
      if (s.status === 'fulfilled') {
        outcomes.set(target, { outcome: 'rolled-back' });
        log.info(`rolled back ${label(target)}`);
      } else {
        failed = true;
        const error = describeError(s.reason);
        outcomes.set(target, { outcome: 'failed', error });
        log.error(`rollback of ${label(target)} failed: ${error}`);
      }
    });
  }

  const targets = plan.batches.flat();
  const states = await Promise.all(targets.map((t) => stateOf(helm, t)));
  const releases = targets.map(
    (t, i): TargetResult => ({
      ...t,
      ...(outcomes.get(t) ?? { outcome: 'not-started' }),
      state: states[i] as ReleaseState,
    }),
  );
  return {
    trigger: plan.trigger,
    reason: plan.reason,
    outcome: failed ? 'failed' : targets.length === 0 ? 'nothing-to-do' : 'rolled-back',
    releases,
    skipped: plan.skipped,
    startedAt,
    endedAt: clock.now(),
  };
}

/** The release's latest revision as helm records it; a failure to ask is itself reported, not hidden. */
async function stateOf(helm: RollbackHelm, t: RollbackTarget): Promise<ReleaseState> {
  try {
    const latest = (await helm.history({ release: t.release, namespace: t.namespace })).at(-1);
    if (!latest) return { known: false, error: 'helm history is empty' };
    return { known: true, revision: latest.revision, status: latest.status, description: latest.description };
  } catch (e) {
    return { known: false, error: `cannot read helm history: ${describeError(e)}` };
  }
}
