// Source of schemas/release-config.schema.json. The schema is written here, in TypeScript, for two
// reasons: the `environments.<name>` overlay is the same schema with nothing required and no defaults
// (derived by `overlayOf`, not copied by hand), and each object's property list is checked by the
// compiler against src/config/types.ts, so the schema and the ReleaseConfig type cannot drift apart.
// `npx tsx src/config/generate.ts` writes the JSON file; a test fails when it is stale.
import type {
  BuildSpec,
  GatewayConfig,
  ReleaseConfig,
  ResourceRequirements,
  ScrapeConfig,
  ServiceConfig,
  StoreConfig,
} from './types.js';

export type JsonSchema = { [keyword: string]: unknown };

type Extra = Omit<JsonSchema, 'type' | 'description'>;
type Properties<T> = { [K in keyof T]-?: JsonSchema };

const str = (description: string, extra: Extra = {}): JsonSchema => ({
  type: 'string',
  description,
  ...extra,
});
const int = (description: string, extra: Extra = {}): JsonSchema => ({
  type: 'integer',
  description,
  ...extra,
});
const num = (description: string, extra: Extra = {}): JsonSchema => ({
  type: 'number',
  description,
  ...extra,
});
const bool = (description: string, extra: Extra = {}): JsonSchema => ({
  type: 'boolean',
  description,
  ...extra,
});
const list = (description: string, items: JsonSchema, extra: Extra = {}): JsonSchema => ({
  type: 'array',
  description,
  items,
  ...extra,
});
const nonEmpty = { minLength: 1 };
const port = (description: string): JsonSchema => int(description, { minimum: 1, maximum: 65535 });
const count = (description: string, extra: Extra = {}): JsonSchema =>
  int(description, { minimum: 0, ...extra });
const seconds = (description: string, minimum: number, value: number): JsonSchema =>
  int(`${description}, in seconds.`, { minimum, default: value });

/** A closed object: every key is declared (a typo is an error, not silently ignored). */
function object<T>(
  description: string,
  properties: Properties<T>,
  required: readonly (keyof T & string)[] = [],
  extra: Extra = {},
): JsonSchema {
  return {
    type: 'object',
    description,
    ...extra,
    properties,
    ...(required.length > 0 ? { required: [...required] } : {}),
    additionalProperties: false,
  };
}

/** A mapping from names (Kubernetes-safe) to values of one schema. */
function mapOf(description: string, values: JsonSchema, extra: Extra = {}): JsonSchema {
  return {
    type: 'object',
    description,
    ...extra,
    propertyNames: { format: 'dns-label' },
    additionalProperties: values,
  };
}

const resources = (description: string): JsonSchema => {
  const pair = (what: string) =>
    object<{ cpu: unknown; memory: unknown }>(what, {
      cpu: str('CPU as a Kubernetes quantity: cores ("1", "0.5") or millicores ("500m").', {
        format: 'quantity',
      }),
      memory: str('Memory as a Kubernetes quantity, e.g. "512Mi" or "1Gi".', { format: 'quantity' }),
    });
  return object<ResourceRequirements>(description, {
    limits: pair('The most each container may use.'),
    requests: pair('What the scheduler reserves for each container; at most the limits.'),
  });
};

const build = object<BuildSpec>(
  'How release-kit builds this image (build-push action). Without it the image is pulled as named.',
  {
    context: str('Build context directory, relative to the configuration file.', nonEmpty),
    containerfile: str(
      'Containerfile path relative to the context; default Containerfile, then Dockerfile.',
      nonEmpty,
    ),
    args: {
      type: 'object',
      description: 'Build arguments (--build-arg NAME=value).',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      additionalProperties: { type: 'string', description: 'Value of the build argument.' },
    },
  },
  ['context'],
);

const image = (example: string) =>
  str(`Container image; the registry is prefixed unless the reference names one, e.g. ${example}.`, {
    format: 'image',
  });

const componentNames = (description: string): JsonSchema =>
  list(description, str('A component name or store alias.', { format: 'dns-label' }), { uniqueItems: true });

