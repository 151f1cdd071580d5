// Checks the schema cannot express: names that must refer to something that exists, dependency
// cycles, ranges across keys (min <= max, requests <= limits), duplicates by value. The input may be
// any shape (the schema has already reported wrong types), so every read here is defensive.
import { findCycle } from './components.js';
import type { Issue, PathSegment } from './problems.js';
import { closest } from './spelling.js';
import { checkQuantity } from './units.js';

type Dict = Record<string, unknown>;

const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const dict = (v: unknown): Dict => (isDict(v) ? v : {});
const get = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => dict(o)[k], v);
const stringItems = (v: unknown): [string, number][] =>
  Array.isArray(v) ? v.flatMap((x, i): [string, number][] => (typeof x === 'string' ? [[x, i]] : [])) : [];

export function checkSemantics(config: unknown): Issue[] {
  const issues: Issue[] = [];
  const names = checkNames(config, issues);
  checkDependencies(config, names, issues);
  checkReferences(config, names, issues);
  checkScaling(config, issues);
  checkResources(config, issues);
  checkMonitoring(config, issues);
  checkDuplicates(config, issues);
  checkRollout(config, issues);
  return issues;
}

/** Component names and store aliases, each mapped to the component it names. */
function checkNames(config: unknown, issues: Issue[]): Map<string, string> {
  const table = new Map<string, string>();
  for (const name of Object.keys(dict(get(config, 'services')))) table.set(name, name);
  const gateway = get(config, 'gateway');
  if (isDict(gateway) && gateway.enabled !== false) {
    if (table.has('gateway')) {
      issues.push({
        path: ['services', 'gateway'],
        target: 'key',
        message: "a service may not be named 'gateway': the gateway component has that name",
        hint: 'rename the service',
      });
    }
    table.set('gateway', 'gateway');
  }
  const stores = dict(get(config, 'stores'));
  for (const name of Object.keys(stores)) {
    if (table.has(name)) {
      issues.push({
        path: ['stores', name],
        target: 'key',
        message: `'${name}' names both a store and a ${name === 'gateway' ? 'gateway' : 'service'}`,
        hint: 'component names must be unique across services, stores and the gateway',
      });
    }
    table.set(name, name);
  }
  for (const [name, store] of Object.entries(stores)) {
    for (const [alias, i] of stringItems(get(store, 'aliases'))) {
      const taken = table.get(alias);
      if (taken !== undefined) {
        issues.push({
          path: ['stores', name, 'aliases', i],
          message: `alias '${alias}' is already the name ${taken === alias ? 'of a component' : `of an alias of ${taken}`}`,
          hint: 'each alias must be unique and differ from every component name',
        });
      } else {
        table.set(alias, name);
      }
    }
  }
  return table;
}

function knownNames(names: Map<string, string>): string {
  const components = [...names].filter(([k, v]) => k === v).map(([k]) => k);
  const aliases = [...names].filter(([k, v]) => k !== v).map(([k]) => k);
  return `known: ${components.join(', ')}${aliases.length > 0 ? `; aliases: ${aliases.join(', ')}` : ''}`;
}

function unknownName(name: string, names: Map<string, string>, what: string): string {
  const guess = closest(name, [...names.keys()]);
  return guess ? `did you mean '${guess}'? ${knownNames(names)}` : `${what}; ${knownNames(names)}`;
}

