// Measurement sources of the gate: the cluster for rollout health, Prometheus for error ratios and latency, one
// combined source routing each check by its kind, and a wrapper that prints each evaluation round as it happens.
import type { WorkloadReader } from '../kube/workloads.js';
import { formatSeconds } from '../verify/judge.js';
import type { Check, CheckKind, Clock, MeasurementSource, Observation } from '../verify/types.js';

/** Rollout health of `kube` checks, read from the cluster. */
export function kubeSource(reader: WorkloadReader): MeasurementSource {
  return {
    async measure(check) {
      if (check.kind !== 'kube') {
        return {
          kind: 'unavailable',
          cause: 'error',
          reason: `the cluster cannot measure a ${check.kind} check`,
        };
      }
      return reader.signal(check.workload);
    },
  };
}

/** Sends each check to the source of its kind; a kind without a source is reported, never passed. */
export function routedSource(sources: Partial<Record<CheckKind, MeasurementSource>>): MeasurementSource {
  return {
    measure(check, context) {
      const source = sources[check.kind];
      if (!source) {
        return Promise.resolve({
          kind: 'unavailable',
          cause: 'error',
          reason: `no measurement source is configured for ${check.kind} checks`,
        });
      }
      return source.measure(check, context);
    },
  };
}

const pct = (ratio: number): string => `${(ratio * 100).toFixed(2)}%`;

/** A short text of one observation for the progress line. */
function brief(check: Check, o: Observation | Error): string {
  if (o instanceof Error) return `${check.id} ? (${o.message})`;
  switch (o.kind) {
    case 'error_ratio':
      return `${check.id} ${pct(o.ratio)} of ${Number(o.requestRate.toPrecision(3))} req/s`;
    case 'latency':
      return `${check.id} ${formatSeconds(o.seconds)}`;
    case 'kube':
      return o.failingPods.length > 0
        ? `${o.workload} ${o.readyReplicas}/${o.desiredReplicas} (${o.failingPods.map((p) => p.reason).join(', ')})`
        : `${o.workload} ${o.readyReplicas}/${o.desiredReplicas}`;
    case 'unavailable':
      return `${check.id} ? (${o.cause})`;
  }
}

interface Round {
  at: number;
  open: boolean;
  pending: number;
  items: { index: number; check: Check; observed: Observation | Error }[];
}

/**
 * Writes one line per evaluation round, so a person watching a five-minute window sees the numbers as they come.
 * A round is every measurement the engine asks for in the same tick (it measures all checks at once); its line
 * is written when the last of them answers. Rollout checks are folded into one count unless one is short.
 */
export function progressSource(
  source: MeasurementSource,
  clock: Clock,
  write: (line: string) => void,
): MeasurementSource {
  const startedAt = clock.now();
  let current: Round | undefined;
  const flush = (round: Round) => {
    round.items.sort((a, b) => a.index - b.index);
    const kube = round.items.filter((r) => r.check.kind === 'kube');
    const healthy = kube.filter(
      (r) =>
        !(r.observed instanceof Error) &&
        r.observed.kind === 'kube' &&
        r.observed.failingPods.length === 0 &&
        r.observed.readyReplicas >= r.observed.desiredReplicas,
    );
    const parts = round.items
      .filter((r) => r.check.kind !== 'kube' || !healthy.includes(r))
      .map((r) => brief(r.check, r.observed));
    if (kube.length > 0) parts.push(`${healthy.length}/${kube.length} workloads ready`);
    write(`+${Math.round((round.at - startedAt) / 1000)}s  ${parts.join(' | ')}`);
  };
  const done = (round: Round, index: number, check: Check, observed: Observation | Error) => {
    round.items.push({ index, check, observed });
    if (!round.open && round.items.length === round.pending) flush(round);
  };
  return {
    async measure(check, context) {
      if (!current) {
        const round: Round = { at: clock.now(), open: true, pending: 0, items: [] };
        current = round;
        setImmediate(() => {
          round.open = false;
          current = undefined;
          if (round.items.length === round.pending) flush(round);
        });
      }
      const round = current;
      const index = round.pending;
      round.pending += 1;
      try {
        const observed = await source.measure(check, context);
        done(round, index, check, observed);
        return observed;
      } catch (e) {
        done(round, index, check, e instanceof Error ? e : new Error(String(e)));
        throw e;
      }
    },
  };
}
