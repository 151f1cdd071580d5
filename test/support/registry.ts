// A real Docker registry (Debian `docker-registry`, distribution 2.8) on 127.0.0.1 for build tests,
// optionally behind htpasswd auth. The htpasswd entry needs bcrypt, which Node's crypto lacks, so a
// small bcrypt lives here (checked against a published test vector in test/build/registry.test.ts).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { systemBinary } from './tools.js';

export interface TestRegistry {
  /** host:port, e.g. 127.0.0.1:41234 */
  host: string;
  stop(): Promise<void>;
}

export async function startRegistry(
  options: { user?: { name: string; password: string } } = {},
): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'release-kit-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const auth = options.user
    ? `auth:\n  htpasswd:\n    realm: release-kit-test\n    path: ${join(dir, 'htpasswd')}\n`
    : '';
  if (options.user) {
    await writeFile(join(dir, 'htpasswd'), `${options.user.name}:${bcryptHash(options.user.password, 5)}\n`);
  }
  await writeFile(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: ${host}\n  secret: release-kit-test\n${auth}`,
  );
  const child: ResultPromise = execa(systemBinary('docker-registry'), ['serve', join(dir, 'config.yml')], {
    reject: false,
  });
  const stop = async () => {
    child.kill();
    await child;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(`http://${host}/v2/`, child);
  } catch (e) {
    await stop();
    throw e;
  }
  return { host, stop };
}

/** A port nobody listens on (for "registry unreachable" tests and for the registry itself). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  await new Promise((ok) => server.close(ok));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function waitUntilServing(url: string, child: ResultPromise): Promise<void> {
  let exited = false;
  child.finally(() => {
    exited = true;
  });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !exited) {
    try {
      const r = await fetch(url);
      if (r.status === 200 || r.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((ok) => setTimeout(ok, 50));
  }
  const result = await Promise.race([child, new Promise((ok) => setTimeout(ok, 10, undefined))]);
  throw new Error(
    `docker-registry did not start at ${url}: ${(result as { stderr?: string } | undefined)?.stderr ?? 'timeout'}`,
  );
}

// ---- bcrypt ($2b$), as the registry's htpasswd check (golang.org/x/crypto/bcrypt) verifies it ----

/** `$2b$<cost>$<22 chars salt><31 chars hash>`; salt is 16 bytes (random unless given, for test vectors). */
export function bcryptHash(
  password: string,
  cost: number,
  salt: Buffer = randomBytes(16),
  variant = '2b',
): string {
  const key = Buffer.concat([Buffer.from(password, 'utf8'), Buffer.from([0])]).subarray(0, 72);
  const state = initialState();
  expandKey(state, key, salt);
  for (let i = 0; i < 2 ** cost; i++) {
    expandKey(state, key);
    expandKey(state, salt);
  }
  const text = Buffer.from('OrpheanBeholderScryDoubt', 'latin1');
  const words = [0, 1, 2, 3, 4, 5].map((i) => text.readUInt32BE(i * 4));
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 6; j += 2) {
      const [l, r] = encipher(state, words[j] as number, words[j + 1] as number);
      words[j] = l;
      words[j + 1] = r;
    }
  }
  const out = Buffer.alloc(24);
  for (const [i, w] of words.entries()) out.writeUInt32BE(w >>> 0, i * 4);
  return `$${variant}$${String(cost).padStart(2, '0')}$${bcryptBase64(salt)}${bcryptBase64(out.subarray(0, 23))}`;
}

/** Decodes bcrypt's 22-character salt text to its 16 bytes. */
export function bcryptSalt(text: string): Buffer {
  return Buffer.from(translate(text, BCRYPT_ALPHABET, STANDARD_ALPHABET), 'base64').subarray(0, 16);
}

// bcrypt's base64 is the standard bit order with another alphabet and no padding.
const STANDARD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const translate = (s: string, from: string, to: string) =>
  [...s].map((c) => to[from.indexOf(c)] ?? c).join('');
const bcryptBase64 = (b: Buffer) =>
  translate(b.toString('base64').replace(/=+$/, ''), STANDARD_ALPHABET, BCRYPT_ALPHABET);

interface BlowfishState {
  p: Uint32Array;
  s: Uint32Array; // four S-boxes of 256 words, back to back
}

// Blowfish starts from the hexadecimal digits of pi's fraction: 18 P words then 1024 S-box words.
// They are computed once (Machin's formula in BigInt fixed point) instead of pasting a 4 KB table.
let piWords: Uint32Array | undefined;
function initialState(): BlowfishState {
  if (!piWords) {
    const words = 18 + 1024;
    const bits = BigInt(words * 32 + 64);
    const one = 1n << bits;
    const atanInv = (x: bigint): bigint => {
      let sum = 0n;
      let power = one / x;
      const x2 = x * x;
      for (let n = 1n, sign = 1n; power !== 0n; n += 2n, sign = -sign) {
        sum += (sign * power) / n;
        power /= x2;
      }
      return sum;
    };
    const pi = 16n * atanInv(5n) - 4n * atanInv(239n);
    const fraction = (pi & (one - 1n)) >> 64n;
    piWords = new Uint32Array(words);
    for (let i = 0; i < words; i++) {
      piWords[i] = Number((fraction >> BigInt((words - 1 - i) * 32)) & 0xffffffffn);
    }
  }
  return { p: piWords.slice(0, 18), s: piWords.slice(18) };
}

function f(s: Uint32Array, x: number): number {
  const a = s[x >>> 24] as number;
  const b = s[256 + ((x >>> 16) & 0xff)] as number;
  const c = s[512 + ((x >>> 8) & 0xff)] as number;
  const d = s[768 + (x & 0xff)] as number;
  return ((((a + b) >>> 0) ^ c) + d) >>> 0;
}

function encipher({ p, s }: BlowfishState, left: number, right: number): [number, number] {
  let l = (left ^ (p[0] as number)) >>> 0;
  let r = right >>> 0;
  for (let i = 1; i <= 16; i += 2) {
    r = (r ^ f(s, l) ^ (p[i] as number)) >>> 0;
    l = (l ^ f(s, r) ^ (p[i + 1] as number)) >>> 0;
  }
  return [(r ^ (p[17] as number)) >>> 0, l];
}

/** Blowfish key schedule, with bcrypt's salt mixed in when given (EksBlowfish "ExpandKey"). */
function expandKey(state: BlowfishState, key: Buffer, salt?: Buffer): void {
  let k = 0;
  const keyWord = () => {
    let w = 0;
    for (let i = 0; i < 4; i++) {
      w = ((w << 8) | (key[k] as number)) >>> 0;
      k = (k + 1) % key.length;
    }
    return w;
  };
  let d = 0;
  const saltWord = () => {
    if (!salt) return 0;
    let w = 0;
    for (let i = 0; i < 4; i++) {
      w = ((w << 8) | (salt[d] as number)) >>> 0;
      d = (d + 1) % salt.length;
    }
    return w;
  };
  for (let i = 0; i < 18; i++) state.p[i] = ((state.p[i] as number) ^ keyWord()) >>> 0;
  let l = 0;
  let r = 0;
  const fill = (target: Uint32Array) => {
    for (let i = 0; i < target.length; i += 2) {
      [l, r] = encipher(state, (l ^ saltWord()) >>> 0, (r ^ saltWord()) >>> 0);
      target[i] = l;
      target[i + 1] = r;
    }
  };
  fill(state.p);
  fill(state.s);
}
