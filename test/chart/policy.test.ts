// Policy tests on what the example configuration renders, release by release (as release-kit deploys it):
// every seed number lands in the right field, every container is probed, bounded and locked down, every
// Deployment rolls 1/0, and the network zones allow exactly public -> api and app -> data.
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadReleaseConfig } from '../../src/config/index.js';
import { type PlannedRelease, planRelease } from '../../src/plan/index.js';
import { packageRoot } from '../../src/util/paths.js';
import type { HelmMajor } from '../support/tools.js';
import { connectionGraph, type Pod } from './network.js';
import { find, type K8sObject, ofKind, operatorApiVersions, podTemplates, renderChart } from './render.js';

const example = join(packageRoot(), 'examples', 'memory-system.yaml');

async function renderPlan(environment: string | undefined, major: HelmMajor, crds: boolean) {
  const plan = planRelease(await loadReleaseConfig(example, { environment }));
  const rendered = await Promise.all(
    plan.releases.map((r: PlannedRelease) =>
      renderChart({
        major,
        release: r.release,
        namespace: r.namespace,
        values: r.values,
        apiVersions: crds ? operatorApiVersions : [],
      }),
    ),
  );
  return new Map(plan.releases.map((r, i) => [r.component, rendered[i] as K8sObject[]]));
}

// biome-ignore lint/suspicious/noExplicitAny: containers of rendered manifests
type Container = any;
const containersOf = (o: K8sObject): Container[] => [
  ...(o.spec.template.spec.initContainers ?? []),
  ...o.spec.template.spec.containers,
];
const envOf = (c: Container): Record<string, string> =>
  Object.fromEntries(
    (c.env ?? []).filter((e: Container) => 'value' in e).map((e: Container) => [e.name, e.value]),
  );

