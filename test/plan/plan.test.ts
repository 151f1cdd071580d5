// planRelease: config (+ images map) -> one release per component with its values, in waves from depends_on.
import { join } from 'node:path';
import { fc, test as fcTest } from '@fast-check/vitest';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadReleaseConfig } from '../../src/config/index.js';
import type { ReleaseConfig } from '../../src/config/types.js';
import { UserError } from '../../src/errors.js';
import { computeWaves, type Plan, planRelease, qualifyImage, toChartImage } from '../../src/plan/index.js';
import { defaultChartPath, packageRoot } from '../../src/util/paths.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
let example: ReleaseConfig;
beforeAll(async () => {
  example = await loadReleaseConfig(join(packageRoot(), 'examples', 'memory-system.yaml'));
});

const release = (plan: Plan, component: string) => {
  const found = plan.releases.find((r) => r.component === component);
  if (!found) throw new Error(`no release for ${component}`);
  return found;
};
// biome-ignore lint/suspicious/noExplicitAny: values are plain data checked field by field
const own = (plan: Plan, component: string): any => release(plan, component).values[component];

describe('the example configuration', () => {
  test('plans 7 releases in 4 waves: stores, then memory/storage, then api, then the gateway', () => {
    const plan = planRelease(example);
    expect(plan.waves).toEqual([['faiss', 'neo4j', 'redis'], ['memory', 'storage'], ['api'], ['gateway']]);
    expect(plan.releases.map((r) => [r.wave, r.release, r.kind])).toEqual([
      [1, 'memory-system-faiss', 'store'],
      [1, 'memory-system-neo4j', 'store'],
      [1, 'memory-system-redis', 'store'],
      [2, 'memory-system-memory', 'service'],
      [2, 'memory-system-storage', 'service'],
      [3, 'memory-system-api', 'service'],
      [4, 'memory-system-gateway', 'gateway'],
    ]);
    for (const r of plan.releases) {
      expect(r.namespace).toBe('memory-system');
      expect(r.chart).toBe(defaultChartPath());
    }
  });

  test('each release enables only its own component; the first release also carries the shared objects', () => {
    const plan = planRelease(example);
    for (const r of plan.releases) {
      const enabled = ['gateway', 'api', 'memory', 'storage', 'faiss', 'neo4j', 'redis'].filter(
        (c) => (r.values[c] as { enabled: boolean }).enabled,
      );
      expect(enabled).toEqual([r.component]);
      expect((r.values.platform as { enabled: boolean }).enabled).toBe(r.component === 'faiss');
    }
  });

  test('service values carry the seed: ports, env resolved to Service names, volumes, resources, replicas', () => {
    const plan = planRelease(example);
    expect(own(plan, 'api')).toMatchObject({
      image: { repository: 'registry.example.com/memory_system/api', tag: 'latest', digest: '' },
      containerPort: 8000,
      service: { port: 8000 },
      env: { ENV: 'production', DB_HOST: 'neo4j' },
      volumes: [{ name: 'api-data', mountPath: '/data' }],
      resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '0.5', memory: '512Mi' } },
      replicas: 3,
      workloadName: 'api-deployment',
      extraLabels: { app: 'api' },
    });
    expect(own(plan, 'memory').env).toEqual({ FAISS_HOST: 'faiss', NEO4J_HOST: 'neo4j' });
    expect(own(plan, 'storage').env).toEqual({ REDIS_HOST: 'redis' });
    expect(own(plan, 'faiss')).toMatchObject({ shards: 3, replicas: 2, indexSizeLimit: '100GB', port: 8080 });
    expect(own(plan, 'neo4j')).toMatchObject({ coreServers: 3, readReplicas: 2 });
    expect(own(plan, 'redis')).toMatchObject({ masters: 3, replicasPerMaster: 2 });
    expect(own(plan, 'gateway')).toMatchObject({
      replicas: 2,
      waf: { enabled: true },
      service: { type: 'LoadBalancer', port: 80 },
      upstream: { host: 'api', port: 8000 },
    });
    expect(release(plan, 'api').values.global).toMatchObject({
      deployment: { strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 } },
      healthCheck: {
        initialDelaySeconds: 30,
        periodSeconds: 10,
        timeoutSeconds: 5,
        successThreshold: 1,
        failureThreshold: 3,
      },
      autoscaling: {
        enabled: true,
        minReplicas: 2,
        maxReplicas: 10,
        targetCPUUtilizationPercentage: 70,
        targetMemoryUtilizationPercentage: 80,
      },
      monitoring: { scrapeInterval: '15s', evaluationInterval: '15s' },
    });
  });

  test('shared objects: scrape jobs, error-ratio threshold, Elasticsearch and per-service indices', () => {
    const platform = release(planRelease(example), 'faiss').values.platform;
    expect(platform).toMatchObject({
      monitoring: {
        scrapeConfigs: example.monitoring.prometheus.scrape_configs,
        rules: { errorRatioThreshold: 0.05, latencyAlertQuantile: '0.99', latencyThresholdSeconds: 0.5 },
      },
      logging: {
        elasticsearch: { clusterName: 'memory-system', nodes: 3, external: { url: '' } },
        indices: [
          { name: 'api-logs', component: 'api', retention: '30d' },
          { name: 'memory-logs', component: 'memory', retention: '30d' },
          { name: 'storage-logs', component: 'storage', retention: '30d' },
        ],
      },
    });
  });
});

