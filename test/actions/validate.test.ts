// The validate action's entry point with a fake @actions/core and real configuration files.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLogger, terminalLogger } from '../../src/log.js';
import { packageRoot } from '../../src/util/paths.js';
import { fakeCore } from '../support/fake-core.js';

vi.mock('@actions/core', () => import('../support/fake-core.js'));

const dir = mkdtempSync(join(tmpdir(), 'rk-validate-action-'));
const example = join(packageRoot(), 'examples', 'memory-system.yaml');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the entry module as the runner would: importing it runs the action. */
async function runEntry(inputs: Record<string, string>): Promise<void> {
  fakeCore.reset(inputs);
  vi.resetModules();
  await import('../../src/actions/validate.js');
}

beforeEach(() => {
  vi.stubEnv('GITHUB_WORKSPACE', dir);
  vi.stubEnv('GITHUB_STEP_SUMMARY', join(dir, 'summary.html'));
});
afterEach(() => {
  vi.unstubAllEnvs();
  setLogger(terminalLogger());
});

describe('validate action', () => {
  it('outputs the resolved configuration and summarizes the release', async () => {
    await runEntry({ config: example, environment: 'staging' });
    expect(fakeCore.failed).toEqual([]);
    expect(fakeCore.annotations).toEqual([]);
    const config = JSON.parse(String(fakeCore.outputs['config-json']));
    expect(config.namespace).toBe('memory-system-staging');
    expect(config.rollback.settings).toEqual({ timeout: 300, batch_size: 1, pause_time: 30 });
    expect(fakeCore.summary).toContain('<h2>Release configuration memory-system is valid</h2>');
    expect(fakeCore.summary).toContain(
      '<tr><td>memory</td><td>service</td><td>memory_system/memory:latest</td><td>faiss, neo4j</td></tr>',
    );
  });

  it('annotates each problem at its line, tables them, and fails the step', async () => {
    const file = join(dir, 'release.yaml');
    writeFileSync(
      file,
      readFileSync(example, 'utf8')
        .replace('api_replicas: 3', 'apii_replicas: 3')
        .replace('index_size_limit: 100GB', 'index_size_limit: lots'),
    );
    await runEntry({ config: file });
    expect(fakeCore.outputs).toEqual({});
    expect(fakeCore.annotations.map((a) => [a.properties?.file, a.properties?.startLine, a.message])).toEqual(
      [
        [
          'release.yaml',
          76,
          "scaling.manual_scaling.apii_replicas: 'apii_replicas' names no service ('apii' is not a service) (did you mean 'api_replicas'?)",
        ],
        [
          'release.yaml',
          82,
          expect.stringContaining("storage_scaling.faiss_scaling.index_size_limit: 'lots' is not a size"),
        ],
      ],
    );
    expect(fakeCore.summary).toContain('<h2>Release configuration: 2 problems</h2>');
    expect(fakeCore.summary).toContain('<td>release.yaml:76:5</td>');
    expect(fakeCore.failed).toEqual([
      `${file} has 2 problems (each is annotated at its line; run \`release-kit validate\` locally to list them)`,
    ]);
  });

  it('reads release.yaml from the working directory when the config input is empty', async () => {
    const work = mkdtempSync(join(dir, 'work-'));
    writeFileSync(join(work, 'release.yaml'), readFileSync(example));
    const cwd = process.cwd();
    process.chdir(work);
    try {
      await runEntry({});
    } finally {
      process.chdir(cwd);
    }
    expect(fakeCore.failed).toEqual([]);
    expect(JSON.parse(String(fakeCore.outputs['config-json'])).name).toBe('memory-system');
  });

  it('fails with a clear message for an unknown environment', async () => {
    await runEntry({ config: example, environment: 'qa' });
    expect(fakeCore.annotations).toHaveLength(1);
    expect(fakeCore.annotations[0]?.message).toBe(
      "environments: unknown environment 'qa' (the file defines: staging, production)",
    );
    expect(fakeCore.failed).toHaveLength(1);
  });
});
