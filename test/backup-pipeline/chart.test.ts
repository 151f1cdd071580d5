// The stores' backup CronJobs and restore templates as the example configuration renders them (release by
// release, as release-kit deploys): schedule from the config, Forbid, repository and password from a Secret,
// covered by the data zone's NetworkPolicy, valid Kubernetes objects; bad values fail with the field named.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadReleaseConfig } from '../../src/config/index.js';
import { planRelease } from '../../src/plan/index.js';
import { packageRoot } from '../../src/util/paths.js';
import { validateAll } from '../chart/kube-schema.js';
import { canConnect, type Pod } from '../chart/network.js';
import { find, type K8sObject, ofKind, renderChart } from '../chart/render.js';

const example = join(packageRoot(), 'examples', 'memory-system.yaml');
const stores = ['faiss', 'neo4j', 'redis'];
let objects: Map<string, K8sObject[]>;

beforeAll(async () => {
  const plan = planRelease(await loadReleaseConfig(example, { environment: 'staging' }));
  const releases = plan.releases.filter((r) => stores.includes(r.component));
  const rendered = await Promise.all(
    releases.map((r) =>
      renderChart({ major: 4, release: r.release, namespace: r.namespace, values: r.values }),
    ),
  );
  objects = new Map(releases.map((r, i) => [r.component, rendered[i] as K8sObject[]]));
}, 60_000);

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are checked field by field
const podSpec = (cron: K8sObject): any => cron.spec.jobTemplate.spec.template;

describe.each(stores)('%s', (store) => {
  it('a backup CronJob on the data_backup schedule with concurrencyPolicy Forbid, and a suspended restore template', () => {
    const all = objects.get(store) as K8sObject[];
    const backup = find(all, 'CronJob', `${store}-backup`);
    expect(backup.spec).toMatchObject({ schedule: '0 0 * * *', concurrencyPolicy: 'Forbid', suspend: false });
    const args: string[] = podSpec(backup).spec.containers[0].args;
    expect(args.slice(0, 7)).toEqual([
      store,
      '--env',
      'memory-system-staging',
      '--kind',
      'data',
      '--type',
      'incremental',
    ]);
    const restore = find(all, 'CronJob', `${store}-restore`);
    expect(restore.spec).toMatchObject({ suspend: true, concurrencyPolicy: 'Forbid' });
    expect(restore.spec.jobTemplate.spec.backoffLimit).toBe(0);
    const container = podSpec(restore).spec.containers[0];
    expect(container.args).toEqual(
      expect.arrayContaining(['restore', store, '--snapshot', '$(RESTORE_SNAPSHOT)']),
    );
    expect(container.env).toContainEqual({ name: 'RESTORE_SNAPSHOT', value: '' });
  });

  it('repository URL from the config, password from the Secret backup.repository.password_secret names', () => {
    for (const cron of ofKind(objects.get(store) as K8sObject[], 'CronJob')) {
      const c = podSpec(cron).spec.containers[0];
      expect(c.env).toContainEqual({
        name: 'RESTIC_REPOSITORY',
        value: 's3:s3.amazonaws.com/memory-system-backups',
      });
      expect(c.env).toContainEqual({
        name: 'RESTIC_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'restic-password', key: 'RESTIC_PASSWORD' } },
      });
      expect(JSON.stringify(c)).not.toMatch(/password"?:\s*"[^$]/i);
      expect(c.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      expect(podSpec(cron).spec.securityContext.runAsNonRoot).toBe(true);
    }
  });

  it("runner pods are in the data zone's policy: they reach their store and the repository, and reach nothing else", () => {
    const all = objects.get(store) as K8sObject[];
    const policies = ofKind(all, 'NetworkPolicy');
    const runner: Pod = {
      name: 'runner',
      labels: podSpec(find(all, 'CronJob', `${store}-backup`)).metadata.labels,
    };
    const storePod: Pod = {
      name: 'store',
      labels: ofKind(all, 'StatefulSet')[0]?.spec.template.metadata.labels,
    };
    const app: Pod = {
      name: 'api',
      labels: { 'release-kit.dev/zone': 'app', 'app.kubernetes.io/component': 'api' },
    };
    const selecting = policies
      .filter((p) =>
        Object.entries(p.spec.podSelector.matchLabels ?? {}).every(([k, v]) => runner.labels[k] === v),
      )
      .map((p) => p.metadata.name);
    expect(selecting).toContain(store);
    expect(selecting).toContain(`${store}-backup-repository`);
    expect(canConnect(policies, runner, storePod)).toBe(true);
    expect(canConnect(policies, runner, app)).toBe(false);
    const repository = find(all, 'NetworkPolicy', `${store}-backup-repository`);
    expect(repository.spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] },
    ]);
    // The runner never receives the store's client traffic.
    const service = find(all, 'Service', store);
    expect(Object.entries(service.spec.selector).every(([k, v]) => runner.labels[k] === v)).toBe(false);
  });
});

it('every rendered store object is a valid Kubernetes 1.30 object', async () => {
  expect(await validateAll([...objects.values()].flat())).toEqual([]);
});

