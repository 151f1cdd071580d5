// The backup runner's command line and environment as typed settings. Pure: argv and env in, settings
// or a UserError naming the bad option out. Secrets (the restic and Redis passwords) are read from the
// environment only, never from argv, where the process list would show them.
import { parseArgs } from 'node:util';
import { UserError } from '../errors.js';
import type { FaissShardSource } from './faiss.js';
import { type BackupKind, backupKinds } from './tags.js';

interface Common {
  repository: string;
  password: string;
  environment: string;
  kind: BackupKind;
  type: 'incremental' | 'full';
}

export type RunnerSettings =
  | (Common & { store: 'redis'; address: string; stageDir: string; redisPassword?: string })
  | (Common & { store: 'neo4j'; from: string; database: string; chainDir: string })
  | (Common & { store: 'faiss'; shards: FaissShardSource[]; stageDir: string })
  | {
      store: 'retention';
      repository: string;
      password: string;
      environment?: string;
      dataDays: number;
      configWeeks: number;
      dryRun: boolean;
    };

export const runnerUsage = `usage: backup <redis|neo4j|faiss|retention> [options]
  common:    --env NAME [--kind data|config] [--type incremental|full]
  redis:     --address HOST:PORT --stage DIR            (REDIS_PASSWORD from the environment)
  neo4j:     --from HOST:PORT[,…] [--database neo4j] --chain DIR
  faiss:     --shard NAME=URL[,URL…] (repeat per shard) --stage DIR
  retention: --data-days N --config-weeks N [--env NAME] [--dry-run]
  environment: RESTIC_REPOSITORY, RESTIC_PASSWORD, and the backend's credentials (AWS_ACCESS_KEY_ID…)`;

const options = {
  env: { type: 'string' },
  kind: { type: 'string' },
  type: { type: 'string' },
  address: { type: 'string' },
  stage: { type: 'string' },
  from: { type: 'string' },
  database: { type: 'string' },
  chain: { type: 'string' },
  shard: { type: 'string', multiple: true },
  'data-days': { type: 'string' },
  'config-weeks': { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

const usageHint = runnerUsage.split('\n')[0];

function required(
  values: Values,
  name: 'env' | 'address' | 'stage' | 'from' | 'chain',
  store: string,
): string {
  const v = values[name];
  if (!v) throw new UserError(`backup ${store}: --${name} is required`, usageHint);
  return v;
}

function count(values: Values, name: 'data-days' | 'config-weeks'): number {
  const v = values[name];
  const n = Number(v);
  if (!v || !Number.isInteger(n) || n < 1) {
    throw new UserError(
      `backup retention: --${name} must be a whole number of at least 1, got ${JSON.stringify(v ?? '')}`,
      usageHint,
    );
  }
  return n;
}

function parseShard(text: string): FaissShardSource {
  const m = /^([^=]+)=(.+)$/.exec(text);
  const replicas = (m?.[2] ?? '').split(',').filter(Boolean);
  if (!m?.[1] || !replicas.length || replicas.some((r) => !/^https?:\/\/[^/]+/.test(r))) {
    throw new UserError(
      `backup faiss: --shard ${JSON.stringify(text)} is not NAME=URL[,URL…]`,
      'e.g. --shard 0=http://faiss-0-0.faiss:8080,http://faiss-0-1.faiss:8080',
    );
  }
  return { shard: m[1], replicas };
}

export function parseRunnerArgs(argv: string[], env: Record<string, string | undefined>): RunnerSettings {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UserError(`backup: ${(e as Error).message}`, usageHint);
  }
  const { values, positionals } = parsed;
  const [store, ...extra] = positionals;
  if (!store || extra.length || !['redis', 'neo4j', 'faiss', 'retention'].includes(store)) {
    throw new UserError(
      `backup: expected one of redis, neo4j, faiss, retention, got ${JSON.stringify(positionals.join(' '))}`,
      usageHint,
    );
  }
  const repository = env.RESTIC_REPOSITORY;
  const password = env.RESTIC_PASSWORD;
  if (!repository || !password) {
    throw new UserError(
      `backup: ${!repository ? 'RESTIC_REPOSITORY' : 'RESTIC_PASSWORD'} is not set`,
      'the backup Job takes the repository from backup.repository.url and the password from the secret it names',
    );
  }
  if (store === 'retention') {
    return {
      store,
      repository,
      password,
      ...(values.env ? { environment: values.env } : {}),
      dataDays: count(values, 'data-days'),
      configWeeks: count(values, 'config-weeks'),
      dryRun: Boolean(values['dry-run']),
    };
  }
  const kind = (values.kind ?? 'data') as BackupKind;
  if (!backupKinds.includes(kind))
    throw new UserError(
      `backup ${store}: --kind must be data or config, got ${JSON.stringify(kind)}`,
      usageHint,
    );
  const type = values.type ?? 'incremental';
  if (type !== 'incremental' && type !== 'full') {
    throw new UserError(
      `backup ${store}: --type must be incremental or full, got ${JSON.stringify(type)}`,
      usageHint,
    );
  }
  const common: Common = { repository, password, environment: required(values, 'env', store), kind, type };
  if (store === 'redis') {
    return {
      ...common,
      store,
      address: required(values, 'address', store),
      stageDir: required(values, 'stage', store),
      ...(env.REDIS_PASSWORD ? { redisPassword: env.REDIS_PASSWORD } : {}),
    };
  }
  if (store === 'neo4j') {
    return {
      ...common,
      store,
      from: required(values, 'from', store),
      database: values.database ?? 'neo4j',
      chainDir: required(values, 'chain', store),
    };
  }
  const shards = (values.shard ?? []).map(parseShard);
  if (!shards.length) throw new UserError('backup faiss: at least one --shard is required', usageHint);
  return { ...common, store: 'faiss', shards, stageDir: required(values, 'stage', store) };
}
