// Which restore Jobs a store gets: one per pod its StatefulSets ran before the stop step, with plain data.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { planVolumeRestores, volumeEnv } from '../../src/restore/volumes.js';

describe('planVolumeRestores', () => {
  it("one entry per remembered pod ordinal, the pod's PVC, and the FAISS shard from the StatefulSet label", () => {
    const plan = planVolumeRestores(
      [
        { name: 'faiss-shard-1', labels: { 'release-kit.dev/shard': '1' } },
        { name: 'faiss-shard-0', labels: { 'release-kit.dev/shard': '0' } },
      ],
      { 'faiss-shard-0': 2, 'faiss-shard-1': 1 },
    );
    expect(plan).toEqual([
      { statefulSet: 'faiss-shard-0', pod: 'faiss-shard-0-0', claim: 'data-faiss-shard-0-0', shard: '0' },
      { statefulSet: 'faiss-shard-0', pod: 'faiss-shard-0-1', claim: 'data-faiss-shard-0-1', shard: '0' },
      { statefulSet: 'faiss-shard-1', pod: 'faiss-shard-1-0', claim: 'data-faiss-shard-1-0', shard: '1' },
    ]);
    expect(plan.map(volumeEnv)[2]).toEqual({ RESTORE_POD: 'faiss-shard-1-0', RESTORE_SHARD: '1' });
  });

  it('a StatefulSet remembered at 0 gets no Job; one without a shard label gets no RESTORE_SHARD', () => {
    const plan = planVolumeRestores(
      [
        { name: 'neo4j-core', labels: {} },
        { name: 'neo4j-replica', labels: {} },
      ],
      { 'neo4j-core': 1, 'neo4j-replica': 0 },
    );
    expect(plan).toEqual([{ statefulSet: 'neo4j-core', pod: 'neo4j-core-0', claim: 'data-neo4j-core-0' }]);
    expect(volumeEnv(plan[0] as (typeof plan)[0])).toEqual({ RESTORE_POD: 'neo4j-core-0' });
  });

  it('refuses a StatefulSet the stop step did not stop, naming it', () => {
    let error: unknown;
    try {
      planVolumeRestores([{ name: 'redis-extra', labels: {} }], { redis: 9 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({
      message:
        'StatefulSet redis-extra was not stopped by this restore: it appeared after the stop step, so its pods may be running on the data',
      hint: 'remove what was deployed during the restore and --resume, or --revert',
    });
  });
});