it('the neo4j chain claim is kept on uninstall; the faiss runner copies every shard replica', () => {
  const claim = find(objects.get('neo4j') as K8sObject[], 'PersistentVolumeClaim', 'neo4j-backup-chain');
  expect(claim.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
  const args: string[] = podSpec(find(objects.get('faiss') as K8sObject[], 'CronJob', 'faiss-backup')).spec
    .containers[0].args;
  expect(args.filter((a) => a === '--shard')).toHaveLength(3);
  expect(args).toContain(
    '0=http://faiss-shard-0-0.faiss-shard-0.memory-system-staging.svc.cluster.local:8080,http://faiss-shard-0-1.faiss-shard-0.memory-system-staging.svc.cluster.local:8080',
  );
});

describe('values', () => {
  it('an external store renders no backup objects', async () => {
    const rendered = await renderChart({
      major: 3,
      values: {
        redis: {
          external: { host: 'cache.example.com' },
          backup: { enabled: true, repository: { url: 's3:x' } },
        },
      },
    });
    expect(
      rendered.filter((o) => o.metadata.name.startsWith('redis-') && /backup|restore/.test(o.metadata.name)),
    ).toEqual([]);
  });

  it.each([
    [{ redis: { backup: { enabled: true } } }, /backup\.repository\.url is required when backup\.enabled/],
    [{ neo4j: { backup: { type: 'differential' } } }, /neo4j[\s\S]*backup[\s\S]*type/],
    [{ faiss: { backup: { schedul: '0 0 * * *' } } }, /faiss[\s\S]*backup[\s\S]*schedul/],
  ])('refuses %j and names the field', async (values, message) => {
    await expect(renderChart({ major: 4, values })).rejects.toThrow(message);
  });
});

/** Every PVC the StatefulSets create (claim template × ordinal), with the pod and StatefulSet owning it. */
function claimsOf(all: K8sObject[]): { claim: string; pod: string; statefulSet: string; ordinal: number }[] {
  return ofKind(all, 'StatefulSet').flatMap((sts) =>
    (sts.spec.volumeClaimTemplates as { metadata: { name: string } }[]).flatMap((t) =>
      Array.from({ length: sts.spec.replicas as number }, (_, ordinal) => ({
        claim: `${t.metadata.name}-${sts.metadata.name}-${ordinal}`,
        pod: `${sts.metadata.name}-${ordinal}`,
        statefulSet: sts.metadata.name,
        ordinal,
      })),
    ),
  );
}

/** The restore CronJob's claim volumes: volume name, PVC and where the runner container sees it. */
function restoreMounts(all: K8sObject[], store: string): { volume: string; claim: string; path: string }[] {
  const pod = podSpec(find(all, 'CronJob', `${store}-restore`)).spec;
  const claims: Record<string, string> = {};
  for (const v of pod.volumes as { name: string; persistentVolumeClaim?: { claimName: string } }[]) {
    if (v.persistentVolumeClaim) claims[v.name] = v.persistentVolumeClaim.claimName;
  }
  return (pod.containers[0].volumeMounts as { name: string; mountPath: string }[])
    .filter((m) => claims[m.name])
    .map((m) => ({ volume: m.name, claim: claims[m.name] as string, path: m.mountPath }));
}

describe('the restore Job template mounts one data volume at /data (release-kit points it at each pod in turn)', () => {
  it.each([
    ['redis', 'redis-0', ['--stage', '/stage', '--target', '/data']],
    ['faiss', 'faiss-shard-0-0', ['--shard', '$(RESTORE_SHARD)', '--stage', '/stage', '--target', '/data']],
    ['neo4j', 'neo4j-core-0', ['--database', 'neo4j', '--stage', '/stage']],
  ])('%s: volume "data" is the PVC of %s, a claim its StatefulSets create', (store, firstPod, args) => {
    const all = objects.get(store) as K8sObject[];
    expect(restoreMounts(all, store)).toEqual([{ volume: 'data', claim: `data-${firstPod}`, path: '/data' }]);
    expect(claimsOf(all).map((c) => c.claim)).toContain(`data-${firstPod}`);
    const container = podSpec(find(all, 'CronJob', `${store}-restore`)).spec.containers[0];
    const common = ['restore', store, '--env', 'memory-system-staging', '--snapshot', '$(RESTORE_SNAPSHOT)'];
    expect(container.args).toEqual([...common, ...args]);
    if (store === 'faiss') expect(container.env).toContainEqual({ name: 'RESTORE_SHARD', value: '' });
  });

  it('the StatefulSets a restore writes into: redis 9 nodes, faiss 3 shards x 2 labelled with their shard, neo4j 3 cores + 2 read replicas', () => {
    const perSet = (store: string) =>
      Object.fromEntries(
        ofKind(objects.get(store) as K8sObject[], 'StatefulSet').map((s) => [
          s.metadata.name,
          [s.spec.replicas, s.metadata.labels?.['release-kit.dev/shard'] ?? null],
        ]),
      );
    expect(perSet('redis')).toEqual({ redis: [9, null] });
    expect(perSet('faiss')).toEqual({
      'faiss-shard-0': [2, '0'],
      'faiss-shard-1': [2, '1'],
      'faiss-shard-2': [2, '2'],
    });
    expect(perSet('neo4j')).toEqual({ 'neo4j-core': [3, null], 'neo4j-replica': [2, null] });
  });
});
