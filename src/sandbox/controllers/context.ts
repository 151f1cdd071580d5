// What every controller of the simulation gets: the API (the same code path as HTTP requests), the
// timing of the simulated rollout, and a way to ask for another reconcile pass.
import type { Api } from '../api.js';
import type { Clock } from '../clock.js';
import type { Kind } from '../kinds.js';

export interface Timing {
  /** Pending -> Running: scheduling, image pull, container start. */
  podStartMs: number;
  /** Running -> /healthz answers 200 (before any slow-start of the behaviour). */
  readyDelayMs: number;
  /** How often the readiness probe runs. */
  probeIntervalMs: number;
  /** Period of crash restarts and of the ErrImagePull -> ImagePullBackOff step. */
  crashRestartMs: number;
  /** How long a Job's pod runs before it completes. */
  jobRunMs: number;
  /** Synthetic requests per second each ready pod serves. */
  requestsPerSecond: number;
}

/** Fast defaults for tests; benchmarks raise podStartMs/readyDelayMs to model real rollouts. */
export const defaultTiming: Timing = {
  podStartMs: 20,
  readyDelayMs: 30,
  probeIntervalMs: 50,
  crashRestartMs: 300,
  jobRunMs: 50,
  requestsPerSecond: 50,
};

export interface ControllerContext {
  api: Api;
  timing: Timing;
  /** A served kind by apiVersion and kind name (built-ins always exist). */
  kind(apiVersion: string, kind: string): Kind;
  /** Asks for another reconcile pass (after a timer fired or a probe changed something). */
  changed(): void;
  /** Real time in ms, for the durations of the simulation (rollout timing, progress deadlines). */
  now(): number;
  /** The cluster's wall clock, for the times written into objects and for CronJob schedules. */
  clock: Clock;
}
