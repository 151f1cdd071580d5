// Starts a private redis-server process: to read a dump (a backup's inventory is taken from the dump
// itself, which also proves the dump loads) and to verify a restored one.
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { lastLines } from '../../util/text.js';
import { RedisConnection, type RedisTarget } from './resp.js';

export interface RedisServer {
  target: RedisTarget;
  connect(): Promise<RedisConnection>;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** Load this RDB file at start. */
  rdbFile?: string;
  /** Listen on 127.0.0.1:port; default: a unix socket only (no port to find, nothing reachable from outside). */
  port?: number;
  binary?: string;
  /** More redis-server options (`--cluster-enabled yes`, …). */
  args?: string[];
}

/** Starts redis-server in a fresh temp dir and waits until it has loaded its data and answers PING. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'rk-redis-'));
  if (options.rdbFile) await symlink(options.rdbFile, join(dir, 'dump.rdb'));
  const socket = join(dir, 'redis.sock');
  const args = ['--dir', dir, '--dbfilename', 'dump.rdb', '--save', '', '--appendonly', 'no'];
  args.push(...(options.port ? ['--port', String(options.port), '--bind', '127.0.0.1'] : ['--port', '0']));
  args.push('--unixsocket', socket, '--unixsocketperm', '700', ...(options.args ?? []));
  const child: ResultPromise = execa(options.binary ?? 'redis-server', args, { reject: false, all: true });
  const target: RedisTarget = options.port ? { host: '127.0.0.1', port: options.port } : { path: socket };
  const stop = async () => {
    child.kill('SIGTERM');
    await child;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(socket, child);
  } catch (e) {
    await stop();
    throw e;
  }
  return { target, connect: () => RedisConnection.open(target), stop };
}

async function waitUntilReady(socket: string, child: ResultPromise): Promise<void> {
  let exited = false;
  void child.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exited) {
      const result = await child;
      throw new Error(`redis-server exited before it was ready: ${lastLines(String(result.all), 3)}`);
    }
    try {
      const c = await RedisConnection.open({ path: socket });
      try {
        // LOADING replies are errors: keep waiting until the dump is in memory.
        if ((await c.command('PING')) === 'PONG') return;
      } catch {
        // still loading
      } finally {
        c.close();
      }
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  throw new Error('redis-server did not become ready within 30 s');
}
