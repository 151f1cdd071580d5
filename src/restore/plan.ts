// The seed's recovery flow (5.2) as a list of named steps: validate backup -> stop services -> [restore data ->
// verify data -> migration -> test] -> start services, with a safety snapshot of the current data before
// anything is stopped or overwritten. "Stop" takes down the app tiers and the restored stores (their files are
// overwritten); the stores start again right after the restore, since verify, migration and test need them,
// and the app tiers last. Pure: the dry run prints this plan, the executor runs it.

export type RestoreStepKind =
  | 'validate'
  | 'safety-snapshot'
  | 'stop'
  | 'restore'
  | 'start-stores'
  | 'verify'
  | 'migrate'
  | 'test'
  | 'start';

export interface RestoreStep {
  /** Unique within a plan: the kind, or `restore:<store>`. */
  id: string;
  kind: RestoreStepKind;
  title: string;
  /** What the step does, concretely (names the Jobs, Deployments, snapshots). */
  detail: string;
  /** The store a restore step puts back. */
  store?: string;
}

export interface RestorePlanInput {
  namespace: string;
  stores: readonly string[];
  /** `latest`, or what the user asked for, per store (ids are resolved by the validate step). */
  snapshots: Readonly<Record<string, string>>;
  /** Helm releases of the app tiers whose Deployments are stopped. */
  appReleases: readonly string[];
  /** Helm releases of the stores being restored (their StatefulSets are stopped; helm test, readiness). */
  storeReleases: readonly string[];
  migration?: { image: string; command: readonly string[] };
  /** A revert restores the safety snapshot: it takes no new one. */
  revert?: boolean;
}

export function planRestore(input: RestorePlanInput): RestoreStep[] {
  const ns = input.namespace;
  const steps: RestoreStep[] = [
    {
      id: 'validate',
      kind: 'validate',
      title: 'Validate backup',
      detail: `find ${input.stores.map((s) => `${s} ${input.snapshots[s] ?? 'latest'}`).join(', ')}; restic check (re-reading a share of the data); restore each snapshot to a scratch directory and compare every file with its manifest`,
    },
  ];
  if (!input.revert) {
    steps.push({
      id: 'safety-snapshot',
      kind: 'safety-snapshot',
      title: 'Safety snapshot',
      detail: `run the backup Jobs ${input.stores.map((s) => `${s}-backup`).join(', ')} now: the current data, to revert to`,
    });
  }
  steps.push({
    id: 'stop',
    kind: 'stop',
    title: 'Stop services',
    detail: `remember the replicas of the Deployments of ${input.appReleases.join(', ')} and of the StatefulSets of ${input.storeReleases.join(', ')} in ${ns}; scale the Deployments to 0, then the StatefulSets, and wait until their pods are gone (a running store would overwrite the restored files, and holds its data volumes)`,
  });
  for (const store of input.stores) {
    steps.push({
      id: `restore:${store}`,
      kind: 'restore',
      store,
      title: `Restore ${store}`,
      detail: `create one Job from CronJob ${store}-restore per data volume of the stopped ${store} pods (each mounting that pod's PVC) with RESTORE_SNAPSHOT set to the validated snapshot, and wait for all`,
    });
  }
  // The stores come back before verify, migration and test: all three need them running.
  steps.push({
    id: 'start-stores',
    kind: 'start-stores',
    title: 'Start stores',
    detail: `scale the StatefulSets of ${input.storeReleases.join(', ')} back to the remembered replicas and wait until they are ready`,
  });
  steps.push({
    id: 'verify',
    kind: 'verify',
    title: 'Verify data',
    detail: 'every restore Job succeeded, the restored copy matches its manifest, and the stores are ready',
  });
  steps.push({
    id: 'migrate',
    kind: 'migrate',
    title: 'Migration',
    detail: input.migration
      ? `run the migration Job (${input.migration.image}: ${input.migration.command.join(' ')}) and wait for it`
      : 'nothing to run: backup.migration is not configured',
  });
  steps.push({
    id: 'test',
    kind: 'test',
    title: 'Test',
    detail: `helm test ${input.storeReleases.join(', ')}; every store workload ready`,
  });
  steps.push({
    id: 'start',
    kind: 'start',
    title: 'Start services',
    detail: `scale the Deployments of ${input.appReleases.join(', ')} back to the remembered replicas and wait until they are ready`,
  });
  return steps;
}

/** The plan as text, for --dry-run. */
export function formatPlan(steps: readonly RestoreStep[]): string {
  return `${steps.map((s, i) => `${i + 1}. ${s.title}: ${s.detail}`).join('\n')}\n`;
}