describe('changes stay in their release', () => {
  const changes: [string, (c: ReleaseConfig) => void][] = [
    ['memory', (c) => (c.services.memory as { environment: string[] }).environment.push('LOG_LEVEL=debug')],
    ['api', (c) => ((c.services.api as { image: string }).image = 'memory_system/api:1.2.3')],
    ['redis', (c) => (c.storage_scaling.redis_scaling.slave_replicas = 1)],
    ['neo4j', (c) => ((c.stores.neo4j as { image: string }).image = 'neo4j:5.27-enterprise')],
    ['gateway', (c) => (c.gateway.waf.enabled = false)],
  ];
  test.each(changes)('a change to %s changes only that release', (component, change) => {
    const before = planRelease(example);
    const config = structuredClone(example);
    change(config);
    const after = planRelease(config);
    const changed = after.releases
      .filter((r, i) => JSON.stringify(r.values) !== JSON.stringify(before.releases[i]?.values))
      .map((r) => r.component);
    expect(changed).toEqual([component]);
  });
});

describe('images', () => {
  test('an images map pins a release to a digest; the others keep the config image', () => {
    const pinned = `registry.example.com/memory_system/api@${DIGEST}`;
    const plan = planRelease(example, { images: { api: pinned } });
    expect(release(plan, 'api').image).toBe(pinned);
    expect(own(plan, 'api').image).toEqual({
      repository: 'registry.example.com/memory_system/api',
      tag: '',
      digest: DIGEST,
    });
    expect(release(plan, 'memory').image).toBe('registry.example.com/memory_system/memory:latest');
  });

  test('an images map naming no component of the config is refused', () => {
    expect(() => planRelease(example, { images: { search: `r/x@${DIGEST}` } })).toThrow(
      /the images map names "search", not a component of memory-system/,
    );
  });

  test.each([
    ['memory_system/api:latest', 'registry.example.com', 'registry.example.com/memory_system/api:latest'],
    ['redis:7.2', 'registry.example.com/', 'registry.example.com/redis:7.2'],
    ['ghcr.io/acme/api:1', 'registry.example.com', 'ghcr.io/acme/api:1'],
    ['localhost:5000/api:1', 'registry.example.com', 'localhost:5000/api:1'],
    ['localhost/api', 'registry.example.com', 'localhost/api'],
    ['api:1', undefined, 'api:1'],
  ])('qualifyImage(%s, %s) = %s', (image, registry, want) => {
    expect(qualifyImage(image, registry)).toBe(want);
  });

  test.each([
    ['r.io:5000/a/b:1.2', { repository: 'r.io:5000/a/b', tag: '1.2', digest: '' }],
    ['r.io:5000/a/b', { repository: 'r.io:5000/a/b', tag: 'latest', digest: '' }],
    [`r.io/a@${DIGEST}`, { repository: 'r.io/a', tag: '', digest: DIGEST }],
    [`r.io/a:1@${DIGEST}`, { repository: 'r.io/a', tag: '1', digest: DIGEST }],
  ])('toChartImage(%s)', (ref, want) => {
    expect(toChartImage(ref)).toEqual(want);
  });
});

