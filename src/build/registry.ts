// Asks the registry, before anything is built, whether it answers and accepts the credentials
// (Docker Registry HTTP API V2: GET /v2/, then the Basic or Bearer challenge it returns).
import { UserError } from '../errors.js';
import type { Credentials } from './credentials.js';
import { isLoopbackRegistry } from './image-ref.js';

export interface RegistryCheck {
  /** Plain HTTP registry (loopback registries only). */
  insecure: boolean;
}

const TIMEOUT_MS = 10_000;

export async function checkRegistryAccess(
  registry: string,
  credentials?: Credentials,
): Promise<RegistryCheck> {
  const insecure = isLoopbackRegistry(registry);
  const url = `${insecure ? 'http' : 'https'}://${registry}/v2/`;
  const first = await request(url, registry);
  if (first.status === 200) return { insecure };
  if (first.status !== 401) {
    throw new UserError(
      `registry ${registry} answered ${url} with HTTP ${first.status}, not a Docker Registry V2 API`,
      'check the registry host and port',
    );
  }
  if (!credentials) {
    throw new UserError(
      `registry ${registry} requires credentials and none were given`,
      'set RELEASE_KIT_REGISTRY_USERNAME and RELEASE_KIT_REGISTRY_PASSWORD, or REGISTRY_AUTH_FILE',
    );
  }
  const basic = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const challenge = parseChallenge(first.headers.get('www-authenticate') ?? '');
  let answer: Response;
  if (challenge.scheme === 'bearer' && challenge.params.realm) {
    const tokenUrl = new URL(challenge.params.realm);
    if (challenge.params.service) tokenUrl.searchParams.set('service', challenge.params.service);
    tokenUrl.searchParams.set('account', credentials.username);
    answer = await request(tokenUrl.toString(), registry, basic);
  } else {
    answer = await request(url, registry, basic);
  }
  if (answer.status === 200) return { insecure };
  if (answer.status === 401 || answer.status === 403) {
    throw new UserError(
      `registry ${registry} rejected the credentials of user "${credentials.username}" (HTTP ${answer.status})`,
      'check RELEASE_KIT_REGISTRY_USERNAME/PASSWORD or the REGISTRY_AUTH_FILE entry; nothing was pushed',
    );
  }
  throw new UserError(
    `registry ${registry} answered the login with HTTP ${answer.status}`,
    'retry later, or check the registry',
  );
}

async function request(url: string, registry: string, authorization?: string): Promise<Response> {
  try {
    const response = await fetch(url, {
      headers: authorization ? { authorization } : {},
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response;
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (e as Error).message;
    throw new UserError(
      `registry ${registry} is unreachable (${url}: ${why}); nothing was built or pushed`,
      'check --registry or the config `registry`, and that the registry is running and reachable',
    );
  }
}

/** Parses `Bearer realm="…",service="…"` (RFC 7235 auth-params; values may be quoted). */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  for (const m of header.slice(space + 1).matchAll(/([A-Za-z]+)=(?:"([^"]*)"|([^,\s]*))/g)) {
    params[(m[1] as string).toLowerCase()] = m[2] ?? m[3] ?? '';
  }
  return { scheme, params };
}
