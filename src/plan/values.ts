// Helm values per component: the one translation from the release configuration (seed names) to the
// umbrella chart's values (charts/memory-system, see its README for every key).
import { parseDuration } from '../config/index.js';
import type {
  GatewayConfig,
  ReleaseConfig,
  ResourceRequirements,
  ServiceConfig,
  StoreConfig,
} from '../config/types.js';
import { UserError } from '../errors.js';
import type { ChartImage } from './images.js';

type Values = Record<string, unknown>;

/** The umbrella's subcharts; a release enables exactly one of them. */
export const chartComponents = ['gateway', 'api', 'memory', 'storage', 'faiss', 'neo4j', 'redis'] as const;

/** `global` values shared by every release: the seed's release strategy, health checks, scaling, intervals. */
export function globalValues(config: ReleaseConfig): Values {
  const { strategy, health_check: h } = config.deployment;
  const auto = config.scaling.auto_scaling;
  return {
    partOf: config.name,
    deployment: {
      strategy:
        strategy.type === 'recreate'
          ? { type: 'Recreate' }
          : { type: 'RollingUpdate', maxSurge: strategy.max_surge, maxUnavailable: strategy.max_unavailable },
    },
    healthCheck: {
      initialDelaySeconds: h.initial_delay,
      periodSeconds: h.period,
      timeoutSeconds: h.timeout,
      successThreshold: h.success_threshold,
      failureThreshold: h.failure_threshold,
    },
    autoscaling: {
      enabled: auto.enabled,
      minReplicas: auto.min_replicas,
      maxReplicas: auto.max_replicas,
      targetCPUUtilizationPercentage: auto.target_cpu_utilization,
      targetMemoryUtilizationPercentage: auto.target_memory_utilization,
    },
    monitoring: {
      scrapeInterval: config.monitoring.prometheus.global.scrape_interval,
      evaluationInterval: config.monitoring.prometheus.global.evaluation_interval,
    },
  };
}

/** Where each store is, for the app tiers' egress policy: its Service, or a managed endpoint. */
export function storeEndpoints(config: ReleaseConfig): Values {
  return Object.fromEntries(
    Object.entries(config.stores).map(([name, s]) => [
      name,
      { host: name, port: s.external?.port ?? s.port, external: s.external !== undefined },
    ]),
  );
}

/**
 * Resolves an environment value that names a component or a store alias (DB_HOST=db) to that component's
 * Service host name (neo4j): Services are named after their component.
 */
export function resolveEnvironment(
  entries: readonly string[],
  hostOf: ReadonlyMap<string, string>,
  where: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) {
      throw new UserError(`${where}: "${entry}" is not KEY=value`, 'write environment entries as KEY=value');
    }
    const value = entry.slice(eq + 1);
    env[entry.slice(0, eq)] = hostOf.get(value) ?? value;
  }
  return env;
}

/** "8000:8000" -> service and container port. */
export function parsePortMapping(
  mapping: string,
  where: string,
): { servicePort: number; containerPort: number } {
  const m = /^(\d{1,5})(?::(\d{1,5}))?$/.exec(mapping);
  const servicePort = Number(m?.[1]);
  const containerPort = Number(m?.[2] ?? m?.[1]);
  if (!m || !validPort(servicePort) || !validPort(containerPort)) {
    throw new UserError(
      `${where}: "${mapping}" is not a port mapping`,
      'write ports as "servicePort:containerPort", e.g. "8000:8000"',
    );
  }
  return { servicePort, containerPort };
}

const validPort = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 65535;

/** "api_data:/data" -> a volume named api-data (a DNS-1123 name) mounted at /data. */
export function parseVolume(volume: string, where: string): { name: string; mountPath: string } {
  const colon = volume.indexOf(':');
  const name = volume
    .slice(0, colon)
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');
  const mountPath = volume.slice(colon + 1);
  if (colon <= 0 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || !mountPath.startsWith('/')) {
    throw new UserError(
      `${where}: "${volume}" is not a volume`,
      'write volumes as "name:/absolute/path", e.g. "api_data:/data"',
    );
  }
  return { name, mountPath };
}

const resources = (own: ResourceRequirements | undefined, config: ReleaseConfig): ResourceRequirements =>
  own ?? config.kubernetes.resources;