function checkDependencies(config: unknown, names: Map<string, string>, issues: Issue[]): void {
  const dependents: [string, PathSegment[], unknown][] = Object.entries(dict(get(config, 'services'))).map(
    ([name, s]) => [name, ['services', name, 'depends_on'], get(s, 'depends_on')],
  );
  const gateway = get(config, 'gateway');
  if (isDict(gateway) && gateway.enabled !== false)
    dependents.push(['gateway', ['gateway', 'depends_on'], gateway.depends_on]);

  const graph = new Map<string, string[]>();
  const edgePath = new Map<string, PathSegment[]>();
  for (const [from, path, deps] of dependents) {
    const edges: string[] = [];
    for (const [dep, i] of stringItems(deps)) {
      const to = names.get(dep);
      if (to === undefined) {
        issues.push({
          path: [...path, i],
          message: `depends on '${dep}', which is not a component or store alias`,
          hint: unknownName(dep, names, 'name a service, a store or a store alias'),
        });
      } else if (to === from) {
        issues.push({
          path: [...path, i],
          message: `'${from}' depends on itself${dep === to ? '' : ` (through alias '${dep}')`}`,
          hint: 'remove this entry',
        });
      } else {
        edges.push(to);
        if (!edgePath.has(`${from}\0${to}`)) edgePath.set(`${from}\0${to}`, [...path, i]);
      }
    }
    graph.set(from, edges);
  }
  const cycle = findCycle(graph);
  if (cycle) {
    issues.push({
      path: edgePath.get(`${cycle[0]}\0${cycle[1]}`) ?? [],
      message: `dependency cycle: ${cycle.join(' -> ')}`,
      hint: 'remove one depends_on entry of the cycle; components deploy in waves, dependencies first',
    });
  }
}

/** Keys and lists that must name existing services or components. */
function checkReferences(config: unknown, names: Map<string, string>, issues: Issue[]): void {
  const components = new Map([...names].filter(([k, v]) => k === v));
  for (const name of Object.keys(dict(get(config, 'kubernetes', 'deployments')))) {
    if (!components.has(name)) {
      issues.push({
        path: ['kubernetes', 'deployments', name],
        target: 'key',
        message: `'${name}' is not a component`,
        hint: unknownName(name, components, 'key each entry by a service, store or gateway'),
      });
    }
  }
  for (const [name, i] of stringItems(get(config, 'rollback', 'roll_forward_only'))) {
    if (!components.has(name)) {
      issues.push({
        path: ['rollback', 'roll_forward_only', i],
        message: `'${name}' is not a component`,
        hint: unknownName(name, components, 'name a service, store or the gateway'),
      });
    }
  }
  const services = Object.keys(dict(get(config, 'services')));
  for (const key of Object.keys(dict(get(config, 'scaling', 'manual_scaling')))) {
    const service = /^(.*)_replicas$/.exec(key)?.[1];
    if (service !== undefined && !services.includes(service)) {
      const guess = closest(service, services);
      issues.push({
        path: ['scaling', 'manual_scaling', key],
        target: 'key',
        message: `'${key}' names no service ('${service}' is not a service)`,
        hint: guess
          ? `did you mean '${guess}_replicas'?`
          : `keys are <service>_replicas for the services: ${services.join(', ')}`,
      });
    }
  }
}

function checkScaling(config: unknown, issues: Issue[]): void {
  const auto = get(config, 'scaling', 'auto_scaling');
  const min = get(auto, 'min_replicas');
  const max = get(auto, 'max_replicas');
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    issues.push({
      path: ['scaling', 'auto_scaling', 'min_replicas'],
      message: `min_replicas (${min}) is greater than max_replicas (${max})`,
      hint: 'lower min_replicas or raise max_replicas',
    });
  }
}

/** Kubernetes rejects a container whose request exceeds its limit; say so before a deploy does. */
function checkResources(config: unknown, issues: Issue[]): void {
  const blocks: [PathSegment[], unknown][] = [
    [['kubernetes', 'resources'], get(config, 'kubernetes', 'resources')],
  ];
  for (const kind of ['services', 'stores']) {
    for (const [name, c] of Object.entries(dict(get(config, kind)))) {
      blocks.push([[kind, name, 'resources'], get(c, 'resources')]);
    }
  }
  for (const [path, block] of blocks) {
    for (const resource of ['cpu', 'memory']) {
      const request = get(block, 'requests', resource);
      const limit = get(block, 'limits', resource);
      if (typeof request !== 'string' || typeof limit !== 'string') continue;
      const r = checkQuantity(request);
      const l = checkQuantity(limit);
      if (r.ok && l.ok && r.value > l.value) {
        issues.push({
          path: [...path, 'requests', resource],
          message: `the ${resource} request (${request}) is greater than its limit (${limit})`,
          hint: `Kubernetes rejects such a pod; lower requests.${resource} or raise limits.${resource}`,
        });
      }
    }
  }
}

