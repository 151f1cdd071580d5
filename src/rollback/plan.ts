// Pure planning: which releases roll back, to which revision, in which batches. Every refusal happens here,
// before anything in the cluster changes.
import type { Ledger } from '../deploy/ledger.js';
import { UserError } from '../errors.js';
import type { Revision } from '../helm/types.js';
import type {
  RollbackPlan,
  RollbackSettings,
  RollbackTarget,
  RollbackTrigger,
  SkippedRelease,
} from './types.js';

/** A release of the config as the planner needs it (the deploy plan's releases fit). */
export interface ReleaseRef {
  component: string;
  release: string;
  namespace: string;
  wave: number;
}

/**
 * Reverse wave order (the last wave first, as it depends on the earlier ones), then groups of `batchSize`.
 * A batch never spans two waves: a wave is back on its old revision before the wave below it moves.
 */
export function batchesOf(targets: RollbackTarget[], batchSize: number): RollbackTarget[][] {
  const ordered = [...targets].sort((a, b) => b.wave - a.wave || a.component.localeCompare(b.component));
  const batches: RollbackTarget[][] = [];
  for (const target of ordered) {
    const last = batches.at(-1);
    if (last && last.length < batchSize && last[0]?.wave === target.wave) last.push(target);
    else batches.push([target]);
  }
  return batches;
}

const rollForwardReason =
  'listed in rollback.roll_forward_only: its data may have changed shape, so fix it forward with a new deploy';

/**
 * The automatic rollback of one deploy run: only releases the run changed, each back to the revision it had
 * before the run. Roll-forward-only stores and releases the run installed (nothing earlier to return to) are
 * skipped, with the reason.
 */
export function planAutomaticRollback(
  ledger: Ledger,
  settings: RollbackSettings,
  trigger: RollbackTrigger,
  reason: string,
): RollbackPlan {
  const targets: RollbackTarget[] = [];
  const skipped: SkippedRelease[] = [];
  for (const r of ledger.releases) {
    if (!r.changed) continue;
    const ref = { component: r.component, release: r.release };
    if (settings.rollForwardOnly.includes(r.component)) {
      skipped.push({ ...ref, reason: rollForwardReason });
    } else if (r.previousRevision === null) {
      skipped.push({
        ...ref,
        reason:
          'installed by this run: there is no earlier revision to return to (uninstall it by hand if it must go)',
      });
    } else {
      targets.push({
        ...ref,
        namespace: r.namespace,
        wave: r.wave,
        fromRevision: r.revision,
        toRevision: r.previousRevision,
      });
    }
  }
  return { trigger, reason, batches: batchesOf(targets, settings.batchSize), skipped };
}

/** A revision typed by a person: a positive integer, else a UserError naming `field`. */
export function parseRevision(text: string, field: string): number {
  const value = Number(text);
  if (/^\d+$/.test(text.trim()) && Number.isSafeInteger(value) && value > 0) return value;
  throw new UserError(
    `${field}: "${text}" is not a revision number`,
    'give a positive integer, a REVISION column value of `helm history <release>`',
  );
}

export interface ManualRequest {
  components: string[];
  /** Target revision; only with a single component. Default: the previous deployed revision. */
  toRevision?: number;
  reason: string;
}

/**
 * Checks the components of a manual rollback against the config, before any helm history is read: each must
 * be a component, not roll-forward-only, and `manual_trigger` must be an enabled rollback condition.
 */
