// Builds the example's three service images from small fixture Containerfiles with real buildah,
// pushes them to a real docker-registry on 127.0.0.1, and checks the images map against skopeo;
// every image builds before the first push, and a push failing halfway reports what was pushed.
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildImages } from '../../src/build/index.js';
import { loadReleaseConfig } from '../../src/config/index.js';
import type { UserError } from '../../src/errors.js';
import { type Logger, setLogger, silentLogger } from '../../src/log.js';
import { packageRoot } from '../../src/util/paths.js';
import { runReleaseKit } from '../support/cli.js';
import { freePort, startRegistry, type TestRegistry } from '../support/registry.js';
import { systemBinary } from '../support/tools.js';

const COMPONENTS = ['api', 'memory', 'storage'];
let work: string;
let registry: TestRegistry;
let secured: TestRegistry;
/** Stays empty unless a test pushes to it by mistake. */
let untouched: TestRegistry;
/** Stopped in the middle of a push. */
let stopping: TestRegistry;
/** The images map of the first push; the images are reproducible, so later pushes have the same digests. */
let first: Record<string, string>;
const user = { name: 'ci-bot', password: 'correct horse battery staple' };

/** A workspace: the example config unchanged plus the fixture build contexts, and its own buildah storage. */
async function workspace(
  name: string,
): Promise<{ dir: string; config: string; env: Record<string, string> }> {
  const dir = join(work, name);
  await cp(join(packageRoot(), 'test', 'fixtures', 'build', 'services'), join(dir, 'services'), {
    recursive: true,
  });
  await cp(join(packageRoot(), 'examples', 'memory-system.yaml'), join(dir, 'memory-system.yaml'));
  const storage = join(dir, 'storage.conf');
  await writeFile(
    storage,
    `[storage]\ndriver = "vfs"\ngraphroot = "${join(dir, 'graph')}"\nrunroot = "${join(dir, 'run')}"\n`,
  );
  return { dir, config: join(dir, 'memory-system.yaml'), env: { CONTAINERS_STORAGE_CONF: storage } };
}

async function skopeoDigest(ref: string, extra: string[] = []): Promise<string> {
  const r = await execa(systemBinary('skopeo'), [
    'inspect',
    '--tls-verify=false',
    ...extra,
    `docker://${ref}`,
  ]);
  return JSON.parse(String(r.stdout)).Digest;
}

/** The tags skopeo lists for a repository; none when the registry does not know the repository. */
async function remoteTags(host: string, repository: string): Promise<string[]> {
  const r = await execa(
    systemBinary('skopeo'),
    ['list-tags', '--tls-verify=false', `docker://${host}/${repository}`],
    { reject: false },
  );
  // skopeo 1.9 reports the registry's "repository name not known" as a bare 404.
  if (r.exitCode !== 0 && /repository name not known|404 \(Not Found\)/.test(String(r.stderr))) return [];
  if (r.exitCode !== 0) throw new Error(`skopeo list-tags ${host}/${repository}: ${r.stderr}`);
  return JSON.parse(String(r.stdout)).Tags ?? [];
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'release-kit-build-'));
  [registry, secured, untouched, stopping] = await Promise.all([
    startRegistry(),
    startRegistry({ user }),
    startRegistry(),
    startRegistry(),
  ]);
});

afterAll(async () => {
  await Promise.all([registry?.stop(), secured?.stop(), untouched?.stop(), stopping?.stop()]);
  // buildah's vfs layers may be read-only; rm -rf copes with that.
  await rm(work, { recursive: true, force: true });
});

