// examples/memory-system.yaml holds every number of the deployment design (seed); this test reads each
// one back from the resolved configuration at the path the docs give it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listComponents, loadReleaseConfig, parseDuration, parseSize } from '../../src/config/index.js';
import { packageRoot } from '../../src/util/paths.js';

const example = join(packageRoot(), 'examples', 'memory-system.yaml');

describe('examples/memory-system.yaml', () => {
  it('resolves every seed number at its documented path', async () => {
    const c = await loadReleaseConfig(example);
    // 1.1 / 2.1: three tiers and three stores, services depending on their stores by the seed's names.
    expect(Object.keys(c.services)).toEqual(['api', 'memory', 'storage']);
    expect(Object.keys(c.stores)).toEqual(['faiss', 'neo4j', 'redis']);
    expect(c.services.api?.image).toBe('memory_system/api:latest');
    expect(c.services.api?.ports).toEqual(['8000:8000']);
    expect(c.services.api?.environment).toEqual(['ENV=production', 'DB_HOST=db']);
    expect(c.services.api?.volumes).toEqual(['api_data:/data']);
    expect(c.services.api?.depends_on).toEqual(expect.arrayContaining(['db', 'cache']));
    expect(c.services.memory?.depends_on).toEqual(['faiss', 'neo4j']);
    expect(c.services.storage?.depends_on).toEqual(['redis']);
    // 2.2: api-deployment, 3 replicas, app=api, limits 1 / 1Gi, requests 0.5 / 512Mi.
    expect(c.kubernetes.deployments?.api).toEqual({ name: 'api-deployment', labels: { app: 'api' } });
    expect(c.scaling.manual_scaling.api_replicas).toBe(3);
    expect(c.kubernetes.resources).toEqual({
      limits: { cpu: '1', memory: '1Gi' },
      requests: { cpu: '0.5', memory: '512Mi' },
    });
    // 3.1
    expect(c.scaling.auto_scaling).toMatchObject({
      min_replicas: 2,
      max_replicas: 10,
      target_cpu_utilization: 70,
      target_memory_utilization: 80,
    });
    expect(c.scaling.manual_scaling).toEqual({ api_replicas: 3, memory_replicas: 2, storage_replicas: 2 });
    // 3.2
    expect(c.storage_scaling.faiss_scaling).toEqual({ shards: 3, replicas: 2, index_size_limit: '100GB' });
    expect(parseSize(c.storage_scaling.faiss_scaling.index_size_limit)).toBe(100e9);
    expect(c.storage_scaling.neo4j_scaling).toEqual({ core_servers: 3, read_replicas: 2 });
    expect(c.storage_scaling.redis_scaling).toEqual({ master_replicas: 3, slave_replicas: 2 });
    // 4.1
    const prometheus = c.monitoring.prometheus;
    expect(prometheus.global).toEqual({ scrape_interval: '15s', evaluation_interval: '15s' });
    expect(parseDuration(prometheus.global.scrape_interval)).toBe(15_000);
    expect(
      prometheus.scrape_configs.map((j) => [j.job_name, j.static_configs.flatMap((s) => s.targets)]),
    ).toEqual([
      ['api', ['api:8000']],
      ['memory', ['memory:8001']],
      ['storage', ['storage:8002']],
    ]);
    // 4.2
    const es = c.logging.elasticsearch;
    expect([es.cluster_name, es.nodes]).toEqual(['memory-system', 3]);
    expect(es.indices).toEqual([
      { name: 'api-logs', retention: '30d' },
      { name: 'memory-logs', retention: '30d' },
      { name: 'storage-logs', retention: '30d' },
    ]);
    expect(parseDuration('30d')).toBe(30 * 86_400_000);
    // 5.1
    expect(c.backup.data_backup).toEqual({ schedule: '0 0 * * *', retention: 7, type: 'incremental' });
    expect(c.backup.config_backup).toEqual({ schedule: '0 0 * * 0', retention: 4, type: 'full' });
    // 6.1
    expect(c.deployment.strategy).toEqual({ type: 'rolling_update', max_surge: 1, max_unavailable: 0 });
    expect(c.deployment.health_check).toEqual({
      initial_delay: 30,
      period: 10,
      timeout: 5,
      success_threshold: 1,
      failure_threshold: 3,
    });
    // 6.2
    expect(c.rollback.conditions).toEqual(['health_check_failed', 'error_rate_threshold', 'manual_trigger']);
    expect(c.rollback.settings).toEqual({ timeout: 300, batch_size: 1, pause_time: 30 });
  });

  it('lists the components in four waves worth of dependencies, aliases resolved', async () => {
    const components = listComponents(await loadReleaseConfig(example));
    expect(components.map((c) => [c.name, c.kind, c.depends_on])).toEqual([
      ['api', 'service', ['neo4j', 'redis', 'memory', 'storage']],
      ['memory', 'service', ['faiss', 'neo4j']],
      ['storage', 'service', ['redis']],
      ['faiss', 'store', []],
      ['neo4j', 'store', []],
      ['redis', 'store', []],
      ['gateway', 'gateway', ['api']],
    ]);
  });

  it('merges an environment over the base: mappings merge, lists replace', async () => {
    const base = await loadReleaseConfig(example);
    const staging = await loadReleaseConfig(example, { environment: 'staging' });
    expect(staging.namespace).toBe('memory-system-staging');
    expect(staging.scaling.auto_scaling).toEqual({ ...base.scaling.auto_scaling, enabled: false });
    expect(staging.services.api?.environment).toEqual(['ENV=staging', 'DB_HOST=db']);
    expect(staging.services.api?.image).toBe(base.services.api?.image);
    expect(staging.verification.window).toBe('2m');
    expect(staging).not.toHaveProperty('environments');
    expect(base.environments).toHaveProperty('staging');
  });

  it('fills documented defaults into keys a minimal file leaves out', async () => {
    const staging = await loadReleaseConfig(example, { environment: 'production' });
    expect(staging.services.api?.health_path).toBe('/healthz');
    expect(staging.verification.on_inconclusive).toBe('hold');
  });
});
