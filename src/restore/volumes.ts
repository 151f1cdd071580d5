// Which restore Jobs a store needs: one per data volume, that is one per pod its StatefulSets ran before the
// stop step. A Job mounts exactly one ReadWriteOnce PVC, so no node has to attach several volumes at once, and
// every replica (each FAISS shard replica, each Neo4j server, each Redis node) gets the same snapshot. Pure.
import { UserError } from '../errors.js';

/** The StatefulSet label naming the FAISS shard its pods serve (the runner's --shard). */
export const shardLabel = 'release-kit.dev/shard';

/** The pod volume of the restore CronJobs that release-kit points at each pod's PVC. */
export const dataVolume = 'data';

export interface StoreStatefulSet {
  name: string;
  labels: Record<string, string>;
}

export interface VolumeRestore {
  statefulSet: string;
  /** The pod whose data the Job writes (`<statefulset>-<ordinal>`). */
  pod: string;
  /** The PVC the StatefulSet's claim template `data` gave that pod. */
  claim: string;
  /** The FAISS shard of the pod, from its StatefulSet's label. */
  shard?: string;
}

/**
 * One entry per pod ordinal 0..n-1 of every StatefulSet, n being the replicas the stop step remembered (they
 * are at 0 now), in StatefulSet name order. A StatefulSet the stop step did not record was not stopped:
 * writing under it would race the running store, so it is an error naming it.
 */
export function planVolumeRestores(
  sets: readonly StoreStatefulSet[],
  remembered: Readonly<Record<string, number>>,
): VolumeRestore[] {
  const unknown = sets.filter((s) => remembered[s.name] === undefined).map((s) => s.name);
  if (unknown.length) {
    throw new UserError(
      `StatefulSet ${unknown.join(', ')} was not stopped by this restore: it appeared after the stop step, so its pods may be running on the data`,
      'remove what was deployed during the restore and --resume, or --revert',
    );
  }
  return [...sets]
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((s) =>
      Array.from({ length: remembered[s.name] ?? 0 }, (_, i) => {
        const pod = `${s.name}-${i}`;
        const shard = s.labels[shardLabel];
        return {
          statefulSet: s.name,
          pod,
          claim: `${dataVolume}-${pod}`,
          ...(shard !== undefined ? { shard } : {}),
        };
      }),
    );
}

/** The environment a restore Job gets beside RESTORE_SNAPSHOT. */
export const volumeEnv = (v: VolumeRestore): Record<string, string> => ({
  RESTORE_POD: v.pod,
  ...(v.shard !== undefined ? { RESTORE_SHARD: v.shard } : {}),
});
