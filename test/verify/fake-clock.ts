// A virtual clock for engine tests: time only moves when every pending promise has settled and someone is
// sleeping; it then jumps to the earliest wake-up. No real timer ever waits, so a 5-minute window runs instantly.
import type { Clock } from '../../src/verify/types.js';

interface Sleeper {
  at: number;
  seq: number;
  wake: () => void;
}

export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private sleepers: Sleeper[] = [];
  private scheduled = false;

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper: Sleeper = { at: this.current + Math.max(0, ms), seq: this.seq++, wake: resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(signal.reason);
        },
        { once: true },
      );
      this.schedule();
    });
  }

  // setImmediate runs after the microtask queue has drained: everything that could still happen "now" has.
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.sleepers.shift();
      if (!next) return;
      this.current = Math.max(this.current, next.at);
      next.wake();
      if (this.sleepers.length > 0) this.schedule();
    });
  }
}