const service = object<ServiceConfig>(
  'An application tier (seed 2.1), deployed as one Helm release.',
  {
    image: image('memory_system/api:latest'),
    ports: list(
      'Ports as "servicePort:containerPort" (or one port for both); the first is the HTTP port health checks and scrapes use.',
      str('A port mapping, e.g. "8000:8000".', { format: 'port-mapping' }),
      { minItems: 1 },
    ),
    environment: list(
      'Environment variables as NAME=value; a value naming a store or alias resolves to that store.',
      str('One NAME=value assignment.', { format: 'env-assignment' }),
    ),
    volumes: list(
      'Persistent volumes as name:/mount/path[:ro].',
      str('One volume mount, e.g. api_data:/data.', { format: 'volume' }),
    ),
    depends_on: componentNames(
      'Components (services, stores or store aliases) that must be deployed and healthy first; decides the deployment waves.',
    ),
    resources: resources('Resource requests and limits for this service; overrides kubernetes.resources.'),
    health_path: str('HTTP path of the readiness and health check.', {
      format: 'url-path',
      default: '/healthz',
    }),
    build,
  },
  ['image', 'ports'],
);

const store = object<StoreConfig>(
  'A data store of the storage layer (seed 1.1), deployed as one Helm release.',
  {
    image: image('redis:7.2'),
    port: port('Port the store listens on.'),
    aliases: list(
      'Other names services use for this store (e.g. db, cache); depends_on and environment values may use them.',
      str('An alias.', { format: 'dns-label' }),
      { uniqueItems: true },
    ),
    resources: resources('Resource requests and limits for this store; overrides kubernetes.resources.'),
    external: object<NonNullable<StoreConfig['external']>>(
      'A managed endpoint that replaces the in-cluster store (no release is deployed for it).',
      {
        host: str('Host name of the managed store.', { format: 'dns-subdomain' }),
        port: port('Port of the managed store; default the store port.'),
      },
      ['host'],
    ),
    build,
  },
  ['image', 'port'],
);

const gateway = object<GatewayConfig>(
  'The Nginx load balancer with its web application firewall in the public zone (seed 1.1, 1.2).',
  {
    enabled: bool('Deploy the gateway.', { default: true }),
    image: image('nginx:1.27'),
    replicas: int('Number of gateway pods.', { minimum: 1, default: 2 }),
    depends_on: componentNames('Components the gateway routes to, deployed before it.'),
    waf: object<GatewayConfig['waf']>(
      'Web application firewall rules in the gateway.',
      { enabled: bool('Turn the WAF rules on.', { default: true }) },
      [],
      { default: {} },
    ),
    service: object<GatewayConfig['service']>(
      'The Kubernetes Service in front of the gateway.',
      {
        type: str('Service type.', {
          enum: ['LoadBalancer', 'ClusterIP', 'NodePort'],
          default: 'LoadBalancer',
        }),
        port: int('Port the Service exposes.', { minimum: 1, maximum: 65535, default: 80 }),
      },
      [],
      { default: {} },
    ),
    ingress: object<NonNullable<GatewayConfig['ingress']>>('An Ingress in front of the gateway Service.', {
      enabled: bool('Create the Ingress.', { default: false }),
      host: str('Host name the Ingress serves.', { format: 'dns-subdomain' }),
      class_name: str('IngressClass name.', { format: 'dns-subdomain' }),
    }),
  },
  ['image', 'depends_on'],
);

type Kubernetes = ReleaseConfig['kubernetes'];
const kubernetes = object<Kubernetes>(
  'Kubernetes settings (seed 2.2).',
  {
    resources: { ...resources('Default resource requests and limits of every container.'), default: {} },
    deployments: mapOf(
      'Per-component Deployment settings, keyed by component name.',
      object<NonNullable<Kubernetes['deployments']>[string]>('Deployment settings of one component.', {
        name: str('Deployment name (default: derived from the release).', { format: 'dns-subdomain' }),
        labels: {
          type: 'object',
          description: 'Extra labels on the Deployment and its pods.',
          propertyNames: { format: 'label-key' },
          additionalProperties: str('Label value.', { format: 'label-value' }),
        },
      }),
    ),
  },
  [],
  { default: {} },
);

