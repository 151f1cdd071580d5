// Waves from depends_on: a component deploys in the wave after the last of its dependencies.
import { findCycle } from '../config/index.js';
import { UserError } from '../errors.js';

export interface WaveInput {
  name: string;
  /** Names of other components (aliases already resolved). */
  depends_on: readonly string[];
}

/** Groups components into waves (names sorted within a wave). Throws a UserError naming a cycle or unknown name. */
export function computeWaves(components: readonly WaveInput[]): string[][] {
  const graph = new Map(components.map((c) => [c.name, c.depends_on] as const));
  for (const c of components) {
    for (const dep of c.depends_on) {
      if (!graph.has(dep)) {
        throw new UserError(
          `${c.name} depends on "${dep}", which is not a component of this release`,
          `depends_on may name: ${[...graph.keys()].sort().join(', ')} (or a store alias)`,
        );
      }
    }
  }
  const cycle = findCycle(graph);
  if (cycle) {
    throw new UserError(
      `depends_on forms a cycle: ${cycle.join(' -> ')}`,
      'remove one of these dependencies so that the components can be deployed in order',
    );
  }
  const wave = new Map<string, number>();
  const waveOf = (name: string): number => {
    const known = wave.get(name);
    if (known !== undefined) return known;
    const deps = graph.get(name) ?? [];
    const w = deps.length === 0 ? 0 : Math.max(...deps.map(waveOf)) + 1;
    wave.set(name, w);
    return w;
  };
  const waves: string[][] = [];
  for (const c of components) {
    const w = waveOf(c.name);
    waves[w] ??= [];
    waves[w].push(c.name);
  }
  return waves.map((names) => [...names].sort());
}