function checkMonitoring(config: unknown, issues: Issue[]): void {
  const services = dict(get(config, 'services'));
  const jobs = get(config, 'monitoring', 'prometheus', 'scrape_configs');
  if (!Array.isArray(jobs)) return;
  jobs.forEach((job, j) => {
    const groups = get(job, 'static_configs');
    if (!Array.isArray(groups)) return;
    groups.forEach((group, g) => {
      for (const [target, t] of stringItems(get(group, 'targets'))) {
        const [, host, port] = /^([^:]+):(\d+)$/.exec(target) ?? [];
        const service = services[host as string];
        if (!isDict(service)) continue;
        const servicePorts = stringItems(service.ports).map(([p]) => p.split(':')[0]);
        if (servicePorts.length > 0 && !servicePorts.includes(port)) {
          issues.push({
            path: ['monitoring', 'prometheus', 'scrape_configs', j, 'static_configs', g, 'targets', t],
            message: `target ${target} names service '${host}', which has no port ${port}`,
            hint: `service '${host}' exposes ${servicePorts.join(', ')}`,
          });
        }
      }
    });
  });
}

function checkDuplicates(config: unknown, issues: Issue[]): void {
  const unique = (items: unknown, path: PathSegment[], field: string, what: string) => {
    if (!Array.isArray(items)) return;
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const value = get(item, field);
      if (typeof value !== 'string') return;
      const first = seen.get(value);
      if (first !== undefined) {
        issues.push({
          path: [...path, i, field],
          message: `${what} '${value}' appears twice (also item ${first})`,
          hint: `give each ${what} a unique name`,
        });
      } else seen.set(value, i);
    });
  };
  unique(
    get(config, 'monitoring', 'prometheus', 'scrape_configs'),
    ['monitoring', 'prometheus', 'scrape_configs'],
    'job_name',
    'job',
  );
  unique(
    get(config, 'logging', 'elasticsearch', 'indices'),
    ['logging', 'elasticsearch', 'indices'],
    'name',
    'index',
  );
  for (const [name, service] of Object.entries(dict(get(config, 'services')))) {
    const seen = new Map<string, number>();
    for (const [assignment, i] of stringItems(get(service, 'environment'))) {
      const variable = assignment.split('=')[0] as string;
      const first = seen.get(variable);
      if (first !== undefined) {
        issues.push({
          path: ['services', name, 'environment', i],
          message: `variable ${variable} is set twice (also item ${first})`,
          hint: 'set each variable once',
        });
      } else seen.set(variable, i);
    }
  }
}

function checkRollout(config: unknown, issues: Issue[]): void {
  const strategy = get(config, 'deployment', 'strategy');
  if (
    get(strategy, 'type') === 'rolling_update' &&
    get(strategy, 'max_surge') === 0 &&
    get(strategy, 'max_unavailable') === 0
  ) {
    issues.push({
      path: ['deployment', 'strategy', 'max_surge'],
      message: 'max_surge and max_unavailable are both 0, so a rolling update can never replace a pod',
      hint: 'set max_surge to 1 (the seed) or max_unavailable to 1',
    });
  }
  const verification = get(config, 'verification');
  const quantile = get(verification, 'latency_quantile');
  const threshold = get(verification, 'latency_threshold');
  if ((quantile === undefined) !== (threshold === undefined) && isDict(verification)) {
    const missing = quantile === undefined ? 'latency_quantile' : 'latency_threshold';
    issues.push({
      path: ['verification', quantile === undefined ? 'latency_threshold' : 'latency_quantile'],
      message: `latency_quantile and latency_threshold go together; ${missing} is missing`,
      hint: `set ${missing} too, or remove both to skip the latency check`,
    });
  }
}
