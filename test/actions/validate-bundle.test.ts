// The validate action as GitHub runs it: the esbuild bundle, run by node, inputs and output files in
// the environment, workflow commands on stdout.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/paths.js';
import { runBundledAction } from '../support/action-bundles.js';

const dir = mkdtempSync(join(tmpdir(), 'rk-validate-bundle-'));
const example = readFileSync(join(packageRoot(), 'examples', 'memory-system.yaml'), 'utf8');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh workspace and the action's inputs; the test writes its files into the workspace, then runs. */
function prepare(inputs: Record<string, string>) {
  return { workspace: mkdtempSync(join(dir, 'ws-')), inputs };
}

const run = (setup: ReturnType<typeof prepare>) =>
  runBundledAction('validate', { inputs: setup.inputs, cwd: setup.workspace });

describe('bundled validate action', () => {
  it('sets config-json and writes a summary for a valid configuration', async () => {
    const setup = prepare({ config: 'release.yaml', environment: 'production' });
    writeFileSync(join(setup.workspace, 'release.yaml'), example);
    const r = await run(setup);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const match = /^config-json<<(\S+)\n([\s\S]*?)\n\1$/m.exec(r.outputText);
    expect(match).not.toBeNull();
    const config = JSON.parse(match?.[2] ?? '');
    expect(config.scaling.auto_scaling.max_replicas).toBe(10);
    expect(config).not.toHaveProperty('environments');
    expect(r.summary).toContain('<h2>Release configuration memory-system is valid</h2>');
    expect(r.stdout).not.toContain('::error');
  });

  it('annotates problems at file and line, exits 1 and tables them in the summary', async () => {
    const setup = prepare({ config: 'conf/release.yaml' });
    mkdirSync(join(setup.workspace, 'conf'));
    writeFileSync(
      join(setup.workspace, 'conf', 'release.yaml'),
      example
        .replace('depends_on: [redis]', 'depends_on: [redis, rediss]')
        .replace('timeout: 5\n', 'timeout: 5s\n'),
    );
    const r = await run(setup);
    expect(r.exitCode).toBe(1);
    expect(r.outputText).toBe('');
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toEqual([
      expect.stringMatching(
        /^::error title=release configuration,file=conf\/release\.yaml,line=32,col=\d+::services\.storage\.depends_on\[1\]: depends on 'rediss'/,
      ),
      expect.stringMatching(
        /^::error title=release configuration,file=conf\/release\.yaml,line=121,col=\d+::deployment\.health_check\.timeout: expected an integer, got the string "5s"/,
      ),
      '::error::conf/release.yaml has 2 problems (each is annotated at its line; run `release-kit validate` locally to list them)',
    ]);
    expect(r.summary).toContain('<h2>Release configuration: 2 problems</h2>');
    expect(r.summary).toContain('<td>conf/release.yaml:32:');
  });
});