type Scaling = ReleaseConfig['scaling'];
const scaling = object<Scaling>(
  'Horizontal scaling of the services (seed 3.1, ScalingConfig).',
  {
    auto_scaling: object<Scaling['auto_scaling']>(
      'A HorizontalPodAutoscaler per service; while enabled it owns the replica count.',
      {
        enabled: bool('Create the autoscalers.', { default: true }),
        min_replicas: int('Fewest replicas the autoscaler keeps.', { minimum: 1 }),
        max_replicas: int('Most replicas the autoscaler creates (at least min_replicas).', { minimum: 1 }),
        target_cpu_utilization: int('Average CPU utilization to aim for (percent of requests).', {
          minimum: 1,
          maximum: 100,
          default: 70,
        }),
        target_memory_utilization: int('Average memory utilization to aim for (percent of requests).', {
          minimum: 1,
          maximum: 100,
          default: 80,
        }),
      },
      ['min_replicas', 'max_replicas'],
    ),
    manual_scaling: {
      type: 'object',
      description:
        'Fixed replica counts keyed <service>_replicas (e.g. api_replicas), used while auto_scaling is disabled.',
      propertyNames: { pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?_replicas$' },
      additionalProperties: count('Replica count of the service.'),
      default: {},
    },
  },
  ['auto_scaling'],
);

type StorageScaling = ReleaseConfig['storage_scaling'];
const storageScaling = object<StorageScaling>(
  'Scaling of the stores (seed 3.2, StorageScaling).',
  {
    faiss_scaling: object<StorageScaling['faiss_scaling']>(
      'FAISS vector index cluster.',
      {
        shards: int('Number of index shards.', { minimum: 1 }),
        replicas: int('Replicas of each shard.', { minimum: 1 }),
        index_size_limit: str('Largest index size per shard, e.g. 100GB.', { format: 'size' }),
      },
      ['shards', 'replicas', 'index_size_limit'],
    ),
    neo4j_scaling: object<StorageScaling['neo4j_scaling']>(
      'Neo4j causal cluster.',
      {
        core_servers: int('Core servers (a quorum: an odd number is advised).', { minimum: 1 }),
        read_replicas: count('Read replicas.'),
      },
      ['core_servers', 'read_replicas'],
    ),
    redis_scaling: object<StorageScaling['redis_scaling']>(
      'Redis cluster.',
      {
        master_replicas: int('Number of masters (hash-slot owners).', { minimum: 1 }),
        slave_replicas: count('Replicas of each master.'),
      },
      ['master_replicas', 'slave_replicas'],
    ),
  },
  ['faiss_scaling', 'neo4j_scaling', 'redis_scaling'],
);

type Prometheus = ReleaseConfig['monitoring']['prometheus'];
const scrapeConfig = object<ScrapeConfig>(
  'One Prometheus scrape job.',
  {
    job_name: str('Job name; the verification queries select series by it.', { format: 'dns-label' }),
    static_configs: list(
      'Static target groups.',
      object<ScrapeConfig['static_configs'][number]>(
        'One target group.',
        {
          targets: list(
            'Targets as host:port.',
            str('A scrape target, e.g. api:8000.', { format: 'host-port' }),
            {
              minItems: 1,
            },
          ),
        },
        ['targets'],
      ),
      { minItems: 1 },
    ),
  },
  ['job_name', 'static_configs'],
);

const monitoring = object<ReleaseConfig['monitoring']>(
  'Monitoring (seed 4.1).',
  {
    prometheus: object<Prometheus>(
      'Prometheus: scrape configuration, and the server the verification queries.',
      {
        url: str('URL of the Prometheus server verification queries.', { format: 'http-url' }),
        global: object<Prometheus['global']>(
          'Global Prometheus settings.',
          {
            scrape_interval: str('How often targets are scraped.', { format: 'duration', default: '15s' }),
            evaluation_interval: str('How often rules are evaluated.', {
              format: 'duration',
              default: '15s',
            }),
          },
          [],
          { default: {} },
        ),
        scrape_configs: list('Scrape jobs, one per service.', scrapeConfig, { minItems: 1 }),
        metrics: object<NonNullable<Prometheus['metrics']>>(
          'Metric and label names the verification queries use.',
          {
            requests: str('Counter of HTTP requests.', { format: 'dns-label' }),
            code_label: str('Label of that counter holding the HTTP status code.', nonEmpty),
            latency_histogram: str('Histogram of request durations (without _bucket).', nonEmpty),
          },
        ),
        queries: {
          type: 'object',
          description: 'Per-job PromQL overrides; $job and $window are substituted.',
          propertyNames: { format: 'dns-label' },
          additionalProperties: object<NonNullable<Prometheus['queries']>[string]>('Queries of one job.', {
            error_ratio: str('PromQL giving the ratio of failed requests (0..1).', nonEmpty),
            request_rate: str('PromQL giving requests per second.', nonEmpty),
            latency: str('PromQL giving the latency quantile in seconds.', nonEmpty),
          }),
        },
      },
      ['scrape_configs'],
    ),
  },
  ['prometheus'],
);

type Elasticsearch = ReleaseConfig['logging']['elasticsearch'];
const logging = object<ReleaseConfig['logging']>(
  'Logging (seed 4.2).',
  {
    elasticsearch: object<Elasticsearch>(
      'Elasticsearch cluster holding the service logs.',
      {
        cluster_name: str('Cluster name.', { format: 'dns-label' }),
        nodes: int('Number of nodes.', { minimum: 1 }),
        indices: list(
          'Log indices and how long each is kept.',
          object<Elasticsearch['indices'][number]>(
            'One index.',
            {
              name: str('Index name.', { format: 'dns-label' }),
              retention: str('How long documents are kept, e.g. 30d.', { format: 'duration' }),
            },
            ['name', 'retention'],
          ),
        ),
        external: object<NonNullable<Elasticsearch['external']>>(
          'A managed Elasticsearch that replaces the in-cluster one.',
          { url: str('URL of the managed cluster.', { format: 'http-url' }) },
          ['url'],
        ),
      },
      ['cluster_name', 'nodes', 'indices'],
    ),
  },
  ['elasticsearch'],
);

type Backup = ReleaseConfig['backup'];
const backupJob = (what: string, schedule: string, retention: number, type: string) =>
  object<Backup['data_backup']>(
    `${what}.`,
    {
      schedule: str('When it runs: a five-field cron schedule (UTC).', { format: 'cron', default: schedule }),
      retention: int('How many backups are kept (one per scheduled run).', {
        minimum: 1,
        default: retention,
      }),
      type: str('incremental stores only what changed since the last backup; full stores everything.', {
        enum: ['incremental', 'full'],
        default: type,
      }),
    },
    [],
    { default: {} },
  );
const backup = object<Backup>(
  'Backups (seed 5.1, BackupConfig).',
  {
    repository: object<Backup['repository']>(
      'The restic repository backups are written to.',
      {
        url: str('restic repository location, e.g. s3:s3.amazonaws.com/bucket or /srv/restic.', nonEmpty),
        password_secret: str('Name of the Kubernetes Secret holding the repository password.', {
          format: 'dns-subdomain',
        }),
      },
      ['url', 'password_secret'],
    ),
    data_backup: backupJob('Backup of the stores’ data', '0 0 * * *', 7, 'incremental'),
    config_backup: backupJob('Backup of the configuration', '0 0 * * 0', 4, 'full'),
    migration: object<NonNullable<Backup['migration']>>(
      'The data migration step of the restore flow (seed 5.2).',
      {
        image: image('memory_system/migrate:latest'),
        command: list('Command and arguments.', str('One argument.'), { minItems: 1 }),
      },
      ['image', 'command'],
    ),
  },
  ['repository'],
);

type Deployment = ReleaseConfig['deployment'];
const deployment = object<Deployment>(
  'How releases roll out (seed 6.1, DeploymentConfig).',
  {
    strategy: object<Deployment['strategy']>(
      'Rollout strategy of each Deployment.',
      {
        type: str('rolling_update replaces pods gradually; recreate stops all old pods first.', {
          enum: ['rolling_update', 'recreate'],
          default: 'rolling_update',
        }),
        max_surge: count('Pods created above the desired count during a rolling update.', { default: 1 }),
        max_unavailable: count('Pods that may be unavailable during a rolling update.', { default: 0 }),
      },
      [],
      { default: {} },
    ),
    health_check: object<Deployment['health_check']>(
      'Readiness and liveness probes of every service.',
      {
        initial_delay: seconds('Wait before the first probe', 0, 30),
        period: seconds('Time between probes', 1, 10),
        timeout: seconds('Time a probe may take', 1, 5),
        success_threshold: int('Consecutive successes that make a pod ready.', { minimum: 1, default: 1 }),
        failure_threshold: int('Consecutive failures that make a pod unready.', { minimum: 1, default: 3 }),
      },
      [],
      { default: {} },
    ),
  },
  [],
  { default: {} },
);

type Rollback = ReleaseConfig['rollback'];
const rollback = object<Rollback>(
  'Automatic and manual rollback (seed 6.2, RollbackConfig).',
  {
    conditions: list(
      'What triggers a rollback.',
      str('A trigger.', { enum: ['health_check_failed', 'error_rate_threshold', 'manual_trigger'] }),
      { uniqueItems: true, default: ['health_check_failed', 'error_rate_threshold', 'manual_trigger'] },
    ),
    error_rate_threshold: num('Error ratio (0.05 = 5 %) above which error_rate_threshold triggers.', {
      exclusiveMinimum: 0,
      maximum: 1,
      default: 0.05,
    }),
    settings: object<Rollback['settings']>(
      'How a rollback proceeds.',
      {
        timeout: seconds('Time each release may take to roll back', 1, 300),
        batch_size: int('Releases rolled back at a time.', { minimum: 1, default: 1 }),
        pause_time: seconds('Pause between batches', 0, 30),
      },
      [],
      { default: {} },
    ),
    roll_forward_only: list(
      'Components never rolled back automatically (e.g. a store whose data format only moves forward).',
      str('A component name.', { format: 'dns-label' }),
      { uniqueItems: true },
    ),
  },
  [],
  { default: {} },
);

type Verification = ReleaseConfig['verification'];
const verification = object<Verification>(
  'The post-deploy health gate.',
  {
    window: str(
      'How long a verification observes: after each wave and after the last with `release-kit deploy --verify`, once after the deploy in the actions.',
      { format: 'duration', default: '5m' },
    ),
    rate_window: str('Range of the rate() in error-ratio queries.', { format: 'duration', default: '1m' }),
    max_error_rate_increase: num(
      'Allowed absolute increase of the error ratio over the pre-deploy baseline.',
      {
        minimum: 0,
        maximum: 1,
        default: 0.01,
      },
    ),
    min_request_rate: num('Requests per second below which a measurement is inconclusive.', {
      minimum: 0,
      default: 0.5,
    }),
    latency_quantile: num('Latency quantile to check, e.g. 0.99.', {
      exclusiveMinimum: 0,
      exclusiveMaximum: 1,
    }),
    latency_threshold: str('Highest allowed latency at that quantile, e.g. 500ms.', { format: 'duration' }),
    on_inconclusive: str(
      'What an inconclusive verification does: rollback, hold (stop, keep the release) or fail.',
      {
        enum: ['rollback', 'hold', 'fail'],
        default: 'hold',
      },
    ),
  },
  [],
  { default: {} },
);

type Base = Omit<ReleaseConfig, 'environments'>;
const baseProperties: Properties<Base> = {
  version: int('Version of this configuration format.', { const: 1 }),
  name: str('Name of the system; prefixes the Helm release names.', { format: 'dns-label' }),
  namespace: str('Kubernetes namespace the releases go to.', { format: 'dns-label' }),
  registry: str('Registry prefixed to images that do not name one, e.g. registry.example.com.', {
    format: 'registry',
  }),
  chart: str('Path of the umbrella chart; default: the chart shipped with release-kit.', nonEmpty),
  services: mapOf('The application tiers, keyed by name (seed 2.1).', service, { minProperties: 1 }),
  stores: mapOf('The data stores, keyed by name (seed 1.1 storage layer).', store),
  gateway,
  kubernetes,
  scaling,
  storage_scaling: storageScaling,
  monitoring,
  logging,
  backup,
  deployment,
  rollback,
  verification,
};
const baseRequired = [
  'version',
  'name',
  'namespace',
  'services',
  'stores',
  'gateway',
  'scaling',
  'storage_scaling',
  'monitoring',
  'logging',
  'backup',
] as const satisfies readonly (keyof Base)[];

/** The schema with nothing required and no defaults: an environment overrides only what it names. */
export function overlayOf(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(overlayOf);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === 'required' || keyword === 'default' || keyword === 'minProperties') continue;
    // Property maps hold names, not keywords: recurse into each value only.
    out[keyword] =
      keyword === 'properties'
        ? Object.fromEntries(Object.entries(value as JsonSchema).map(([k, v]) => [k, overlayOf(v)]))
        : overlayOf(value);
  }
  return out;
}

const { version: _version, ...overridable } = baseProperties;

export function buildReleaseConfigSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://release-kit.dev/schemas/release-config.schema.json',
    title: 'release-kit release configuration',
    description:
      'Release configuration of the memory system: components, scaling, monitoring, backups, rollout, rollback and verification.',
    type: 'object',
    properties: {
      ...baseProperties,
      environments: mapOf(
        'Per-environment overrides, deep-merged over everything above (mappings merge, lists replace). Select one with --env / the environment input.',
        object<Omit<Base, 'version'>>(
          'Overrides of one environment: any key of the base configuration except version; nothing is required.',
          overlayOf(overridable) as Properties<Omit<Base, 'version'>>,
        ),
      ),
    },
    required: [...baseRequired],
    additionalProperties: false,
  };
}
