// `release-kit validate` as a user runs it: exit codes, the OK line, problems as file:line:col, --json.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/paths.js';
import { runReleaseKit } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rk-validate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const example = join(packageRoot(), 'examples', 'memory-system.yaml');

describe('release-kit validate', () => {
  it('prints one OK line to stderr and nothing to stdout for a valid file', async () => {
    const r = await runReleaseKit(['validate', '--config', example]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      `OK: ${example} is valid: api, memory, storage, faiss, neo4j, redis, gateway`,
    );
  });

  it('prints the resolved configuration of an environment with --json', async () => {
    const r = await runReleaseKit(['validate', '--config', example, '--env', 'staging', '--json']);
    expect(r.exitCode).toBe(0);
    const config = JSON.parse(r.stdout);
    expect(config.namespace).toBe('memory-system-staging');
    expect(config.scaling.auto_scaling.enabled).toBe(false);
    expect(config.deployment.health_check.failure_threshold).toBe(3);
    expect(r.stderr).toContain('(environment staging) is valid');
  });

  it('lists every problem as file:line:col and exits 1', async () => {
    const file = join(dir, 'broken.yaml');
    const text = readFileSync(example, 'utf8');
    writeFileSync(
      file,
      text
        .replace('min_replicas: 2', 'min_replicas: 20')
        .replace('schedule: "0 0 * * 0"', 'schedule: "every sunday"'),
    );
    const name = relative(packageRoot(), file);
    const r = await runReleaseKit(['validate', '-c', name]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      `${name}:71:19: error: scaling.auto_scaling.min_replicas: min_replicas (20) is greater than max_replicas (10) (lower min_replicas or raise max_replicas)`,
      expect.stringMatching(
        /^.*broken\.yaml:113:30: error: backup\.config_backup\.schedule: 'every sunday' has 2 fields; a cron schedule has 5 \(use five fields/,
      ),
      `2 problems in ${name}`,
    ]);
  });

  it('reads release.yaml by default, and exits 1 with a hint when it does not exist', async () => {
    const r = await runReleaseKit(['validate']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('error: cannot read the release configuration release.yaml: no such file');
    expect(r.stderr).toContain('pass --config');
  });

  it('exits 1 for an environment the file does not define', async () => {
    const r = await runReleaseKit(['validate', '--config', example, '--env', 'qa']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /memory-system\.yaml:\d+:1: error: environments: unknown environment 'qa' \(the file defines: staging, production\)/,
    );
  });
});
