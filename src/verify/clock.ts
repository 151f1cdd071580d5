// The real clock, for the pipeline. Tests drive the engine with a fake one instead (test/verify/fake-clock.ts).
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from './types.js';

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : undefined),
};
