// The runner's `restore` command line and environment as typed settings. Pure: argv and env in, settings or
// a UserError naming the bad option out. The restic password comes from the environment only, as for backups.
import { parseArgs } from 'node:util';
import { UserError } from '../errors.js';

export type RestoreStore = 'redis' | 'neo4j' | 'faiss';

interface Common {
  repository: string;
  password: string;
  snapshot: string;
  /** The env=<name> the snapshot must carry: a snapshot of another environment is refused. */
  environment: string;
  /** Scratch space the snapshot is restored into and verified in, before the store is touched. */
  stageDir: string;
}

export type RestoreSettings =
  | (Common & { store: 'redis'; target: string })
  | (Common & { store: 'neo4j'; database?: string })
  | (Common & { store: 'faiss'; target: string; shard: string });

export const restoreUsage = `usage: backup restore <redis|neo4j|faiss> --snapshot ID --env NAME --stage DIR [options]
  redis:     --target DIR   the data dir of one (stopped) node; in cluster mode it holds the node's nodes.conf
  neo4j:     [--database NAME]   default: the database the backup was taken of
  faiss:     --shard NAME --target DIR   the shard's index files go into DIR (one replica's index dir)
  environment: RESTIC_REPOSITORY, RESTIC_PASSWORD, and the backend's credentials (AWS_ACCESS_KEY_ID…)`;

const usageHint = restoreUsage.split('\n')[0];

const options = {
  snapshot: { type: 'string' },
  env: { type: 'string' },
  stage: { type: 'string' },
  target: { type: 'string' },
  database: { type: 'string' },
  shard: { type: 'string' },
} as const;

// restic prints short ids (8 hex digits) and full ones (64); anything else is a typo or an unset variable.
const snapshotId = /^[0-9a-f]{8,64}$/;

/** Parses the arguments after `restore`. */
export function parseRestoreArgs(argv: string[], env: Record<string, string | undefined>): RestoreSettings {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UserError(`backup restore: ${(e as Error).message}`, usageHint);
  }
  const { values, positionals } = parsed;
  const [store, ...extra] = positionals;
  if (!store || extra.length || !['redis', 'neo4j', 'faiss'].includes(store)) {
    throw new UserError(
      `backup restore: expected one of redis, neo4j, faiss, got ${JSON.stringify(positionals.join(' '))}`,
      usageHint,
    );
  }
  const need = (name: 'env' | 'stage' | 'target') => {
    const v = values[name];
    if (!v) throw new UserError(`backup restore ${store}: --${name} is required`, usageHint);
    return v;
  };
  const snapshot = values.snapshot ?? '';
  if (!snapshotId.test(snapshot)) {
    throw new UserError(
      `backup restore ${store}: --snapshot must be a restic snapshot id (8 to 64 hex digits), got ${JSON.stringify(snapshot)}`,
      'restore Jobs get it from RESTORE_SNAPSHOT, which `release-kit restore` sets; list ids with `restic snapshots`',
    );
  }
  const repository = env.RESTIC_REPOSITORY;
  const password = env.RESTIC_PASSWORD;
  if (!repository || !password) {
    throw new UserError(
      `backup restore: ${!repository ? 'RESTIC_REPOSITORY' : 'RESTIC_PASSWORD'} is not set`,
      'the restore Job takes the repository from backup.repository.url and the password from the secret it names',
    );
  }
  const common: Common = {
    repository,
    password,
    snapshot,
    environment: need('env'),
    stageDir: need('stage'),
  };
  if (store === 'neo4j') {
    if (values.target) {
      throw new UserError(
        'backup restore neo4j: --target is not used: neo4j-admin restores into the data directory of its neo4j.conf',
        usageHint,
      );
    }
    if (values.shard) throw new UserError('backup restore neo4j: --shard is for faiss only', usageHint);
    return { ...common, store, ...(values.database ? { database: values.database } : {}) };
  }
  if (values.database)
    throw new UserError(`backup restore ${store}: --database is for neo4j only`, usageHint);
  if (store === 'faiss') {
    if (!values.shard) {
      throw new UserError(
        'backup restore faiss: --shard is required: the target is the index directory of one shard replica',
        'restore Jobs get it from RESTORE_SHARD, which `release-kit restore` sets from the StatefulSet label release-kit.dev/shard',
      );
    }
    return { ...common, store, shard: values.shard, target: need('target') };
  }
  if (values.shard) throw new UserError('backup restore redis: --shard is for faiss only', usageHint);
  return { ...common, store: 'redis', target: need('target') };
}
