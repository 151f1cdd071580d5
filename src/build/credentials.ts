// Registry credentials come from the environment or a credentials file, never from argv, and are
// never logged. The file is the docker/containers auth format that buildah, skopeo and docker read.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';

export interface Credentials {
  username: string;
  password: string;
}

export const USERNAME_ENV = 'RELEASE_KIT_REGISTRY_USERNAME';
export const PASSWORD_ENV = 'RELEASE_KIT_REGISTRY_PASSWORD';
/** The containers tools' own variable for an auth file ({"auths": {"host": {"auth": base64(user:pass)}}}). */
export const AUTH_FILE_ENV = 'REGISTRY_AUTH_FILE';

/** Credentials for `registry`: the env pair first, then the auth file; undefined means anonymous. */
export async function resolveCredentials(
  registry: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Credentials | undefined> {
  const username = env[USERNAME_ENV];
  const password = env[PASSWORD_ENV];
  if (username || password) {
    if (!username || !password) {
      throw new UserError(
        `${username ? PASSWORD_ENV : USERNAME_ENV} is not set but ${username ? USERNAME_ENV : PASSWORD_ENV} is`,
        'set both, or neither to use an auth file or anonymous access',
      );
    }
    return { username, password };
  }
  const file = env[AUTH_FILE_ENV];
  if (!file) return undefined;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UserError(
      `${AUTH_FILE_ENV}=${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      'point it at a readable auth.json, or unset it',
    );
  }
  return credentialsFromAuthFile(text, file, registry);
}

/** Finds `registry` in an auth file's text (pure). */
export function credentialsFromAuthFile(
  text: string,
  file: string,
  registry: string,
): Credentials | undefined {
  let data: { auths?: Record<string, { auth?: string; username?: string; password?: string }> };
  try {
    data = JSON.parse(text);
  } catch {
    throw new UserError(
      `${file}: not valid JSON`,
      'expected {"auths": {"<host>": {"auth": "<base64 user:pass>"}}}',
    );
  }
  const auths = data?.auths ?? {};
  const entry = auths[registry] ?? auths[`https://${registry}`] ?? auths[`http://${registry}`];
  if (!entry) return undefined;
  if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  const decoded = entry.auth ? Buffer.from(entry.auth, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    throw new UserError(
      `${file}: auths["${registry}"].auth is not base64 of "user:password"`,
      'recreate the entry, e.g. with `buildah login --authfile <file>`',
    );
  }
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Writes a private auth file for one registry (0600, in a fresh temp dir) so the tools get the
 * credentials by file, not argv. Returns its path and a remover the caller runs in `finally`.
 */
export async function writePrivateAuthFile(
  registry: string,
  credentials: Credentials,
): Promise<{ path: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'release-kit-auth-'));
  // Named config.json so the folder also serves as DOCKER_CONFIG for docker buildx.
  const path = join(dir, 'config.json');
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  await writeFile(path, JSON.stringify({ auths: { [registry]: { auth } } }), { mode: 0o600 });
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
