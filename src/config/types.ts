// The release configuration as the pipeline sees it after loading, validation and environment merge.
// Field names are the seed's own (snake_case); schemas/release-config.schema.json is the authority
// on what a file may contain. It is generated from src/config/schema-source.ts, whose object
// builders are typed by these interfaces, so a key added or renamed here fails the build there.

export type Quantity = string; // Kubernetes quantity, e.g. "1", "0.5", "512Mi"
export type Duration = string; // e.g. "15s", "5m", "30d", "500ms"
export type Size = string; // e.g. "100GB", "512Mi"

export interface ResourceRequirements {
  limits?: { cpu?: Quantity; memory?: Quantity };
  requests?: { cpu?: Quantity; memory?: Quantity };
}

export interface BuildSpec {
  context: string; // directory, relative to the config file
  containerfile?: string; // relative to context; default Containerfile, then Dockerfile
  args?: Record<string, string>;
}

/** Seed 2.1: an application tier (api, memory, storage). */
export interface ServiceConfig {
  image: string; // "memory_system/api:latest"; the registry is prefixed unless the image names one
  ports: string[]; // "8000:8000" (servicePort:containerPort)
  environment?: string[]; // "KEY=value"; a value naming a store or alias resolves to that store's Service
  volumes?: string[]; // "api_data:/data"
  depends_on?: string[]; // component names or store aliases
  resources?: ResourceRequirements; // overrides kubernetes.resources
  health_path?: string; // default /healthz
  build?: BuildSpec;
}

/** Seed 1.1 storage layer: faiss, neo4j, redis. */
export interface StoreConfig {
  image: string;
  port: number;
  aliases?: string[];
  resources?: ResourceRequirements;
  /** A managed endpoint that replaces the in-cluster store. */
  external?: { host: string; port?: number };
  build?: BuildSpec;
}

export interface GatewayConfig {
  enabled: boolean;
  image: string;
  replicas: number;
  depends_on: string[];
  waf: { enabled: boolean };
  service: { type: 'LoadBalancer' | 'ClusterIP' | 'NodePort'; port: number };
  ingress?: { enabled: boolean; host?: string; class_name?: string };
}

export interface ScrapeConfig {
  job_name: string;
  static_configs: { targets: string[] }[];
}

export type InconclusivePolicy = 'rollback' | 'hold' | 'fail';
export type RollbackCondition = 'health_check_failed' | 'error_rate_threshold' | 'manual_trigger';

export interface ReleaseConfig {
  version: 1;
  name: string;
  namespace: string;
  registry?: string;
  chart?: string; // path to the umbrella chart; default: the chart shipped with release-kit
  services: Record<string, ServiceConfig>;
  stores: Record<string, StoreConfig>;
  gateway: GatewayConfig;
  kubernetes: {
    resources: ResourceRequirements;
    deployments?: Record<string, { name?: string; labels?: Record<string, string> }>;
  };
  scaling: {
    auto_scaling: {
      enabled: boolean;
      min_replicas: number;
      max_replicas: number;
      target_cpu_utilization: number;
      target_memory_utilization: number;
    };
    manual_scaling: Record<string, number>; // "<service>_replicas"
  };
  storage_scaling: {
    faiss_scaling: { shards: number; replicas: number; index_size_limit: Size };
    neo4j_scaling: { core_servers: number; read_replicas: number };
    redis_scaling: { master_replicas: number; slave_replicas: number };
  };
  monitoring: {
    prometheus: {
      url?: string;
      global: { scrape_interval: Duration; evaluation_interval: Duration };
      scrape_configs: ScrapeConfig[];
      /** Metric and label names the error-ratio and latency queries use. */
      metrics?: { requests?: string; code_label?: string; latency_histogram?: string };
      /** Per-job PromQL overrides; `$job` and `$window` are substituted. */
      queries?: Record<string, { error_ratio?: string; request_rate?: string; latency?: string }>;
    };
  };
  logging: {
    elasticsearch: {
      cluster_name: string;
      nodes: number;
      indices: { name: string; retention: Duration }[];
      external?: { url: string };
    };
  };
  backup: {
    repository: { url: string; password_secret: string };
    data_backup: { schedule: string; retention: number; type: 'incremental' | 'full' };
    config_backup: { schedule: string; retention: number; type: 'incremental' | 'full' };
    migration?: { image: string; command: string[] };
  };
  deployment: {
    strategy: { type: 'rolling_update' | 'recreate'; max_surge: number; max_unavailable: number };
    health_check: {
      initial_delay: number;
      period: number;
      timeout: number;
      success_threshold: number;
      failure_threshold: number;
    };
  };
  rollback: {
    conditions: RollbackCondition[];
    error_rate_threshold: number; // a ratio, 0.05 = 5 %
    settings: { timeout: number; batch_size: number; pause_time: number };
    roll_forward_only?: string[];
  };
  verification: {
    window: Duration;
    rate_window: Duration;
    max_error_rate_increase: number; // allowed absolute increase of the error ratio over the baseline
    min_request_rate: number; // requests/s below which a measurement is inconclusive
    latency_quantile?: number;
    latency_threshold?: Duration;
    on_inconclusive: InconclusivePolicy;
  };
  environments?: Record<string, Partial<Omit<ReleaseConfig, 'environments'>>>;
}

/** A component is one Helm release: every service, every store, and the gateway. */
export type ComponentKind = 'service' | 'store' | 'gateway';
