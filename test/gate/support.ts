// Shared harness of the gate, rollback and action tests: the example config with fast verification numbers
// (overridden here, the real ones stay in examples/), and releases installed into a sandbox with the real helm,
// recorded in a Ledger the way a deploy run records them.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { loadReleaseConfig, type ReleaseConfig } from '../../src/config/index.js';
import type { Ledger, LedgerRelease } from '../../src/deploy/ledger.js';
import { type Helm, HelmReleaseNotFoundError } from '../../src/helm/index.js';
import { planRelease } from '../../src/plan/index.js';
import { packageRoot } from '../../src/util/paths.js';

export const environment = 'staging'; // fixed replica counts: no HPA in the simulation
export const namespace = 'memory-system-staging';

/** Fast numbers: evaluations every second, 5 s rate window, a 10 s window, 1 s pauses between rollback batches. */
export function fastOverrides(prometheusUrl: string | undefined): [string[], unknown][] {
  return [
    [
      ['deployment', 'health_check'],
      { initial_delay: 0, period: 1, timeout: 1, success_threshold: 1, failure_threshold: 3 },
    ],
    [['verification', 'window'], '10s'],
    [['environments', environment, 'verification', 'window'], '10s'],
    [['verification', 'rate_window'], '5s'],
    [['rollback', 'settings'], { timeout: 60, batch_size: 1, pause_time: 1 }],
    ...(prometheusUrl ? [[['monitoring', 'prometheus', 'url'], prometheusUrl] as [string[], unknown]] : []),
  ];
}

/** Writes the example config with `overrides` applied (a path and its new value each) into `dir`. */
export function writeConfig(dir: string, overrides: [string[], unknown][], name = 'release.yaml'): string {
  const doc = parseDocument(readFileSync(join(packageRoot(), 'examples', 'memory-system.yaml'), 'utf8'));
  for (const [path, value] of overrides) doc.setIn(path, doc.createNode(value));
  const file = join(dir, name);
  writeFileSync(file, doc.toString());
  return file;
}

export const loadConfig = (file: string): Promise<ReleaseConfig> => loadReleaseConfig(file, { environment });

const image = (config: ReleaseConfig, component: string, tag: string): string => {
  const source = config.services[component]?.image ?? config.stores[component]?.image ?? config.gateway.image;
  return `${config.registry}/${source.replace(/:[^:/]+$/, '')}:${tag}`;
};

/**
 * Installs or upgrades `components` (all at once: the simulation needs no ordering) with `tags` as image tags,
 * and returns the ledger of that run: the named components changed, every other release unchanged.
 */
export async function deploy(
  helm: Helm,
  config: ReleaseConfig,
  components: string[],
  tags: Record<string, string> = {},
): Promise<Ledger> {
  const images = Object.fromEntries(Object.entries(tags).map(([c, tag]) => [c, image(config, c, tag)]));
  const plan = planRelease(config, { images });
  const startedAt = new Date().toISOString();
  const releases = await Promise.all(
    plan.releases.map(async (r): Promise<LedgerRelease> => {
      let before: number | null = null;
      try {
        before =
          (await helm.history({ release: r.release, namespace: r.namespace })).at(-1)?.revision ?? null;
      } catch (e) {
        if (!(e instanceof HelmReleaseNotFoundError)) throw e;
      }
      const changed = components.includes(r.component);
      const revision = changed
        ? (
            await helm.upgradeInstall({
              release: r.release,
              chart: r.chart,
              values: r.values,
              namespace: r.namespace,
              wait: true,
              timeoutSeconds: 60,
              createNamespace: true,
            })
          ).revision
        : before;
      return {
        component: r.component,
        release: r.release,
        namespace: r.namespace,
        wave: r.wave,
        previousRevision: before,
        revision,
        chartVersion: '0.1.0',
        images: [r.image],
        valuesDigest: '',
        changed,
        outcome: changed ? 'deployed' : 'unchanged',
      } as LedgerRelease;
    }),
  );
  return {
    version: 1,
    runId: `test-${Date.now()}`,
    config: 'release.yaml',
    environment,
    namespace,
    startedAt,
    dryRun: false,
    outcome: 'success',
    releases: releases.filter((r) => r.revision !== null),
  };
}

/** The error-ratio measurements of one job, as numbers. */
export const ratiosOf = (
  result: { measurements: { check: string; value?: number }[] },
  job: string,
): number[] =>
  result.measurements
    .filter((m) => m.check === `${job}:error_ratio` && m.value !== undefined)
    .map((m) => m.value as number);

/** Waits until Prometheus has a request rate for every tier (the first scrapes after an install). */
export async function trafficSeen(url: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await fetch(
      `${url}/api/v1/query?query=${encodeURIComponent('count(sum by (job) (rate(http_requests_total{job=~"api|memory|storage"}[5s])) > 0)')}`,
    );
    const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
    if (body.data.result[0]?.value[1] === '3') return;
    if (Date.now() > deadline)
      throw new Error('Prometheus saw no traffic of api, memory and storage within 20 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}
