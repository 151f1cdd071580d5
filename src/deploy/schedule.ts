// Wave scheduling, pure: the items of one wave run in parallel, at most `concurrency` at a time; the
// next wave starts only when every item of the previous one succeeded. After a failure no new item
// starts (the ones already running finish), so a broken release stops the rollout as early as it can.
// An optional check after each successful wave (deploy's per-wave verification) may stop it too.

/** Wraps the run of one wave, e.g. to log it as a group; must call `run` once and return its promise. */
export type AroundWave<T> = (wave: number, items: readonly T[], run: () => Promise<void>) => Promise<void>;

export interface WaveRunResult<T, R> {
  /** Results of the items that ran, in the order they finished. */
  results: R[];
  /** Items never started because an earlier item failed. */
  notStarted: T[];
  /** 1-based wave in which the first failure happened. */
  failedWave?: number;
  /** 1-based wave after which `afterWave` stopped the rollout. */
  stoppedAfterWave?: number;
}

export interface WaveOptions<R> {
  concurrency: number;
  /** Runs after a wave in which nothing failed, before the next starts; `true` starts no later wave. */
  afterWave?: (wave: number, results: readonly R[]) => Promise<boolean>;
}

export async function runInWaves<T, R>(
  waves: readonly (readonly T[])[],
  options: WaveOptions<R>,
  run: (item: T, wave: number) => Promise<R>,
  failed: (result: R) => boolean,
  aroundWave: AroundWave<T> = (_wave, _items, run) => run(),
): Promise<WaveRunResult<T, R>> {
  if (!(Number.isInteger(options.concurrency) && options.concurrency >= 1)) {
    throw new RangeError(`concurrency must be a whole number >= 1, got ${options.concurrency}`);
  }
  const results: R[] = [];
  const notStarted: T[] = [];
  let failedWave: number | undefined;
  let stoppedAfterWave: number | undefined;
  for (const [index, items] of waves.entries()) {
    const wave = index + 1;
    if (failedWave !== undefined || stoppedAfterWave !== undefined) {
      notStarted.push(...items);
      continue;
    }
    const queue = [...items];
    const waveResults: R[] = [];
    const worker = async (): Promise<void> => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        const result = await run(item, wave);
        waveResults.push(result);
        if (failed(result)) {
          failedWave ??= wave;
          notStarted.push(...queue.splice(0));
        }
      }
    };
    await aroundWave(wave, items, async () => {
      await Promise.all(Array.from({ length: Math.min(options.concurrency, items.length) }, worker));
    });
    results.push(...waveResults);
    if (failedWave === undefined && (await options.afterWave?.(wave, waveResults))) stoppedAfterWave = wave;
  }
  return {
    results,
    notStarted,
    ...(failedWave === undefined ? {} : { failedWave }),
    ...(stoppedAfterWave === undefined ? {} : { stoppedAfterWave }),
  };
}
