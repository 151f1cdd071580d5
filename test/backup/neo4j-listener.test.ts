// The Neo4j backup listener as real helm renders the chart: the primaries listen for neo4j-admin backups on
// backup.port on every interface (Neo4j's default is 127.0.0.1 only), the port is named on the core pods and
// the headless Service, and the data zone's NetworkPolicy lets the backup runner pods reach it.
import { beforeAll, describe, expect, it } from 'vitest';
import { canConnect, type Pod } from '../chart/network.js';
import { find, type K8sObject, ofKind, renderChart } from '../chart/render.js';

const backup = { enabled: true, repository: { url: 's3:s3.amazonaws.com/backups' } };
let objects: K8sObject[];
let customPort: K8sObject[];

beforeAll(async () => {
  [objects, customPort] = await Promise.all([
    renderChart({ major: 4, namespace: 'memory-system', values: { neo4j: { backup } } }),
    renderChart({
      major: 3,
      namespace: 'memory-system',
      values: { neo4j: { backup: { ...backup, port: 16362 } } },
    }),
  ]);
}, 60_000);

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are checked field by field
const container = (objs: K8sObject[], name: string): any =>
  find(objs, 'StatefulSet', name).spec.template.spec.containers[0];

describe('neo4j backup listener', () => {
  it('the core servers listen for backups on 0.0.0.0:6362, through a port named backup', () => {
    const core = container(objects, 'neo4j-core');
    expect(core.env).toContainEqual({ name: 'NEO4J_server_backup_enabled', value: 'true' });
    expect(core.env).toContainEqual({ name: 'NEO4J_server_backup_listen__address', value: '0.0.0.0:6362' });
    expect(core.ports).toContainEqual({ name: 'backup', containerPort: 6362 });
    // Secondaries are not backed up from (--from names the primaries): no listener there.
    const replica = container(objects, 'neo4j-replica');
    expect(JSON.stringify(replica)).not.toMatch(/backup/);
    const headless = find(objects, 'Service', 'neo4j-headless');
    expect(headless.spec.ports).toContainEqual({ name: 'backup', port: 6362, targetPort: 'backup' });
    // The client Service does not carry it: backups come only from the runner, pod by pod.
    expect(JSON.stringify(find(objects, 'Service', 'neo4j').spec.ports)).not.toMatch(/backup/);
  });

  it("the backup runner's --from names those listeners", () => {
    const cron = find(objects, 'CronJob', 'neo4j-backup');
    const args: string[] = cron.spec.jobTemplate.spec.template.spec.containers[0].args;
    const from = args[args.indexOf('--from') + 1]?.split(',');
    expect(from).toEqual(
      [0, 1, 2].map((i) => `neo4j-core-${i}.neo4j-headless.memory-system.svc.cluster.local:6362`),
    );
  });

  it('backup.port moves the listener, the container port and the Service port together', () => {
    const core = container(customPort, 'neo4j-core');
    expect(core.env).toContainEqual({ name: 'NEO4J_server_backup_listen__address', value: '0.0.0.0:16362' });
    expect(core.ports).toContainEqual({ name: 'backup', containerPort: 16362 });
    expect(find(customPort, 'Service', 'neo4j-headless').spec.ports).toContainEqual({
      name: 'backup',
      port: 16362,
      targetPort: 'backup',
    });
  });

  it("the store's NetworkPolicy lets the runner pods reach the core pods on any port, and nothing else in", () => {
    const policies = ofKind(objects, 'NetworkPolicy');
    const runner: Pod = {
      name: 'runner',
      labels: find(objects, 'CronJob', 'neo4j-backup').spec.jobTemplate.spec.template.metadata.labels,
    };
    const core: Pod = {
      name: 'core',
      labels: find(objects, 'StatefulSet', 'neo4j-core').spec.template.metadata.labels,
    };
    const stranger: Pod = { name: 'other', labels: { 'release-kit.dev/zone': 'data' } };
    expect(canConnect(policies, runner, core)).toBe(true);
    expect(canConnect(policies, stranger, core)).toBe(false);
    // The evaluator does not model ports: the rules that admit the runner must not limit them.
    const store = find(objects, 'NetworkPolicy', 'neo4j');
    type Rule = { from?: { podSelector?: { matchLabels?: Record<string, string> } }[]; ports?: unknown[] };
    const admitting = (store.spec.ingress as Rule[]).filter((r) =>
      r.from?.some((p) =>
        Object.entries(p.podSelector?.matchLabels ?? {}).every(([k, v]) => runner.labels[k] === v),
      ),
    );
    expect(admitting.length).toBeGreaterThan(0);
    expect(admitting.every((r) => !r.ports)).toBe(true);
    const egress = (store.spec.egress as Rule[]).filter((r) =>
      (r as { to?: Rule['from'] }).to?.some((p) =>
        Object.entries(p.podSelector?.matchLabels ?? {}).every(([k, v]) => core.labels[k] === v),
      ),
    );
    expect(egress.length).toBeGreaterThan(0);
    expect(egress.every((r) => !r.ports)).toBe(true);
  });
});
