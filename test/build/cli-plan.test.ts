// The CLI paths the composite action drives (--plan-only, then --from-plan/--digests), on the
// shipped example config and its example Containerfiles, plus flag mistakes.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { packageRoot } from '../../src/util/paths.js';
import { runReleaseKit } from '../support/cli.js';
import { bcryptHash, bcryptSalt } from '../support/registry.js';

const example = join(packageRoot(), 'examples', 'memory-system.yaml');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'release-kit-plan-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('--plan-only resolves the example services to its Containerfiles, then the digests become the images map', async () => {
  const planFile = join(dir, 'plan.json');
  const plan = await runReleaseKit([
    'build',
    '--config',
    example,
    '--plan-only',
    '--tag',
    'sha-abc1234',
    '--out',
    planFile,
  ]);
  expect(plan.stderr).toBe('');
  expect(plan.exitCode).toBe(0);
  const slots = JSON.parse(plan.stdout);
  expect(slots.map((s: { component: string }) => s.component)).toEqual(['api', 'memory', 'storage']);
  expect(slots[0]).toMatchObject({
    registry: 'registry.example.com',
    name: 'registry.example.com/memory_system/api',
    file: join(packageRoot(), 'examples', 'services', 'api', 'Containerfile'),
    tags: 'registry.example.com/memory_system/api:sha-abc1234',
  });
  const digests = ['a', 'b', 'c'].map((c) => `sha256:${c.repeat(64)}`);
  const out = join(dir, 'images.json');
  const assembled = await runReleaseKit([
    'build',
    '--from-plan',
    planFile,
    '--digests',
    JSON.stringify([...digests, '', '', '']),
    '--out',
    out,
  ]);
  expect(assembled.exitCode).toBe(0);
  expect(JSON.parse(assembled.stdout)).toEqual({
    api: `registry.example.com/memory_system/api@${digests[0]}`,
    memory: `registry.example.com/memory_system/memory@${digests[1]}`,
    storage: `registry.example.com/memory_system/storage@${digests[2]}`,
  });
  expect(JSON.parse(await readFile(out, 'utf8')).tags.memory).toEqual([
    'registry.example.com/memory_system/memory:sha-abc1234',
  ]);
});

test('flag mistakes are user errors with a hint', async () => {
  const noPush = await runReleaseKit(['build', '--config', example, '--out', join(dir, 'x.json')]);
  expect(noPush.exitCode).toBe(1);
  expect(noPush.stderr).toContain('--out needs --push');
  const missing = await runReleaseKit(['build', '--config', join(dir, 'nope.yaml'), '--push']);
  expect(missing.exitCode).toBe(1);
  expect(missing.stderr).toContain(`config file ${join(dir, 'nope.yaml')} does not exist`);
  const builder = await runReleaseKit(['build', '--config', example, '--builder', 'kaniko']);
  expect(builder.exitCode).toBe(1);
  expect(builder.stderr).toContain("argument 'kaniko' is invalid");
  await writeFile(join(dir, 'bad-plan.json'), '{"not": "a plan"}');
  const badPlan = await runReleaseKit([
    'build',
    '--from-plan',
    join(dir, 'bad-plan.json'),
    '--digests',
    '[]',
  ]);
  expect(badPlan.exitCode).toBe(1);
  expect(badPlan.stderr).toContain('bad-plan.json: not a build plan');
  await writeFile(join(dir, 'empty-plan.json'), '[]');
  const badDigests = await runReleaseKit([
    'build',
    '--from-plan',
    join(dir, 'empty-plan.json'),
    '--digests',
    'sha256:x',
  ]);
  expect(badDigests.exitCode).toBe(1);
  expect(badDigests.stderr).toContain('--digests must be a JSON array of strings');
});

test('the test registry bcrypt matches the published crypt_blowfish vector', () => {
  expect(bcryptHash('U*U', 5, bcryptSalt('CCCCCCCCCCCCCCCCCCCCC.'), '2a')).toBe(
    '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW',
  );
});
