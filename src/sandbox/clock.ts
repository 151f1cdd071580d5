// The simulated cluster's wall clock: what CronJob schedules run on and what the API server and the Job
// and CronJob controllers stamp into objects. Tests drive it with a ManualClock; the rollout timing of the
// simulation (pod start, probes, a Job's run time) always stays in real time.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `listener` whenever the time jumps (a test moved it), so the controllers react at once. */
  onChange?(listener: () => void): () => void;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that stands still until a test moves it. */
export class ManualClock implements Clock {
  private time: number;
  private readonly listeners = new Set<() => void>();

  constructor(start: string | number | Date) {
    this.time = toMillis(start);
  }

  now(): number {
    return this.time;
  }

  /** Moves the clock to a time (ISO 8601 text, a Date or milliseconds since the epoch). */
  set(time: string | number | Date): void {
    this.time = toMillis(time);
    for (const listener of this.listeners) listener();
  }

  advance(ms: number): void {
    this.set(this.time + ms);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function toMillis(time: string | number | Date): number {
  const ms = typeof time === 'string' ? Date.parse(time) : typeof time === 'number' ? time : time.getTime();
  if (!Number.isFinite(ms))
    throw new Error(
      `ManualClock: "${String(time)}" is not a time; use ISO 8601 such as 2030-01-01T23:59:00Z`,
    );
  return ms;
}

/** RFC 3339 in UTC with whole seconds, the way Kubernetes writes metav1.Time. */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