export function resolveManualComponents(
  request: ManualRequest,
  releases: ReleaseRef[],
  settings: RollbackSettings,
): ReleaseRef[] {
  const problems: string[] = [];
  const names = [...new Set(request.components.map((c) => c.trim()).filter(Boolean))];
  if (!settings.conditions.includes('manual_trigger')) {
    problems.push('rollback.conditions does not list manual_trigger, so manual rollbacks are disabled');
  }
  if (names.length === 0) problems.push('no component named: give at least one');
  const unknown = names.filter((n) => !releases.some((r) => r.component === n));
  if (unknown.length > 0) {
    problems.push(
      `${unknown.map((n) => `"${n}"`).join(', ')} ${unknown.length === 1 ? 'is not a component' : 'are not components'} of this release (components: ${releases.map((r) => r.component).join(', ')})`,
    );
  }
  const frozen = names.filter((n) => settings.rollForwardOnly.includes(n));
  if (frozen.length > 0) {
    problems.push(`${frozen.join(', ')}: ${rollForwardReason}`);
  }
  if (request.toRevision !== undefined && names.length > 1) {
    problems.push(
      `a revision number belongs to one release, but ${names.length} components were named (${names.join(', ')})`,
    );
  }
  if (
    request.toRevision !== undefined &&
    !(Number.isSafeInteger(request.toRevision) && request.toRevision > 0)
  ) {
    problems.push(`revision ${request.toRevision} is not a positive integer`);
  }
  if (!request.reason.trim()) problems.push('no reason given: say why, it is kept in the report');
  if (problems.length > 0) throw refusal(problems);
  return names.map((n) => releases.find((r) => r.component === n) as ReleaseRef);
}

const refusal = (problems: string[]): UserError =>
  new UserError(
    `rollback refused, nothing was changed: ${problems.join('; ')}`,
    'fix the request and run it again',
  );

/** Statuses of revisions that were, at some point, the release's running state. */
const WAS_DEPLOYED = new Set(['deployed', 'superseded']);

/**
 * The previous deployed revision: the newest revision older than the latest one that was once deployed
 * (a failed upgrade in between is passed over).
 */
export function previousDeployedRevision(history: Revision[]): Revision | undefined {
  const latest = history.at(-1);
  if (!latest) return undefined;
  return history.filter((r) => r.revision < latest.revision && WAS_DEPLOYED.has(r.status)).at(-1);
}

/**
 * A manual rollback: each named component back to `toRevision`, or to its previous deployed revision.
 * `histories` maps release names to `helm history` (oldest first). Throws one UserError listing every problem.
 */
export function planManualRollback(
  request: ManualRequest,
  releases: ReleaseRef[],
  histories: ReadonlyMap<string, Revision[]>,
  settings: RollbackSettings,
): RollbackPlan {
  const chosen = resolveManualComponents(request, releases, settings);
  const problems: string[] = [];
  const targets: RollbackTarget[] = [];
  for (const ref of chosen) {
    const history = histories.get(ref.release) ?? [];
    const latest = history.at(-1);
    if (!latest) {
      problems.push(
        `${ref.component}: release ${ref.release} is not installed in namespace ${ref.namespace}`,
      );
      continue;
    }
    if (latest.status.startsWith('pending-')) {
      problems.push(
        `${ref.component}: release ${ref.release} is ${latest.status} (revision ${latest.revision}): another helm operation is running or was killed; wait for it, or repair the release first`,
      );
      continue;
    }
    let to: Revision | undefined;
    if (request.toRevision === undefined) {
      to = previousDeployedRevision(history);
      if (!to) {
        problems.push(
          `${ref.component}: release ${ref.release} has no earlier deployed revision to return to (history: ${describe(history)})`,
        );
        continue;
      }
    } else {
      to = history.find((r) => r.revision === request.toRevision);
      if (!to) {
        problems.push(
          `${ref.component}: release ${ref.release} has no revision ${request.toRevision} (history: ${describe(history)})`,
        );
        continue;
      }
      if (to.revision === latest.revision) {
        problems.push(
          `${ref.component}: revision ${to.revision} is already the current revision of ${ref.release}`,
        );
        continue;
      }
    }
    targets.push({ ...ref, fromRevision: latest.revision, toRevision: to.revision });
  }
  if (problems.length > 0) throw refusal(problems);
  return {
    trigger: 'manual_trigger',
    reason: request.reason,
    batches: batchesOf(targets, settings.batchSize),
    skipped: [],
  };
}

const describe = (history: Revision[]): string =>
  history.map((r) => `${r.revision} ${r.status}`).join(', ') || 'empty';
