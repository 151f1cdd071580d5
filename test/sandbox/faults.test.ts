// Faults injected through image tags make helm's --wait fail as on a real cluster, kubectl shows them the
// way users know, and a rollback brings ready pods back.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { behaviourAnnotation, type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { clients, fixtureChart } from './helpers.js';

let sandbox: Sandbox;
let c: ReturnType<typeof clients>;

beforeAll(async () => {
  sandbox = await startSandbox({ https: true });
  c = clients(sandbox);
});
afterAll(async () => {
  await sandbox?.stop();
});

const apiPods = (ns: string) =>
  sandbox.list('Pod', ns).filter((p) => p.metadata.labels?.['app.kubernetes.io/component'] === 'api');

describe('helm 4 (watcher) over HTTPS, image tagged crash', () => {
  const ns = 'crash';
  const helm = (...args: string[]) => c.helm(4, [...args, '-n', ns]);

  it('fails the upgrade within --timeout 5s, and kubectl shows CrashLoopBackOff', async () => {
    await c.ok(
      helm('upgrade', '--install', 'app', fixtureChart, '--create-namespace', '--wait', '--timeout', '60s'),
    );
    const failed = await helm(
      'upgrade',
      'app',
      fixtureChart,
      '--wait',
      '--timeout',
      '5s',
      '--set',
      'image=registry.example.com/api:v2-crash',
    );
    expect(failed.exitCode).not.toBe(0);
    expect(failed.stderr).toMatch(/UPGRADE FAILED.*Deployment\/crash\/app-api not ready/);

    const pods = await c.ok(c.kubectl(['get', 'pods', '-n', ns, '--no-headers']));
    const crashing = pods.split('\n').find((line) => line.includes('CrashLoopBackOff'));
    expect(crashing).toMatch(/^app-api-\S+\s+0\/1\s+CrashLoopBackOff\s+[1-9]\d*/);
    // maxUnavailable 25% of 2 rounds to 0: the old pods keep serving.
    expect(pods.match(/1\/1\s+Running/g)?.length).toBeGreaterThanOrEqual(2);

    const rollout = await c.kubectl(['rollout', 'status', 'deployment/app-api', '-n', ns, '--timeout=2s']);
    expect(rollout.exitCode).not.toBe(0);
    expect(rollout.stdout).toContain('Waiting for deployment "app-api" rollout to finish');
  });

  it('rolls back to ready pods', async () => {
    await c.ok(helm('rollback', 'app', '--wait', '--timeout', '30s'));
    expect(apiPods(ns).map((p) => [p.status?.phase, p.metadata.labels?.['pod-template-hash']])).toHaveLength(
      2,
    );
    expect(
      apiPods(ns).every((p) =>
        (p.spec?.containers as { image: string }[] | undefined)?.[0]?.image.endsWith(':v1'),
      ),
    ).toBe(true);
    const rollout = await c.ok(
      c.kubectl(['rollout', 'status', 'deployment/app-api', '-n', ns, '--timeout=10s']),
    );
    expect(rollout).toContain('deployment "app-api" successfully rolled out');
  });
});

describe('helm 3 (legacy wait), image tagged unready', () => {
  const ns = 'unready';
  const helm = (...args: string[]) => c.helm(3, [...args, '-n', ns]);

  it('fails the upgrade within --timeout 5s while the new pod runs but never gets ready', async () => {
    await c.ok(
      helm('upgrade', '--install', 'app', fixtureChart, '--create-namespace', '--wait', '--timeout', '60s'),
    );
    const failed = await helm(
      'upgrade',
      'app',
      fixtureChart,
      '--wait',
      '--timeout',
      '5s',
      '--set',
      'image=registry.example.com/api:unready',
    );
    expect(failed.exitCode).not.toBe(0);
    expect(failed.stderr).toContain('UPGRADE FAILED');
    const pods = await c.ok(c.kubectl(['get', 'pods', '-n', ns, '--no-headers']));
    expect(pods).toMatch(/app-api-\S+\s+0\/1\s+Running\s+0/);
  });

  it('rolls back with --wait and every api pod is ready again', async () => {
    await c.ok(helm('rollback', 'app', '--wait', '--timeout', '30s'));
    const pods = apiPods(ns);
    expect(pods).toHaveLength(2);
    expect(
      pods.every(
        (p) =>
          p.status?.conditions && JSON.stringify(p.status.conditions).includes('"Ready","status":"True"'),
      ),
    ).toBe(true);
  });
});

describe('image tagged pull-error', () => {
  it('shows ErrImagePull then ImagePullBackOff and keeps the pod Pending', async () => {
    const ns = 'pull';
    await c.ok(c.kubectl(['create', 'namespace', ns]));
    const manifest = join(sandbox.dir, 'web.yaml');
    await writeFile(
      manifest,
      stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: ns },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'registry.example.com/web:pull-error' }] },
          },
        },
      }),
    );
    await c.ok(c.kubectl(['apply', '-f', manifest]));
    await sandbox.waitFor(() =>
      JSON.stringify(sandbox.list('Pod', ns)[0]?.status?.containerStatuses ?? '').includes(
        'ImagePullBackOff',
      ),
    );
    const pods = await c.ok(c.kubectl(['get', 'pods', '-n', ns, '--no-headers']));
    expect(pods).toMatch(/^web-\S+\s+0\/1\s+ImagePullBackOff\s+0/);
    expect(sandbox.list('Pod', ns)[0]?.status?.phase).toBe('Pending');
    const events = sandbox.list('Event', ns).map((e) => e.reason);
    expect(events).toContain('Failed');
  });

  it('answers a typed protobuf body it has no schema for with 415 and says to send JSON', async () => {
    const created = await c.kubectl(['create', 'deployment', 'typed', '-n', 'default', '--image=x:v1']);
    expect(created.exitCode).not.toBe(0);
    expect(created.stderr).toContain(
      'protobuf bodies of kind "Deployment" are not supported by the sandbox; send JSON',
    );
  });
});

describe('a pod annotation outside the fault vocabulary', () => {
  it('runs the pod healthy and records a Warning event that names the annotation and the known words', async () => {
    sandbox.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'odd', namespace: 'default', annotations: { [behaviourAnnotation]: 'explode' } },
      spec: { containers: [{ name: 'main', image: 'registry.example.com/odd:v1' }] },
    });
    await sandbox.waitFor(() =>
      JSON.stringify(sandbox.get('Pod', 'default', 'odd')?.status?.conditions ?? '').includes(
        '"Ready","status":"True"',
      ),
    );
    const warning = sandbox.list('Event', 'default').find((e) => e.reason === 'InvalidBehaviour');
    expect(warning?.type).toBe('Warning');
    expect(warning?.message).toContain(
      'unknown behaviour "explode" (known: healthy, crash, unready, pull-error',
    );
  });
});
