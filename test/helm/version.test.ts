import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { createHelm } from '../../src/helm/index.js';
import { parseHelmVersion } from '../../src/helm/version.js';
import { helmBinary } from '../support/tools.js';

describe('helm version detection', () => {
  it.each([
    [3, 'v3.18.0'],
    [4, 'v4.1.4'],
  ] as const)('detects helm %i from the real binary', async (major, raw) => {
    const helm = await createHelm({ binary: helmBinary(major) });
    expect(helm.major).toBe(major);
    expect(helm.version.raw).toBe(raw);
  });

  it('finds helm on PATH when no binary is given', async () => {
    const path = process.env.PATH;
    process.env.PATH = `${join(helmBinary(4), '..')}:${path}`;
    try {
      expect((await createHelm()).major).toBe(4);
    } finally {
      process.env.PATH = path;
    }
  });

  it('parses versions with and without the v and with pre-release suffixes', () => {
    expect(parseHelmVersion('v3.18.0\n', 'helm')).toEqual({ raw: 'v3.18.0', major: 3, minor: 18, patch: 0 });
    expect(parseHelmVersion('4.1.4-rc.1', 'helm')).toMatchObject({ major: 4, minor: 1, patch: 4 });
  });

  it('rejects helm 2 and helm 5 with a hint', () => {
    expect(() => parseHelmVersion('v2.17.0', '/opt/helm')).toThrow(
      /helm v2\.17\.0 at \/opt\/helm is not supported/,
    );
    expect(() => parseHelmVersion('v5.0.0', 'helm')).toThrow(UserError);
  });

  describe('with a wrong binary', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'helm-version-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('says helm was not found and how to point at it', async () => {
      const err = await createHelm({ binary: join(dir, 'no-helm-here') }).catch((e) => e);
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).toMatch(
        /helm was not found: ".*no-helm-here" is not an executable path or a command on PATH/,
      );
      expect(err.hint).toMatch(/--helm/);
    });

    it('says a program that is not helm does not look like helm', async () => {
      const fake = join(dir, 'not-helm');
      await writeFile(fake, '#!/bin/sh\necho "usage: not-helm [options]"\n');
      await chmod(fake, 0o755);
      await expect(createHelm({ binary: fake })).rejects.toThrow(
        /does not look like helm: .*"usage: not-helm/,
      );
    });
  });
});
