// Pure parts of the build: the images map format, tags and labels, target planning, credentials,
// the registry auth challenge, builder arguments, builder selection and the partial-push report
// (plain data, no processes).
import { describe, expect, test } from 'vitest';
import { actionSlots, assembleReport, parseActionPlan } from '../../src/build/action-plan.js';
import { buildahBuildArgs, buildahPushArgs } from '../../src/build/builders/buildah.js';
import { selectBuilder } from '../../src/build/builders/detect.js';
import { dockerBuildArgs, dockerPushArgs } from '../../src/build/builders/docker.js';
import type { BuildRequest } from '../../src/build/builders/types.js';
import { credentialsFromAuthFile, resolveCredentials } from '../../src/build/credentials.js';
import { isLoopbackRegistry, parseImageName } from '../../src/build/image-ref.js';
import { parseImageMap } from '../../src/build/index.js';
import type { ReadyTarget } from '../../src/build/inputs.js';
import { partialPushError } from '../../src/build/push-failure.js';
import { parseChallenge } from '../../src/build/registry.js';
import { computeTags, ociLabels, tagFromBranch } from '../../src/build/tags.js';
import { planBuildTargets } from '../../src/build/targets.js';
import type { ReleaseConfig } from '../../src/config/types.js';
import { describeError, UserError } from '../../src/errors.js';

/** The line a user sees for the error fn throws: message and hint. */
function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return describeError(e);
  }
  throw new Error('expected an error');
}

const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;

describe('parseImageMap', () => {
  test('accepts a bare map and a build report', () => {
    const map = { api: `r.io/memory_system/api@${D1}`, memory: `127.0.0.1:5000/memory_system/memory@${D2}` };
    expect(parseImageMap(JSON.stringify(map), 'images.json')).toEqual(map);
    expect(
      parseImageMap(JSON.stringify({ images: map, tags: { api: ['r.io/memory_system/api:1'] } }), 'x'),
    ).toEqual(map);
  });

  test.each([
    ['not json', '{api:', /images\.json: the images map is not valid JSON/],
    ['an array', '[]', /must be a JSON object/],
    [
      'a tag instead of a digest',
      '{"api": "r.io/memory_system/api:1.0"}',
      /api: "r.io\/memory_system\/api:1.0" is not pinned by digest \(it has no @sha256 digest\)/,
    ],
    [
      'a short digest',
      '{"api": "r.io/a@sha256:abc"}',
      /not pinned by digest \(the digest is not sha256:<64 lowercase hex>\)/,
    ],
    ['a number', '{"api": 3}', /api: expected a string, got number/],
    ['nothing', '{}', /the images map is empty/],
  ])('rejects %s with the source and the field', (_what, text, message) => {
    expect(() => parseImageMap(text, 'images.json')).toThrow(message);
  });

  test('lists every bad entry at once', () => {
    expect(() => parseImageMap('{"api": "x", "memory": "y"}', 'in')).toThrow(
      /2 invalid image reference\(s\):\n {2}api: .*\n {2}memory: /,
    );
  });
});

describe('image names', () => {
  test('splits registry, repository and tag', () => {
    expect(parseImageName('memory_system/api:latest')).toEqual({
      repository: 'memory_system/api',
      tag: 'latest',
    });
    expect(parseImageName('localhost:5000/a/b')).toEqual({ registry: 'localhost:5000', repository: 'a/b' });
    expect(parseImageName('ghcr.io/acme/x:1.2')).toEqual({
      registry: 'ghcr.io',
      repository: 'acme/x',
      tag: '1.2',
    });
    expect(parseImageName('Memory/API')).toBeUndefined();
    expect(parseImageName('a/b@sha256:00')).toBeUndefined();
  });

  test('only loopback registries are plain HTTP', () => {
    expect(['127.0.0.1:5000', 'localhost:1', '[::1]:5000'].map(isLoopbackRegistry)).toEqual([
      true,
      true,
      true,
    ]);
    expect(['registry.example.com', '10.0.0.1:5000', '127.example.com'].map(isLoopbackRegistry)).toEqual([
      false,
      false,
      false,
    ]);
  });
});