describe('release-kit build --push with buildah into a real registry', () => {
  test('pushes the three service images and prints the images map of digests skopeo reads back', async () => {
    const ws = await workspace('first');
    const out = join(ws.dir, 'images.json');
    const args = [
      'build',
      '--config',
      ws.config,
      '--registry',
      registry.host,
      '--tag',
      '1.0.0',
      '--tag',
      'edge',
    ];
    const r = await runReleaseKit([...args, '--push', '--builder', 'buildah', '--out', out], { env: ws.env });
    expect(r.stderr).toContain('builder: buildah');
    expect(r.exitCode).toBe(0);
    const steps = r.stderr.split('\n').filter((l) => l.startsWith('== '));
    expect(steps.map((l) => l.split(' (')[0])).toEqual([
      ...COMPONENTS.map((c) => `== build ${c}`),
      ...COMPONENTS.map((c) => `== push ${c}`),
    ]);
    first = JSON.parse(r.stdout);
    expect(Object.keys(first).sort()).toEqual(COMPONENTS);
    for (const component of COMPONENTS) {
      const name = `${registry.host}/memory_system/${component}`;
      expect(first[component]).toMatch(new RegExp(`^${name.replace(/\./g, '\\.')}@sha256:[0-9a-f]{64}$`));
      const digest = (first[component] as string).split('@')[1];
      expect(await skopeoDigest(`${name}:1.0.0`)).toBe(digest);
      expect(await skopeoDigest(`${name}:edge`)).toBe(digest);
    }
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(report.images).toEqual(first);
    expect(report.tags.api).toEqual([
      `${registry.host}/memory_system/api:1.0.0`,
      `${registry.host}/memory_system/api:edge`,
    ]);
  });

  test('a rebuild from empty storage with no change yields the same digests; a changed file changes only its image', async () => {
    expect(first).toBeDefined();
    const ws = await workspace('rebuild');
    const args = ['build', '--config', ws.config, '--registry', registry.host, '--tag', '1.0.0', '--push'];
    const again = await runReleaseKit([...args, '--builder', 'buildah'], { env: ws.env });
    expect(again.stderr).not.toContain('error');
    expect(JSON.parse(again.stdout)).toEqual(first);

    await writeFile(join(ws.dir, 'services', 'api', 'app.txt'), 'changed\n');
    const changed = await runReleaseKit([...args, '--builder', 'buildah', '--tag', '1.0.1'], { env: ws.env });
    const map = JSON.parse(changed.stdout);
    expect(map.api).not.toBe(first.api);
    expect(map.memory).toBe(first.memory);
    expect(map.storage).toBe(first.storage);
  });

  test('pushes with credentials from the environment to a registry with htpasswd auth, without printing them', async () => {
    const ws = await workspace('auth-ok');
    const r = await runReleaseKit(
      [
        'build',
        '--config',
        ws.config,
        '--registry',
        secured.host,
        '--tag',
        'v',
        '--component',
        'memory',
        '--push',
        '--builder',
        'buildah',
      ],
      {
        env: {
          ...ws.env,
          RELEASE_KIT_REGISTRY_USERNAME: user.name,
          RELEASE_KIT_REGISTRY_PASSWORD: user.password,
        },
      },
    );
    expect(r.exitCode).toBe(0);
    expect(`${r.stdout}${r.stderr}`).not.toContain(user.password);
    const map = JSON.parse(r.stdout);
    expect(Object.keys(map)).toEqual(['memory']);
    const auth = join(ws.dir, 'auth.json');
    const token = Buffer.from(`${user.name}:${user.password}`).toString('base64');
    await writeFile(auth, JSON.stringify({ auths: { [secured.host]: { auth: token } } }));
    expect(await skopeoDigest(`${secured.host}/memory_system/memory:v`, ['--authfile', auth])).toBe(
      map.memory.split('@')[1],
    );
  });
});

