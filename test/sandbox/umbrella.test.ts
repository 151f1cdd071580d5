// The real umbrella chart (charts/memory-system, owned by the chart engineer and still changing) installs
// into the sandbox with all seven components ready. Expectations come from the chart's own rendering, so
// the test follows the chart instead of pinning its details.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { defaultChartPath } from '../../src/util/paths.js';
import { clients } from './helpers.js';

let sandbox: Sandbox;
let c: ReturnType<typeof clients>;

beforeAll(async () => {
  sandbox = await startSandbox({ prometheusOperatorCrds: true });
  c = clients(sandbox);
});
afterAll(async () => {
  await sandbox?.stop();
});

it('installs charts/memory-system with --wait: every component workload is ready', async () => {
  const ns = 'memory-system';
  const rendered = await c.ok(c.helm(4, ['template', 'ms', defaultChartPath(), '-n', ns]));
  const workloads = parseAllDocuments(rendered)
    .map(
      (d) =>
        d.toJS() as { kind?: string; metadata?: { name: string; labels?: Record<string, string> } } | null,
    )
    .filter((o) => o?.kind === 'Deployment' || o?.kind === 'StatefulSet');
  const components = new Set(
    workloads.map((w) => w?.metadata?.labels?.['app.kubernetes.io/component'] ?? w?.metadata?.name),
  );
  expect(components.size).toBeGreaterThanOrEqual(7);

  await c.ok(
    c.helm(4, [
      'upgrade',
      '--install',
      'ms',
      defaultChartPath(),
      '-n',
      ns,
      '--create-namespace',
      '--wait',
      '--timeout',
      '90s',
    ]),
  );
  for (const w of workloads) {
    const live = sandbox.get(String(w?.kind), ns, String(w?.metadata?.name));
    const replicas = Number(live?.spec?.replicas);
    expect({ name: w?.metadata?.name, ready: live?.status?.readyReplicas }).toEqual({
      name: w?.metadata?.name,
      ready: replicas,
    });
  }
  expect(sandbox.controllerError).toBeUndefined();
});
