// loadReleaseConfig reads real files: what a wrong --config can point at gets one clear problem.
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigValidationError, loadReleaseConfig } from '../../src/config/index.js';
import { UserError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'rk-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(file: string, environment?: string): Promise<unknown> {
  try {
    await loadReleaseConfig(file, { environment });
  } catch (e) {
    return e;
  }
  throw new Error(`${file} loaded without an error`);
}

describe('loadReleaseConfig', () => {
  it('refuses a 10 MB file by its size, before reading it', async () => {
    const file = join(dir, 'huge.yaml');
    writeFileSync(file, '');
    truncateSync(file, 10 * 1024 * 1024);
    const e = await failure(file);
    expect(e).toBeInstanceOf(ConfigValidationError);
    expect((e as ConfigValidationError).problems).toEqual([
      expect.objectContaining({ file, line: 1, message: expect.stringContaining('10.0 MB') }),
    ]);
  });

  it('refuses bytes that are not UTF-8', async () => {
    const file = join(dir, 'image.png');
    writeFileSync(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0x1a]));
    const e = (await failure(file)) as ConfigValidationError;
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]?.message).toContain('not UTF-8 text');
  });

  it('names a missing file and how to point at the right one', async () => {
    const e = (await failure(join(dir, 'nope.yaml'))) as UserError;
    expect(e).toBeInstanceOf(UserError);
    expect(e).not.toBeInstanceOf(ConfigValidationError);
    expect(e.message).toBe(`cannot read the release configuration ${join(dir, 'nope.yaml')}: no such file`);
    expect(e.hint).toContain('--config');
  });

  it('says a directory is not a configuration file', async () => {
    mkdirSync(join(dir, 'conf.d'));
    const e = (await failure(join(dir, 'conf.d'))) as UserError;
    expect(e.message).toContain('is a directory');
  });

  it('lists every problem in the error, each as file:line:col', async () => {
    const file = join(dir, 'two.yaml');
    writeFileSync(file, 'version: 3\nname: Bad Name\n');
    const e = (await failure(file)) as ConfigValidationError;
    expect(e.problems.length).toBeGreaterThan(2);
    expect(e.message).toContain(`${file}:1:10: error: version: expected 1, got the integer 3`);
    expect(e.message).toContain(`${file}:2:7: error: name: 'Bad Name' is not a valid Kubernetes name`);
  });

  it('rejects an environment the file does not define', async () => {
    const e = (await failure(
      join(import.meta.dirname, '..', 'fixtures', 'config', 'valid.yaml'),
      'qa',
    )) as ConfigValidationError;
    expect(e.problems.map((p) => p.message)).toEqual(["unknown environment 'qa'"]);
  });
});
