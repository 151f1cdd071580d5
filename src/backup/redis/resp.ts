// A minimal Redis client (RESP2 over TCP or a unix socket): what backup and verification need, i.e.
// commands in order, pipelined, with binary-safe replies. Dumps themselves go through `redis-cli --rdb`.
import { connect, type Socket } from 'node:net';

export type RespValue = Buffer | string | number | null | RedisReplyError | RespValue[];
export type RedisArg = string | Buffer | number;

export class RedisReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisReplyError';
  }
}

export type RedisTarget = { host: string; port: number } | { path: string };

const CRLF = Buffer.from('\r\n');

export function encodeCommand(args: RedisArg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, CRLF);
  }
  return Buffer.concat(parts);
}

/** One reply from `buf` at `at`, or undefined while it is still incomplete. */
export function decodeReply(buf: Buffer, at = 0): { value: RespValue; next: number } | undefined {
  const eol = buf.indexOf(CRLF, at);
  if (eol < 0) return undefined;
  const line = buf.toString('utf8', at + 1, eol);
  const after = eol + 2;
  switch (String.fromCharCode(buf[at] ?? 0)) {
    case '+':
      return { value: line, next: after };
    case '-':
      return { value: new RedisReplyError(line), next: after };
    case ':':
      return { value: Number(line), next: after };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, next: after };
      if (buf.length < after + len + 2) return undefined;
      return { value: buf.subarray(after, after + len), next: after + len + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, next: after };
      const items: RespValue[] = [];
      let next = after;
      for (let i = 0; i < count; i++) {
        const item = decodeReply(buf, next);
        if (!item) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(
        `not a RESP reply: ${JSON.stringify(buf.toString('utf8', at, Math.min(eol, at + 40)))}`,
      );
  }
}

interface Pending {
  resolve: (v: RespValue) => void;
  reject: (e: Error) => void;
}

export class RedisConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private closedWith: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    readonly name: string,
  ) {
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error(`connection to redis at ${name} closed`)));
  }

  /** Connects (and authenticates when a password is given); errors name the address. */
  static async open(target: RedisTarget, password?: string): Promise<RedisConnection> {
    const name = 'path' in target ? target.path : `${target.host}:${target.port}`;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = 'path' in target ? connect(target.path) : connect(target.port, target.host);
      s.once('connect', () => resolve(s));
      s.once('error', (e) => reject(new Error(`cannot connect to redis at ${name}: ${e.message}`)));
    });
    const connection = new RedisConnection(socket, name);
    if (password) await connection.command('AUTH', password);
    return connection;
  }

  private receive(chunk: Buffer) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    let at = 0;
    for (;;) {
      const reply = decodeReply(this.buffer, at);
      if (!reply) break;
      at = reply.next;
      this.pending.shift()?.resolve(reply.value);
    }
    this.buffer = this.buffer.subarray(at);
  }

  private fail(e: Error) {
    this.closedWith ??= e;
    for (const p of this.pending.splice(0)) p.reject(e);
  }

  /** Sends one command; a Redis error reply rejects with RedisReplyError. Commands may be pipelined. */
  command(...args: RedisArg[]): Promise<RespValue> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => {
      this.pending.push({
        resolve: (v) =>
          v instanceof RedisReplyError ? reject(new RedisReplyError(`${args[0]}: ${v.message}`)) : resolve(v),
        reject,
      });
      this.socket.write(encodeCommand(args));
    });
  }

  /** A command whose reply is text (INFO, CLUSTER NODES, CONFIG GET values). */
  async text(...args: RedisArg[]): Promise<string> {
    const v = await this.command(...args);
    if (Buffer.isBuffer(v)) return v.toString('utf8');
    if (typeof v === 'string') return v;
    throw new Error(`${args[0]}: expected a text reply from redis at ${this.name}, got ${JSON.stringify(v)}`);
  }

  close(): void {
    this.closedWith ??= new Error(`connection to redis at ${this.name} was closed`);
    this.socket.destroy();
  }
}