describe('stores', () => {
  test('an external store keeps its host name for clients and opens egress to the managed port', () => {
    const config = structuredClone(example);
    (config.stores.redis as { external?: unknown }).external = { host: 'cache.example.com', port: 6380 };
    const plan = planRelease(config);
    expect(own(plan, 'redis').external).toEqual({ host: 'cache.example.com', port: 6380 });
    expect(own(plan, 'storage').env).toEqual({ REDIS_HOST: 'redis' });
    expect(release(plan, 'storage').values.global).toMatchObject({
      stores: { redis: { host: 'redis', port: 6380, external: true }, faiss: { external: false } },
    });
  });
});

describe('bad input', () => {
  const broken = (change: (c: ReleaseConfig) => void): ReleaseConfig => {
    const config = structuredClone(example);
    change(config);
    return config;
  };

  test.each<[string, (c: ReleaseConfig) => void, RegExp]>([
    [
      'a dependency cycle',
      (c) => (c.services.memory as { depends_on: string[] }).depends_on.push('api'),
      /depends_on forms a cycle: (api -> memory -> api|memory -> api -> memory)/,
    ],
    [
      'an unknown dependency',
      (c) => (c.services.storage as { depends_on: string[] }).depends_on.push('search'),
      /storage depends on "search", which is not a component/,
    ],
    [
      'a store the chart lacks',
      (c) => (c.stores.postgres = { image: 'postgres:16', port: 5432 }),
      /stores\.postgres: the memory-system chart has no subchart/,
    ],
    [
      'a release name too long',
      (c) => (c.name = 'x'.repeat(50)),
      /release name "x+-api" .* is not a valid Helm release name/,
    ],
    [
      'a bad port mapping',
      (c) => ((c.services.api as { ports: string[] }).ports = ['http']),
      /services\.api\.ports\[0\]: "http" is not a port mapping/,
    ],
    [
      'a bad environment entry',
      (c) => ((c.services.api as { environment: string[] }).environment = ['ENV']),
      /services\.api\.environment: "ENV" is not KEY=value/,
    ],
    [
      'a gateway with no service upstream',
      (c) => (c.gateway.depends_on = []),
      /gateway\.depends_on names no service/,
    ],
  ])('%s is a UserError that says what and where', (_what, change, message) => {
    const config = broken(change);
    let error: unknown;
    try {
      planRelease(config);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(message);
    expect((error as UserError).hint).toBeTruthy();
  });
});

describe('computeWaves', () => {
  test('names the cycle', () => {
    expect(() =>
      computeWaves([
        { name: 'a', depends_on: ['c'] },
        { name: 'b', depends_on: ['a'] },
        { name: 'c', depends_on: ['b'] },
      ]),
    ).toThrow(/cycle: a -> c -> b -> a/);
  });

  // Random DAGs: a component may depend only on components listed before it.
  const dags = fc
    .integer({ min: 1, max: 12 })
    .chain((n) =>
      fc.tuple(
        ...Array.from({ length: n }, (_, i) => fc.subarray(Array.from({ length: i }, (_, j) => `c${j}`))),
      ),
    )
    .map((deps) => deps.map((d, i) => ({ name: `c${i}`, depends_on: d })));

  fcTest.prop([dags])(
    'every component deploys after all its dependencies, as early as it can',
    (components) => {
      const waves = computeWaves(components);
      const waveOf = new Map(waves.flatMap((names, i) => names.map((n) => [n, i] as const)));
      expect(waves.flat().sort()).toEqual(components.map((c) => c.name).sort());
      for (const c of components) {
        const w = waveOf.get(c.name) as number;
        for (const d of c.depends_on) expect(waveOf.get(d) as number).toBeLessThan(w);
        const earliest =
          c.depends_on.length === 0 ? 0 : Math.max(...c.depends_on.map((d) => waveOf.get(d) as number)) + 1;
        expect(w).toBe(earliest);
      }
    },
  );
});
