// A real redis-server on a free 127.0.0.1 port (optionally loading a dump), stopped by the caller.
import { createServer } from 'node:net';
import { type RedisServer, startRedisServer } from '../../src/backup/redis/server.js';
import { systemBinary } from './tools.js';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port assigned');
  return address.port;
}

export interface TestRedis extends RedisServer {
  address: string;
}

export async function startTestRedis(rdbFile?: string): Promise<TestRedis> {
  const port = await freePort();
  const server = await startRedisServer({
    port,
    binary: systemBinary('redis-server'),
    ...(rdbFile ? { rdbFile } : {}),
  });
  return { ...server, address: `127.0.0.1:${port}` };
}

/**
 * A real Redis cluster of `masters` nodes (no replicas) with the slots split evenly, ready when every
 * node reports cluster_state:ok. `route(key)` is the node serving a key.
 */
export async function startTestRedisCluster(masters: number): Promise<{
  nodes: TestRedis[];
  route(key: string): Promise<TestRedis>;
  stop(): Promise<void>;
}> {
  const nodes: TestRedis[] = [];
  const busPorts: number[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    for (let i = 0; i < masters; i++) {
      const [port, busPort] = [await freePort(), await freePort()];
      busPorts.push(busPort);
      const server = await startRedisServer({
        port,
        binary: systemBinary('redis-server'),
        args: [
          '--cluster-enabled',
          'yes',
          '--cluster-port',
          String(busPort),
          '--cluster-node-timeout',
          '2000',
        ],
      });
      nodes.push({ ...server, address: `127.0.0.1:${port}` });
    }
    const per = Math.ceil(16384 / masters);
    for (const [i, node] of nodes.entries()) {
      const c = await node.connect();
      await c.command('CLUSTER', 'ADDSLOTSRANGE', i * per, Math.min(16383, (i + 1) * per - 1));
      if (i > 0) {
        // The bus port is not port + 10000 here, so MEET must be told it.
        const [host, port] = (nodes[0]?.address ?? '').split(':');
        await c.command('CLUSTER', 'MEET', host ?? '', port ?? '', busPorts[0] ?? 0);
      }
      c.close();
    }
    const deadline = Date.now() + 20_000;
    for (const node of nodes) {
      const c = await node.connect();
      try {
        while (!/cluster_state:ok/.test(await c.text('CLUSTER', 'INFO'))) {
          if (Date.now() > deadline) throw new Error('the test redis cluster did not converge within 20 s');
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        c.close();
      }
    }
  } catch (e) {
    await stop();
    throw e;
  }
  const route = async (key: string) => {
    const c = await (nodes[0] as TestRedis).connect();
    try {
      const slot = (await c.command('CLUSTER', 'KEYSLOT', key)) as number;
      return nodes[Math.floor(slot / Math.ceil(16384 / masters))] as TestRedis;
    } finally {
      c.close();
    }
  };
  return { nodes, route, stop };
}
