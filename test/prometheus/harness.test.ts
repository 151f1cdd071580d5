// The shared Prometheus harness with file-based service discovery, as the sandbox's generated targets use it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { expect, test } from 'vitest';
import { createPrometheusClient, type InstantOutcome } from '../../src/prometheus/client.js';
import { startPrometheus } from '../support/prometheus.js';
import { startTarget } from './target.js';

test('startPrometheus scrapes file_sd targets under the job named in their labels, and stops cleanly', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'release-kit-file-sd-'));
  const target = await startTarget({ requestsPerSecond: 10, errorFraction: 0, latencySeconds: 0.01 });
  const prom = await startPrometheus({ fileSdDir: dir, scrapeInterval: '1s' });
  try {
    await writeFile(
      join(dir, 'pods.json'),
      JSON.stringify([{ targets: [target.address], labels: { job: 'memory' } }]),
    );
    const client = createPrometheusClient({ url: prom.url });
    let up: InstantOutcome = { kind: 'empty' };
    for (let i = 0; i < 50 && up.kind !== 'value'; i++) {
      await delay(200);
      up = await client.query('up{job="memory"} == 1');
    }
    expect(up).toEqual({ kind: 'value', value: 1 });
  } finally {
    await prom.stop();
    await target.close();
    await rm(dir, { recursive: true, force: true });
  }
  await expect(fetch(`${prom.url}/-/ready`)).rejects.toThrow();
});