export function serviceValues(
  name: string,
  service: ServiceConfig,
  image: ChartImage,
  config: ReleaseConfig,
  hostOf: ReadonlyMap<string, string>,
): Values {
  const where = `services.${name}`;
  const [first] = service.ports;
  if (first === undefined)
    throw new UserError(
      `${where}.ports is empty`,
      'list the port the service listens on, e.g. ["8000:8000"]',
    );
  const { servicePort, containerPort } = parsePortMapping(first, `${where}.ports[0]`);
  const deployment = config.kubernetes.deployments?.[name];
  const replicas = config.scaling.manual_scaling[`${name}_replicas`];
  return {
    image,
    containerPort,
    service: { port: servicePort },
    healthPath: service.health_path ?? '/healthz',
    env: resolveEnvironment(service.environment ?? [], hostOf, `${where}.environment`),
    volumes: (service.volumes ?? []).map((v, i) => parseVolume(v, `${where}.volumes[${i}]`)),
    resources: resources(service.resources, config),
    ...(replicas === undefined ? {} : { replicas }),
    ...(deployment?.name ? { workloadName: deployment.name } : {}),
    ...(deployment?.labels ? { extraLabels: deployment.labels } : {}),
  };
}

export function storeValues(
  name: string,
  store: StoreConfig,
  image: ChartImage,
  config: ReleaseConfig,
): Values {
  const common = {
    image,
    port: store.port,
    resources: resources(store.resources, config),
    external: store.external
      ? { host: store.external.host, port: store.external.port ?? store.port }
      : { host: '' },
    backup: storeBackupValues(config.backup),
  };
  const s = config.storage_scaling;
  switch (name) {
    case 'faiss':
      return {
        ...common,
        shards: s.faiss_scaling.shards,
        replicas: s.faiss_scaling.replicas,
        indexSizeLimit: s.faiss_scaling.index_size_limit,
      };
    case 'neo4j':
      return {
        ...common,
        coreServers: s.neo4j_scaling.core_servers,
        readReplicas: s.neo4j_scaling.read_replicas,
      };
    case 'redis':
      return {
        ...common,
        masters: s.redis_scaling.master_replicas,
        replicasPerMaster: s.redis_scaling.slave_replicas,
      };
    default:
      throw unknownComponent(`stores.${name}`);
  }
}

/** Seed 5.1 data_backup: the store's backup CronJob (its snapshots are tagged env=<namespace>). */
function storeBackupValues(backup: ReleaseConfig['backup']): Values {
  return {
    enabled: true,
    schedule: backup.data_backup.schedule,
    type: backup.data_backup.type,
    repository: { url: backup.repository.url, passwordSecret: backup.repository.password_secret },
  };
}

export function gatewayValues(gateway: GatewayConfig, image: ChartImage, config: ReleaseConfig): Values {
  // The gateway balances the first service it depends on (the API tier in the seed).
  const upstream = gateway.depends_on.find((d) => d in config.services);
  if (upstream === undefined) {
    throw new UserError(
      'gateway.depends_on names no service, so the gateway has nothing to balance',
      `add the API tier, e.g. depends_on: [${Object.keys(config.services)[0] ?? 'api'}]`,
    );
  }
  const service = config.services[upstream] as ServiceConfig;
  const ports = parsePortMapping(service.ports[0] ?? '', `services.${upstream}.ports[0]`);
  return {
    image,
    replicas: gateway.replicas,
    waf: { enabled: gateway.waf.enabled },
    service: { type: gateway.service.type, port: gateway.service.port },
    ingress: {
      enabled: gateway.ingress?.enabled ?? false,
      host: gateway.ingress?.host ?? '',
      className: gateway.ingress?.class_name ?? '',
    },
    upstream: { host: upstream, port: ports.servicePort },
    networkPolicy: { upstreamComponent: upstream },
  };
}

/**
 * The objects shared by all components (default-deny policy, scrape config, rules, logging), rendered by one
 * release only.
 */
export function platformValues(config: ReleaseConfig): Values {
  const prometheus = config.monitoring.prometheus;
  const es = config.logging.elasticsearch;
  const verification = config.verification;
  return {
    enabled: true,
    monitoring: {
      scrapeConfigs: prometheus.scrape_configs,
      rules: {
        errorRatioThreshold: config.rollback.error_rate_threshold,
        ...(verification.latency_quantile === undefined
          ? {}
          : { latencyAlertQuantile: String(verification.latency_quantile) }),
        ...(verification.latency_threshold === undefined
          ? {}
          : { latencyThresholdSeconds: parseDuration(verification.latency_threshold) / 1000 }),
      },
    },
    logging: {
      elasticsearch: {
        clusterName: es.cluster_name,
        nodes: es.nodes,
        external: { url: es.external?.url ?? '' },
      },
      // The seed names indices <component>-logs; each receives that component's logs.
      indices: es.indices.map((i) => ({
        name: i.name,
        component: i.name.replace(/-logs$/, ''),
        retention: i.retention,
      })),
    },
  };
}

export const unknownComponent = (where: string): UserError =>
  new UserError(
    `${where}: the memory-system chart has no subchart for this component`,
    `the chart deploys ${chartComponents.join(', ')}; point \`chart:\` at a chart that has it, or remove it`,
  );
