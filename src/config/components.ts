// The components of a release (one Helm release each): every service, every store and the gateway,
// with depends_on resolved through store aliases (the seed's services name their stores db and cache).
import type { ComponentKind, ReleaseConfig } from './types.js';

export interface Component {
  name: string;
  kind: ComponentKind;
  /** Component names this one needs deployed first (aliases resolved, duplicates removed). */
  depends_on: string[];
  /** A store served by a managed endpoint: nothing is deployed for it. */
  external: boolean;
}

/** Maps every component name and store alias to the component it names. */
export function nameTable(
  config: Pick<ReleaseConfig, 'services' | 'stores' | 'gateway'>,
): Map<string, string> {
  const table = new Map<string, string>();
  for (const name of Object.keys(config.services)) table.set(name, name);
  for (const [name, store] of Object.entries(config.stores)) {
    table.set(name, name);
    for (const alias of store.aliases ?? []) table.set(alias, name);
  }
  if (config.gateway.enabled) table.set('gateway', 'gateway');
  return table;
}

/** Services, then stores, then the gateway (when enabled), in configuration order. */
export function listComponents(config: Pick<ReleaseConfig, 'services' | 'stores' | 'gateway'>): Component[] {
  const names = nameTable(config);
  const resolve = (deps: string[] | undefined): string[] => [
    ...new Set((deps ?? []).map((d) => names.get(d) ?? d)),
  ];
  const components: Component[] = [
    ...Object.entries(config.services).map(([name, s]) => ({
      name,
      kind: 'service' as const,
      depends_on: resolve(s.depends_on),
      external: false,
    })),
    ...Object.entries(config.stores).map(([name, s]) => ({
      name,
      kind: 'store' as const,
      depends_on: [],
      external: s.external !== undefined,
    })),
  ];
  if (config.gateway.enabled) {
    components.push({
      name: 'gateway',
      kind: 'gateway',
      depends_on: resolve(config.gateway.depends_on),
      external: false,
    });
  }
  return components;
}

/** A dependency cycle as the names along it (first name repeated at the end), or undefined. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}