describe('bad inputs fail with a clear message before anything is pushed', () => {
  test('wrong credentials', async () => {
    const ws = await workspace('auth-wrong');
    const r = await runReleaseKit(
      [
        'build',
        '--config',
        ws.config,
        '--registry',
        secured.host,
        '--tag',
        'wrong',
        '--push',
        '--builder',
        'buildah',
      ],
      {
        env: { ...ws.env, RELEASE_KIT_REGISTRY_USERNAME: user.name, RELEASE_KIT_REGISTRY_PASSWORD: 'not-it' },
      },
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`registry ${secured.host} rejected the credentials of user "ci-bot"`);
    expect(r.stderr).not.toContain('not-it');
  });

  test('no credentials for a registry that needs them, and credentials from an auth file', async () => {
    setLogger(silentLogger);
    const ws = await workspace('auth-file');
    const config = await loadReleaseConfig(ws.config);
    const options = {
      configFile: ws.config,
      registry: secured.host,
      tags: ['file'],
      components: ['api'],
      push: true,
      builder: 'buildah' as const,
    };
    await expect(buildImages(config, { ...options, env: ws.env })).rejects.toThrow(
      `registry ${secured.host} requires credentials and none were given`,
    );
    const auth = join(ws.dir, 'auth.json');
    const token = Buffer.from(`${user.name}:${user.password}`).toString('base64');
    await writeFile(auth, JSON.stringify({ auths: { [secured.host]: { auth: token } } }));
    const env = { ...process.env, ...ws.env, REGISTRY_AUTH_FILE: auth };
    process.env.CONTAINERS_STORAGE_CONF = ws.env.CONTAINERS_STORAGE_CONF;
    try {
      const outcome = await buildImages(config, { ...options, env });
      expect(outcome.report?.images.api).toMatch(/@sha256:[0-9a-f]{64}$/);
    } finally {
      delete process.env.CONTAINERS_STORAGE_CONF;
    }
  });

  test('registry unreachable', async () => {
    const ws = await workspace('unreachable');
    const host = `127.0.0.1:${await freePort()}`;
    const r = await runReleaseKit(['build', '--config', ws.config, '--registry', host, '--push'], {
      env: ws.env,
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`registry ${host} is unreachable`);
    expect(r.stderr).toContain('nothing was built or pushed');
  });

  test('unknown component', async () => {
    const ws = await workspace('unknown');
    const r = await runReleaseKit(
      ['build', '--config', ws.config, '--registry', registry.host, '--component', 'api,search', '--push'],
      { env: ws.env },
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('unknown component(s): search');
    expect(r.stderr).toContain('api, memory, storage, faiss, neo4j, redis, gateway');
  });

  test('missing Containerfile: no image is built or pushed, not even the others', async () => {
    const ws = await workspace('missing');
    await rm(join(ws.dir, 'services', 'storage', 'Containerfile'));
    const r = await runReleaseKit(
      [
        'build',
        '--config',
        ws.config,
        '--registry',
        registry.host,
        '--tag',
        'missing',
        '--push',
        '--builder',
        'buildah',
      ],
      { env: ws.env },
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      `storage: no Containerfile or Dockerfile in ${join(ws.dir, 'services', 'storage')}`,
    );
    for (const component of COMPONENTS) {
      expect(await remoteTags(registry.host, `memory_system/${component}`)).not.toContain('missing');
    }
  });

  test('the last Containerfile does not build: the first two are built, nothing is pushed, no map written', async () => {
    const ws = await workspace('broken');
    await writeFile(
      join(ws.dir, 'services', 'storage', 'Containerfile'),
      'FROM scratch\nCOPY no-such-file /x\n',
    );
    const out = join(ws.dir, 'images.json');
    const r = await runReleaseKit(
      [
        'build',
        '--config',
        ws.config,
        '--registry',
        untouched.host,
        '--tag',
        'broken',
        '--push',
        '--builder',
        'buildah',
        '--out',
        out,
      ],
      { env: ws.env },
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('== build api');
    expect(r.stderr).toContain('== build memory');
    expect(r.stderr).toContain('buildah build of storage');
    expect(r.stderr).toContain('no-such-file');
    expect(r.stderr).toContain('nothing was pushed');
    expect(r.stderr).not.toContain('== push');
    for (const component of COMPONENTS) {
      expect(await remoteTags(untouched.host, `memory_system/${component}`)).toEqual([]);
    }
    expect(existsSync(out)).toBe(false);
  });
});

describe('a registry that stops between two pushes', () => {
  test('names the images pushed, with digests, the one that failed and those not pushed', async () => {
    expect(first).toBeDefined();
    const ws = await workspace('stopping');
    const config = await loadReleaseConfig(ws.config);
    const groups: string[] = [];
    // The registry goes away when the push of the second image starts, after the first was read back.
    const stopAtSecondPush: Logger = {
      ...silentLogger,
      group: async (name, fn) => {
        groups.push(name.split(' (')[0] as string);
        if (name.startsWith('push memory')) await stopping.stop();
        return fn();
      },
    };
    setLogger(stopAtSecondPush);
    process.env.CONTAINERS_STORAGE_CONF = ws.env.CONTAINERS_STORAGE_CONF;
    try {
      const error = await buildImages(config, {
        configFile: ws.config,
        registry: stopping.host,
        tags: ['1.0.0'],
        push: true,
        builder: 'buildah',
      }).then(
        () => expect.fail('the push should have failed'),
        (e: unknown) => e as UserError,
      );
      const apiDigest = (first.api as string).split('@')[1];
      expect(error.message).toMatch(
        /^push of memory failed: buildah push of .*memory_system\/memory:1\.0\.0 failed/,
      );
      expect(error.message).toContain(
        [
          '  pushed (1 of 3):',
          `    api: ${stopping.host}/memory_system/api@${apiDigest}`,
          '  failed: memory (some of its tags may be in the registry)',
          '  not pushed: storage',
          '  no images map was written',
        ].join('\n'),
      );
      expect(error.hint).toContain('the registry receives only the layers it lacks');
      expect(groups).toEqual(['build api', 'build memory', 'build storage', 'push api', 'push memory']);
    } finally {
      delete process.env.CONTAINERS_STORAGE_CONF;
      setLogger(silentLogger);
    }
  });
});
