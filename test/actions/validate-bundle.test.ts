// The validate action as GitHub runs it: the esbuild bundle, run by node, inputs and output files in
// the environment, workflow commands on stdout.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'rk-validate-bundle-'));
const bundle = join(dir, 'dist', 'validate', 'index.js');
const example = readFileSync(join(packageRoot(), 'examples', 'memory-system.yaml'), 'utf8');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const { buildAll } = await import(join(packageRoot(), 'scripts', 'build.mjs'));
  await buildAll(join(dir, 'dist'));
});

async function runBundle(inputs: Record<string, string>) {
  const workspace = mkdtempSync(join(dir, 'ws-'));
  const output = join(workspace, 'github-output');
  const summary = join(workspace, 'step-summary');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const env: Record<string, string> = {
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_WORKSPACE: workspace,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return { workspace, env, output, summary };
}

async function run(setup: Awaited<ReturnType<typeof runBundle>>) {
  const r = await execa(process.execPath, [bundle], {
    cwd: setup.workspace,
    env: setup.env,
    extendEnv: false,
    reject: false,
  });
  return { ...r, outputs: readFileSync(setup.output, 'utf8'), summary: readFileSync(setup.summary, 'utf8') };
}

describe('bundled validate action', () => {
  it('sets config-json and writes a summary for a valid configuration', async () => {
    const setup = await runBundle({ config: 'release.yaml', environment: 'production' });
    writeFileSync(join(setup.workspace, 'release.yaml'), example);
    const r = await run(setup);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const match = /^config-json<<(\S+)\n([\s\S]*?)\n\1$/m.exec(r.outputs);
    expect(match).not.toBeNull();
    const config = JSON.parse(match?.[2] ?? '');
    expect(config.scaling.auto_scaling.max_replicas).toBe(10);
    expect(config).not.toHaveProperty('environments');
    expect(r.summary).toContain('<h2>Release configuration memory-system is valid</h2>');
    expect(r.stdout).not.toContain('::error');
  });

  it('annotates problems at file and line, exits 1 and tables them in the summary', async () => {
    const setup = await runBundle({ config: 'conf/release.yaml' });
    mkdirSync(join(setup.workspace, 'conf'));
    writeFileSync(
      join(setup.workspace, 'conf', 'release.yaml'),
      example
        .replace('depends_on: [redis]', 'depends_on: [redis, rediss]')
        .replace('timeout: 5\n', 'timeout: 5s\n'),
    );
    const r = await run(setup);
    expect(r.exitCode).toBe(1);
    expect(r.outputs).toBe('');
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
