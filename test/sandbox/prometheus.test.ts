// A real Prometheus scrapes the simulated pods through the generated file_sd targets, and the error
// fault shows up in PromQL as the ratio it names.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { behaviourAnnotation, type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { systemBinary } from '../support/tools.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    prometheus: { binary: systemBinary('prometheus'), scrapeIntervalSeconds: 1 },
    timing: { requestsPerSecond: 200 },
  });
});
afterAll(async () => {
  await sandbox?.stop();
});

const query = async (
  promql: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
  const res = await fetch(`${sandbox.prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
  return ((await res.json()) as { data: { result: [] } }).data.result;
};

it('scrapes ready pods by component; a pod with errors=0.2 has a 20 % error ratio', async () => {
  const workload = (name: string, annotations: Record<string, string>) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/component': name } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/component': name }, annotations },
        spec: { containers: [{ name, image: `registry.example.com/${name}:v1` }] },
      },
    },
  });
  sandbox.apply(workload('api', { [behaviourAnnotation]: 'errors=0.2,latency=200ms' }));
  sandbox.apply(workload('memory', {}));
  await sandbox.waitFor(() => sandbox.list('Pod', 'default').length === 2);

  await expect
    .poll(async () => (await readFile(sandbox.targetsFile, 'utf8')).match(/"job": "(api|memory)"/g)?.length, {
      timeout: 10_000,
    })
    .toBe(2);
  const targets = JSON.parse(await readFile(sandbox.targetsFile, 'utf8'));
  expect(targets[0].labels).toMatchObject({ job: 'api', namespace: 'default' });
  expect(targets[0].labels.pod).toMatch(/^api-/);

  const ratio =
    'sum by (job) (rate(http_requests_total{code="500"}[5s])) / sum by (job) (rate(http_requests_total[5s]))';
  await expect.poll(async () => (await query(ratio)).length, { timeout: 20_000, interval: 500 }).toBe(2);
  const byJob = Object.fromEntries((await query(ratio)).map((r) => [r.metric.job, Number(r.value[1])]));
  expect(byJob.api).toBeCloseTo(0.2, 1);
  expect(byJob.memory).toBe(0);
  const p50 = await query(
    'histogram_quantile(0.5, sum by (le, job) (rate(http_request_duration_seconds_bucket{job="api"}[5s])))',
  );
  expect(Number(p50[0]?.value[1])).toBeGreaterThan(0.1);
  expect(Number(p50[0]?.value[1])).toBeLessThanOrEqual(0.25);
});