describe('tags and labels', () => {
  const git = {
    sha: '0123456789abcdef0123456789abcdef01234567',
    branch: 'feature/Search-v2',
    commitTime: 1_700_000_000,
  };

  test('from git: branch made tag-safe and the short sha', () => {
    expect(computeTags({ explicit: [], git })).toEqual(['feature-Search-v2', 'sha-0123456']);
  });

  test('a vX.Y.Z tag on HEAD adds X.Y.Z and X.Y; a pre-release only itself', () => {
    expect(computeTags({ explicit: [], git: { ...git, branch: undefined, tag: 'v1.4.2' } })).toEqual([
      '1.4.2',
      '1.4',
      'sha-0123456',
    ]);
    expect(computeTags({ explicit: [], git: { tag: 'v2.0.0-rc.1' } })).toEqual(['2.0.0-rc.1']);
  });

  test('explicit tags replace the derived ones; outside git the config tag is used', () => {
    expect(computeTags({ explicit: ['1.0', '1.0', 'edge'], git })).toEqual(['1.0', 'edge']);
    expect(computeTags({ explicit: [], git: {}, fallback: 'latest' })).toEqual(['latest']);
    expect(failure(() => computeTags({ explicit: [], git: {} }))).toMatch(/no tag to push.*\(pass --tag/);
    expect(() => computeTags({ explicit: ['ok', '-bad', 'a b'], git })).toThrow(
      'invalid tag(s): "-bad", "a b"',
    );
  });

  test('branch names that cannot become a tag are skipped', () => {
    expect(tagFromBranch('---')).toBeUndefined();
    expect(tagFromBranch('x'.repeat(200))).toHaveLength(128);
  });

  test('OCI labels use the commit time (reproducible) and publish only https sources', () => {
    expect(ociLabels({ ...git, remoteUrl: 'git@github.com:acme/memory.git' }, 'api', '1.0')).toEqual({
      'org.opencontainers.image.title': 'api',
      'org.opencontainers.image.version': '1.0',
      'org.opencontainers.image.revision': git.sha,
      'org.opencontainers.image.created': '2023-11-14T22:13:20.000Z',
      'org.opencontainers.image.source': 'https://github.com/acme/memory',
    });
    const secret = ociLabels({ remoteUrl: 'https://user:token@git.example.com/x.git' }, 'api', '1');
    expect(secret['org.opencontainers.image.source']).toBe('https://git.example.com/x');
  });
});

describe('planBuildTargets', () => {
  const config = {
    registry: 'registry.example.com',
    services: {
      api: {
        image: 'memory_system/api:latest',
        ports: [],
        build: { context: 'services/api', args: { PORT: '8000' } },
      },
      memory: {
        image: 'memory_system/memory:latest',
        ports: [],
        build: { context: '/abs/memory', containerfile: 'build/Containerfile' },
      },
    },
    stores: {
      redis: { image: 'redis:7.2', port: 6379 },
      faiss: { image: 'ghcr.io/acme/faiss:1', port: 8080, build: { context: 'faiss' } },
    },
    gateway: { image: 'nginx:1.27' },
  } as unknown as ReleaseConfig;
  const base = { configFile: '/repo/deploy/release.yaml', git: {}, tags: ['1.0'] };

  test('every component with a build section, contexts relative to the config file', () => {
    const targets = planBuildTargets(config, base);
    expect(targets.map((t) => [t.component, t.name, t.context])).toEqual([
      ['api', 'registry.example.com/memory_system/api', '/repo/deploy/services/api'],
      ['memory', 'registry.example.com/memory_system/memory', '/abs/memory'],
      ['faiss', 'ghcr.io/acme/faiss', '/repo/deploy/faiss'],
    ]);
    expect(targets[0]?.containerfiles).toEqual([
      '/repo/deploy/services/api/Containerfile',
      '/repo/deploy/services/api/Dockerfile',
    ]);
    expect(targets[1]?.containerfiles).toEqual(['/abs/memory/build/Containerfile']);
    expect(targets[0]?.tags).toEqual(['registry.example.com/memory_system/api:1.0']);
    expect(targets[0]?.buildArgs).toEqual({ PORT: '8000' });
  });

  test('--registry replaces the config registry, not one the image names', () => {
    const targets = planBuildTargets(config, { ...base, registry: '127.0.0.1:5000' });
    expect(targets.map((t) => t.registry)).toEqual(['127.0.0.1:5000', '127.0.0.1:5000', 'ghcr.io']);
  });

  test('a subset, unknown names, prebuilt components, no registry', () => {
    expect(planBuildTargets(config, { ...base, components: ['memory'] }).map((t) => t.component)).toEqual([
      'memory',
    ]);
    expect(failure(() => planBuildTargets(config, { ...base, components: ['memroy', 'api'] }))).toMatch(
      /unknown component\(s\): memroy \(components in \/repo\/deploy\/release.yaml: api, memory, redis, faiss, gateway\)/,
    );
    expect(() => planBuildTargets(config, { ...base, components: ['redis'] })).toThrow(
      /without a build section: redis \(stores.redis.image is redis:7.2\)/,
    );
    expect(() =>
      planBuildTargets({ ...config, registry: undefined }, { ...base, components: ['api'] }),
    ).toThrow(/no registry to push api to/);
    expect(() => planBuildTargets({ ...config, services: {}, stores: {} }, base)).toThrow(
      /no component has a build section/,
    );
  });
});

describe('credentials', () => {
  test('the environment pair, both or neither', async () => {
    const env = { RELEASE_KIT_REGISTRY_USERNAME: 'u', RELEASE_KIT_REGISTRY_PASSWORD: 'p' };
    expect(await resolveCredentials('r.io', env)).toEqual({ username: 'u', password: 'p' });
    await expect(resolveCredentials('r.io', { RELEASE_KIT_REGISTRY_USERNAME: 'u' })).rejects.toThrow(
      'RELEASE_KIT_REGISTRY_PASSWORD is not set but RELEASE_KIT_REGISTRY_USERNAME is',
    );
    expect(await resolveCredentials('r.io', {})).toBeUndefined();
    await expect(
      resolveCredentials('r.io', { REGISTRY_AUTH_FILE: '/nonexistent/auth.json' }),
    ).rejects.toThrow('REGISTRY_AUTH_FILE=/nonexistent/auth.json: cannot read it (ENOENT)');
  });

  test('an auth file entry for the registry', () => {
    const auth = Buffer.from('bot:s3:cret').toString('base64');
    const text = JSON.stringify({
      auths: { 'r.io': { auth }, 'https://other.io': { username: 'a', password: 'b' } },
    });
    expect(credentialsFromAuthFile(text, 'f', 'r.io')).toEqual({ username: 'bot', password: 's3:cret' });
    expect(credentialsFromAuthFile(text, 'f', 'other.io')).toEqual({ username: 'a', password: 'b' });
    expect(credentialsFromAuthFile(text, 'f', 'none.io')).toBeUndefined();
    expect(() => credentialsFromAuthFile('{', 'f', 'r.io')).toThrow('f: not valid JSON');
    expect(() => credentialsFromAuthFile('{"auths":{"r.io":{"auth":"eA=="}}}', 'f', 'r.io')).toThrow(
      /not base64 of "user:password"/,
    );
  });
});

test('registry auth challenges', () => {
  expect(parseChallenge('Bearer realm="https://auth.io/token",service="registry.io"')).toEqual({
    scheme: 'bearer',
    params: { realm: 'https://auth.io/token', service: 'registry.io' },
  });
  expect(parseChallenge('Basic realm=test')).toEqual({ scheme: 'basic', params: { realm: 'test' } });
});

const target: ReadyTarget = {
  component: 'api',
  name: 'r.io/memory_system/api',
  registry: 'r.io',
  context: '/w/services/api',
  containerfiles: ['/w/services/api/Containerfile'],
  containerfile: '/w/services/api/Containerfile',
  buildArgs: { PORT: '8000' },
  tags: ['r.io/memory_system/api:1', 'r.io/memory_system/api:edge'],
  labels: { 'org.opencontainers.image.title': 'api' },
};
const request: BuildRequest = {
  target,
  push: true,
  insecure: false,
  sourceDateEpoch: 42,
  authFile: '/tmp/a/config.json',
  workDir: '/tmp/run',
};

describe('builder arguments', () => {
  test('buildah: reproducible timestamp, layer cache, every tag, label and build arg', () => {
    expect(buildahBuildArgs(request, '/tmp/iid')).toEqual([
      'build',
      '--layers',
      '--timestamp',
      '42',
      '--iidfile',
      '/tmp/iid',
      '--file',
      '/w/services/api/Containerfile',
      '--tag',
      'r.io/memory_system/api:1',
      '--tag',
      'r.io/memory_system/api:edge',
      '--label',
      'org.opencontainers.image.title=api',
      '--build-arg',
      'PORT=8000',
      '/w/services/api',
    ]);
    expect(
      buildahPushArgs({ ...request, insecure: true }, 'iid', 'r.io/memory_system/api:1', '/tmp/d'),
    ).toEqual([
      'push',
      '--tls-verify=false',
      '--authfile',
      '/tmp/a/config.json',
      '--digestfile',
      '/tmp/d',
      'iid',
      'docker://r.io/memory_system/api:1',
    ]);
  });

  test('docker buildx: an OCI layout with provenance, SBOM and a registry cache to push; --load otherwise', () => {
    const args = dockerBuildArgs(request, '/tmp/m.json');
    expect(args).toEqual(expect.arrayContaining(['--provenance=mode=max', '--sbom=true']));
    expect(args).not.toContain('--push');
    expect(args.join(' ')).toContain('--output type=oci,dest=/tmp/run/api.oci,tar=false');
    expect(args.join(' ')).toContain(
      '--cache-to type=registry,ref=r.io/memory_system/api:buildcache,mode=max',
    );
    const local = dockerBuildArgs({ ...request, push: false }, '/tmp/m.json');
    expect(local).toContain('--load');
    expect(local).not.toContain('--output');
    expect(dockerPushArgs({ ...request, insecure: true }, 'r.io/memory_system/api:1', '/tmp/d')).toEqual([
      'copy',
      '--all',
      '--dest-tls-verify=false',
      '--dest-authfile',
      '/tmp/a/config.json',
      '--digestfile',
      '/tmp/d',
      'oci:/tmp/run/api.oci',
      'docker://r.io/memory_system/api:1',
    ]);
  });
});

describe('a failed push reports what the registry holds', () => {
  const api = `r.io/memory_system/api@${D1}`;
  test('after one image was pushed: pushed by digest, failed, not pushed, and the retry', () => {
    const cause = new UserError('buildah push of r.io/memory_system/memory:1 failed (exit 125)', 'check X');
    const e = partialPushError(
      { pushed: [{ component: 'api', image: api }], failed: 'memory', notPushed: ['storage'] },
      cause,
    );
    expect(e.message).toBe(
      [
        'push of memory failed: buildah push of r.io/memory_system/memory:1 failed (exit 125)',
        '  pushed (1 of 3):',
        `    api: ${api}`,
        '  failed: memory (some of its tags may be in the registry)',
        '  not pushed: storage',
        '  no images map was written',
      ].join('\n'),
    );
    expect(e.hint).toBe(
      'check X; then run the same command again: every image is pushed again, and the registry receives only the layers it lacks',
    );
  });

  test('when the first push fails, nothing is listed as pushed', () => {
    const e = partialPushError(
      { pushed: [], failed: 'api', notPushed: ['memory'] },
      new Error('digest mismatch'),
    );
    expect(e.message).toContain('push of api failed: digest mismatch\n  pushed: none of the 2 images\n');
    expect(e.hint).toMatch(/^run the same command again/);
  });
});

describe('selectBuilder', () => {
  const probes = (docker: boolean, buildah: boolean) => ({
    dockerBuildxAvailable: async () => docker,
    buildahAvailable: async () => buildah,
  });
  test('auto prefers an answering Docker engine and falls back to buildah', async () => {
    expect((await selectBuilder('auto', probes(true, true))).name).toBe('docker');
    expect((await selectBuilder('auto', probes(false, true))).name).toBe('buildah');
    await expect(selectBuilder('auto', probes(false, false))).rejects.toThrow(/no image builder/);
  });
  test('an explicit choice that is not available is an error', async () => {
    await expect(selectBuilder('docker', probes(false, true))).rejects.toThrow(
      /no Docker engine with buildx answers/,
    );
    await expect(selectBuilder('buildah', probes(true, false))).rejects.toThrow(/buildah is not installed/);
  });
});

describe('action plan', () => {
  test('slots in build-push-action formats, and the map from their digests', () => {
    const slots = actionSlots([target]);
    expect(slots).toEqual([
      {
        component: 'api',
        registry: 'r.io',
        name: 'r.io/memory_system/api',
        context: '/w/services/api',
        file: '/w/services/api/Containerfile',
        tags: 'r.io/memory_system/api:1\nr.io/memory_system/api:edge',
        'build-args': 'PORT=8000',
      },
    ]);
    const plan = parseActionPlan(JSON.stringify(slots), 'plan.json');
    expect(assembleReport(plan, [D1, '', ''], 'plan.json')).toEqual({
      images: { api: `r.io/memory_system/api@${D1}` },
      tags: { api: ['r.io/memory_system/api:1', 'r.io/memory_system/api:edge'] },
    });
    expect(() => assembleReport(plan, [''], 'plan.json')).toThrow(
      'plan.json: build slot 0 (api) reported digest ""',
    );
    expect(() => actionSlots(Array(7).fill(target))).toThrow(/at most 6 images/);
    expect(() => parseActionPlan('[{"component":"api"}]', 'p')).toThrow(/p: not a build plan/);
  });
});
