// e2e-kind.yml cannot run here (it needs Docker and a kind cluster), so what it is built from is checked:
// the release config it writes is valid and renders with real helm, its Prometheus scrapes exactly the
// config's jobs, and it goes through the actions of this checkout, the fault through the one-step pipeline.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runReleaseKit } from '../support/cli.js';
import { helmBinary } from '../support/tools.js';
import { heredoc, type Job, loadWorkflow, stepOf } from './support.js';

const e2e = loadWorkflow('.github/workflows/e2e-kind.yml');
const job = e2e.jobs.e2e as Job;

const dir = mkdtempSync(join(tmpdir(), 'rk-e2e-kind-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const configText = heredoc(
  stepOf(job, 'Write the release config and the demo service').run ?? '',
  '"$RUNNER_TEMP/e2e/release.yaml"',
);

describe('e2e-kind.yml', () => {
  it('writes a release config that is valid and renders every release with real helm', async () => {
    const file = join(dir, 'release.yaml');
    writeFileSync(file, configText);
    const valid = await runReleaseKit(['validate', '--config', file]);
    expect(valid.exitCode, valid.stderr).toBe(0);
    expect(valid.stderr).toMatch(/is valid: api, memory, storage, faiss, redis/);
    const out = join(dir, 'rendered');
    const render = await runReleaseKit(['render', '--config', file, '--helm', helmBinary(3), '--out', out]);
    expect(render.exitCode, render.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(
      ['api', 'faiss', 'memory', 'redis', 'storage'].map((c) => `memory-system-${c}.yaml`),
    );
  }, 60_000);

  it('starts a Prometheus that scrapes exactly the jobs of that config', () => {
    const script = stepOf(
      job,
      "Start Prometheus (namespace monitoring, as the chart's NetworkPolicies expect)",
    ).run;
    const prometheus = parse(heredoc(script ?? '', 'prometheus.yml=')) as { scrape_configs: unknown };
    const config = parse(configText) as { monitoring: { prometheus: { scrape_configs: unknown } } };
    expect(prometheus.scrape_configs).toEqual(config.monitoring.prometheus.scrape_configs);
  });

  it('deploys through the actions of this checkout and injects the fault through the root action', () => {
    const uses = (job.steps ?? []).flatMap((s) => (s.uses?.startsWith('./') ? [s.uses] : []));
    expect(uses).toEqual(['./actions/validate', './actions/deploy', './actions/verify', './']);
    const faulty = stepOf(job, 'faulty');
    expect(faulty['continue-on-error']).toBe(true);
    expect(faulty.with?.images).toContain('faulty.json');
    // The assertion step reads the pipeline's outcome, what it changed and what it rolled back.
    const check = stepOf(job, 'Assert the automatic rollback');
    expect(Object.values(check.env ?? {}).join(' ')).toMatch(
      /steps\.faulty\.outcome.*steps\.faulty\.outputs\.outcome.*changed-releases.*rolled-back/,
    );
  });
});