describe.each([
  [4, true],
  [3, false],
] as const)('helm %i, operator CRDs %s', (major, crds) => {
  let byComponent: Map<string, K8sObject[]>;
  let all: K8sObject[];
  beforeAll(async () => {
    byComponent = await renderPlan(undefined, major, crds);
    all = [...byComponent.values()].flat();
  });
  const of = (component: string): K8sObject[] => byComponent.get(component) as K8sObject[];

  test('each release renders only its own component (plus the shared objects in the first one)', () => {
    for (const [component, objects] of byComponent) {
      const components = new Set(objects.map((o) => o.metadata.labels?.['app.kubernetes.io/component']));
      const shared = component === 'faiss' ? ['monitoring', 'network', 'logging'] : [];
      expect([...components].sort()).toEqual([component, ...shared].filter((c) => components.has(c)).sort());
      expect(components.has(component)).toBe(true);
    }
    expect(ofKind(of('faiss'), 'NetworkPolicy').map((p) => p.metadata.name)).toContain(
      'memory-system-default-deny',
    );
  });

  test('app tiers: seed ports, env wired to the store Services, volumes, resources (seed 2.1, 2.2)', () => {
    const expected = {
      api: {
        name: 'api-deployment',
        port: 8000,
        env: { ENV: 'production', DB_HOST: 'neo4j' },
        volume: 'api-data',
      },
      memory: {
        name: 'memory',
        port: 8001,
        env: { FAISS_HOST: 'faiss', NEO4J_HOST: 'neo4j' },
        volume: 'memory-data',
      },
      storage: { name: 'storage', port: 8002, env: { REDIS_HOST: 'redis' }, volume: 'storage-data' },
    };
    const serviceNames = new Set(ofKind(all, 'Service').map((s) => s.metadata.name));
    for (const [tier, want] of Object.entries(expected)) {
      const deployment = find(of(tier), 'Deployment', want.name);
      const [container] = deployment.spec.template.spec.containers;
      expect(container.ports).toEqual([{ name: 'http', containerPort: want.port, protocol: 'TCP' }]);
      expect(envOf(container)).toEqual(want.env);
      for (const host of Object.values(want.env).filter((v) => v !== 'production'))
        expect(serviceNames).toContain(host);
      expect(container.volumeMounts).toContainEqual({ name: want.volume, mountPath: '/data' });
      expect(container.resources).toEqual({
        limits: { cpu: '1', memory: '1Gi' },
        requests: { cpu: '0.5', memory: '512Mi' },
      });
      expect(container.image).toBe(`registry.example.com/memory_system/${tier}:latest`);
      expect(find(of(tier), 'Service', tier).spec.ports[0]).toMatchObject({
        port: want.port,
        targetPort: 'http',
      });
    }
    const api = find(of('api'), 'Deployment', 'api-deployment');
    expect(api.metadata.labels?.app).toBe('api');
    expect(api.spec.template.metadata.labels.app).toBe('api');
  });

  test('probes from health_check: httpGet /healthz on http, 30/10/5/1/3 (seed 6.1)', () => {
    for (const tier of ['api', 'memory', 'storage']) {
      const [deployment] = ofKind(of(tier), 'Deployment');
      const [c] = (deployment as K8sObject).spec.template.spec.containers;
      for (const probe of [c.readinessProbe, c.livenessProbe]) {
        expect(probe).toEqual({
          httpGet: { path: '/healthz', port: 'http' },
          initialDelaySeconds: 30,
          periodSeconds: 10,
          timeoutSeconds: 5,
          successThreshold: 1,
          failureThreshold: 3,
        });
      }
    }
  });

  test('autoscaling on: HPA v2 2..10 at cpu 70 % / memory 80 %, no fixed replicas (seed 3.1)', () => {
    for (const [tier, name] of [
      ['api', 'api-deployment'],
      ['memory', 'memory'],
      ['storage', 'storage'],
    ]) {
      const hpa = find(of(tier as string), 'HorizontalPodAutoscaler', name as string);
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
      expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([2, 10]);
      expect(
        hpa.spec.metrics.map((m: Container) => [m.resource.name, m.resource.target.averageUtilization]),
      ).toEqual([
        ['cpu', 70],
        ['memory', 80],
      ]);
      expect(find(of(tier as string), 'Deployment', name as string).spec.replicas).toBeUndefined();
      expect(ofKind(of(tier as string), 'PodDisruptionBudget')).toHaveLength(1);
    }
  });

  test('every Deployment rolls with maxSurge 1 / maxUnavailable 0 (seed 6.1)', () => {
    const deployments = ofKind(all, 'Deployment');
    expect(deployments).toHaveLength(4);
    for (const d of deployments) {
      expect(d.spec.strategy, d.metadata.name).toEqual({
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
      });
    }
  });

  test('every container has probes, resources and the restricted security context; pods run non-root', () => {
    const templates = podTemplates(all);
    expect(templates.length).toBeGreaterThanOrEqual(10);
    for (const { owner, template } of templates) {
      const where = `${owner.kind}/${owner.metadata.name}`;
      expect(template.metadata.labels['release-kit.dev/zone'], where).toMatch(/^(public|app|data)$/);
      expect(template.metadata.labels['app.kubernetes.io/component'], where).toBeTruthy();
      expect(template.spec.securityContext, where).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(template.spec.securityContext.runAsUser, where).toBeGreaterThan(0);
      for (const c of containersOf(owner)) {
        const at = `${where} container ${c.name}`;
        expect(c.securityContext, at).toMatchObject({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.resources?.limits?.cpu, at).toBeTruthy();
        expect(c.resources?.requests?.memory, at).toBeTruthy();
        // Jobs and init containers run to completion; long-running containers are probed.
        const longRunning =
          owner.kind !== 'Job' && !(owner.spec.template.spec.initContainers ?? []).includes(c);
        if (longRunning) {
          expect(c.readinessProbe, at).toBeDefined();
          expect(c.livenessProbe, at).toBeDefined();
        }
      }
    }
  });

  test('stores: faiss shards x replicas sized from index_size_limit, neo4j 3+2, redis 3x(1+2) = 9 (seed 3.2)', () => {
    const shards = ofKind(of('faiss'), 'StatefulSet');
    expect(shards.map((s) => s.metadata.name)).toEqual(['faiss-shard-0', 'faiss-shard-1', 'faiss-shard-2']);
    for (const s of shards) {
      expect(s.spec.replicas).toBe(2);
      expect(s.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('100G');
    }
    const core = find(of('neo4j'), 'StatefulSet', 'neo4j-core');
    const replica = find(of('neo4j'), 'StatefulSet', 'neo4j-replica');
    expect([core.spec.replicas, replica.spec.replicas]).toEqual([3, 2]);
    expect(envOf(core.spec.template.spec.containers[0])).toMatchObject({
      NEO4J_initial_server_mode__constraint: 'PRIMARY',
      NEO4J_initial_dbms_default__primaries__count: '3',
      NEO4J_initial_dbms_default__secondaries__count: '2',
    });
    expect(envOf(replica.spec.template.spec.containers[0]).NEO4J_initial_server_mode__constraint).toBe(
      'SECONDARY',
    );
    expect(core.spec.template.spec.containers[0].image).toBe('docker.io/library/neo4j:5.26-enterprise');
    const redis = find(of('redis'), 'StatefulSet', 'redis');
    expect(redis.spec.replicas).toBe(9);
    const bootstrap = find(of('redis'), 'Job', 'redis-cluster-bootstrap');
    expect(bootstrap.metadata.annotations?.['helm.sh/hook']).toBe('post-install,post-upgrade');
    const script = bootstrap.spec.template.spec.containers[0].command.join(' ');
    expect(script).toContain('--cluster-replicas 2');
    expect(envOf(bootstrap.spec.template.spec.containers[0]).NODES?.split(' ')).toHaveLength(9);
    for (const store of ['faiss', 'neo4j', 'redis']) {
      expect(ofKind(of(store), 'PodDisruptionBudget').length, store).toBeGreaterThan(0);
      for (const s of ofKind(of(store), 'StatefulSet')) {
        expect(s.spec.template.spec.affinity.podAntiAffinity, s.metadata.name).toBeDefined();
      }
    }
  });

  test('gateway: LoadBalancer on port 80, WAF in front of Nginx, nginx.conf balancing api:8000 (seed 1.1, 1.2)', () => {
    const service = find(of('gateway'), 'Service', 'gateway');
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.ports[0]).toMatchObject({ port: 80, targetPort: 'http' });
    const deployment = find(of('gateway'), 'Deployment', 'gateway');
    expect(deployment.spec.replicas).toBe(2);
    const containers = deployment.spec.template.spec.containers;
    const waf = containers.find((c: Container) => c.name === 'waf');
    expect(waf.ports).toEqual([{ name: 'http', containerPort: 8080 }]);
    expect(envOf(waf)).toMatchObject({ BACKEND: 'http://127.0.0.1:8081', MODSEC_RULE_ENGINE: 'On' });
    const conf = find(of('gateway'), 'ConfigMap', 'gateway-nginx').data['nginx.conf'];
    expect(conf).toMatch(/server api:8000 /);
    expect(conf).toMatch(/location = \/healthz/);
  });

  test('monitoring: 15s scrapes of jobs api/memory/storage (seed 4.1)', () => {
    if (crds) {
      const monitors = ofKind(all, 'ServiceMonitor');
      expect(monitors.map((m) => m.metadata.name).sort()).toEqual(['api', 'memory', 'storage']);
      for (const m of monitors)
        expect(m.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '15s' }]);
      expect(ofKind(all, 'PrometheusRule')).toHaveLength(1);
    } else {
      expect(ofKind(all, 'ServiceMonitor')).toHaveLength(0);
      const scrape = find(all, 'ConfigMap', 'memory-system-prometheus-scrape').data['prometheus.yml'];
      expect(scrape).toMatch(/scrape_interval: 15s\n\s+evaluation_interval: 15s/);
      for (const [job, port] of [
        ['api', 8000],
        ['memory', 8001],
        ['storage', 8002],
      ]) {
        expect(scrape).toContain(`- job_name: ${job}`);
        expect(scrape).toContain(`"${job}.memory-system.svc:${port}"`);
      }
      expect(find(all, 'ConfigMap', 'memory-system-prometheus-rules')).toBeDefined();
    }
  });

  test('logging: Elasticsearch memory-system with 3 nodes, per-service indices deleted after 30d (seed 4.2)', () => {
    if (!crds) {
      expect(ofKind(all, 'Elasticsearch')).toHaveLength(0);
      return;
    }
    const es = find(all, 'Elasticsearch', 'memory-system');
    expect(es.spec.nodeSets[0].count).toBe(3);
    const fluentBit = find(all, 'ConfigMap', 'memory-system-fluent-bit').data['fluent-bit.conf'];
    for (const index of ['api-logs', 'memory-logs', 'storage-logs'])
      expect(fluentBit).toMatch(new RegExp(`Index\\s+${index}\\n`));
    const policies = find(all, 'ConfigMap', 'memory-system-log-policies').data;
    for (const index of ['api-logs', 'memory-logs', 'storage-logs']) {
      expect(JSON.parse(policies[`${index}.policy.json`]).policy.phases.delete).toEqual({
        min_age: '30d',
        actions: { delete: {} },
      });
      expect(JSON.parse(policies[`${index}.template.json`]).template.settings['index.lifecycle.name']).toBe(
        index,
      );
    }
    const job = find(all, 'Job', 'memory-system-log-policies');
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('post-install,post-upgrade');
  });

  test('network zones: public reaches only the API, app reaches data, data accepts only app and its own peers', () => {
    const policies = ofKind(all, 'NetworkPolicy');
    // One pod per workload, named after its component (plus the shard/role for several workloads of one store).
    const pods: Pod[] = podTemplates(all)
      .filter(({ owner }) => owner.kind !== 'Job')
      .map(({ owner, template }) => ({ name: owner.metadata.name, labels: template.metadata.labels }));
    const component = (name: string): string =>
      (pods.find((p) => p.name === name) as Pod).labels['app.kubernetes.io/component'] as string;
    const zone = (name: string): string =>
      (pods.find((p) => p.name === name) as Pod).labels['release-kit.dev/zone'] as string;
    const edges = [...connectionGraph(policies, pods)].map((e) => e.split(' -> ') as [string, string]);
    const zoneEdges = new Set(
      edges
        .filter(([a, b]) => component(a) !== component(b))
        .map(([a, b]) => `${zone(a)}:${component(a)} -> ${zone(b)}:${component(b)}`),
    );
    const app = ['api', 'memory', 'storage'];
    const data = ['faiss', 'neo4j', 'redis'];
    const expected = new Set([
      'public:gateway -> app:api',
      ...app.flatMap((a) => app.filter((b) => b !== a).map((b) => `app:${a} -> app:${b}`)),
      ...app.flatMap((a) => data.map((d) => `app:${a} -> data:${d}`)),
    ]);
    expect([...zoneEdges].sort()).toEqual([...expected].sort());
    // Peers of one store talk to each other (replication, cluster bus); different stores do not.
    expect(edges).toContainEqual(['faiss-shard-0', 'faiss-shard-1']);
    expect(edges).toContainEqual(['neo4j-core', 'neo4j-replica']);
  });
});

describe('with autoscaling off (the example staging environment)', () => {
  test('fixed replicas 3/2/2 from manual_scaling and no HPA (seed 3.1)', async () => {
    const byComponent = await renderPlan('staging', 4, false);
    const counts = ['api', 'memory', 'storage'].map((tier) => {
      const objects = byComponent.get(tier) as K8sObject[];
      expect(ofKind(objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
      return (ofKind(objects, 'Deployment')[0] as K8sObject).spec.replicas;
    });
    expect(counts).toEqual([3, 2, 2]);
    const api = ofKind(byComponent.get('api') as K8sObject[], 'Deployment')[0] as K8sObject;
    expect(envOf(api.spec.template.spec.containers[0]).ENV).toBe('staging');
    expect(api.metadata.namespace).toBe('memory-system-staging');
  });
});
