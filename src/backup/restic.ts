// The restic wrapper: every restic command release-kit runs goes through here. The repository and its
// password travel in the environment (RESTIC_REPOSITORY / RESTIC_PASSWORD), never in argv, where any
// user of the machine could read them from the process list.
import { execa } from 'execa';
import { UserError } from '../errors.js';
import { log } from '../log.js';
import { lastLines } from '../util/text.js';
import {
  type BackupSummary,
  type DiffStatistics,
  type ForgetGroup,
  parseBackupSummary,
  parseCheckFindings,
  parseDiffStatistics,
  parseForget,
  parseSnapshots,
  type Snapshot,
} from './restic-output.js';

export interface ResticOptions {
  /** A restic repository location: a path, `s3:…`, `rest:…`, … */
  repository: string;
  password: string;
  /** Default: `restic` on PATH. */
  binary?: string;
  /** restic's local cache; default: restic's own (~/.cache/restic). */
  cacheDir?: string;
  /** Backend credentials (AWS_ACCESS_KEY_ID, …) passed through to restic. */
  env?: Record<string, string>;
}

export interface BackupOptions {
  tags: string[];
  /** Recorded as the snapshot's host; a fixed name, because backup Jobs run in pods with random names. */
  host: string;
  /** The snapshot's time (default now); tests date snapshots with it. */
  time?: Date;
  /** Snapshot to compare against for unchanged files. */
  parent?: string;
  /** Re-read every file instead of trusting the parent's metadata (a `full` backup). */
  force?: boolean;
}

export interface ForgetOptions {
  /** Snapshots must carry all of these tags. */
  tags: string[];
  groupBy: string;
  keepDaily?: number;
  keepWeekly?: number;
  dryRun?: boolean;
}

export interface CheckResult {
  ok: boolean;
  /** What restic found wrong, one line each (empty when ok). */
  findings: string[];
}

/** `--time` takes `YYYY-MM-DD HH:MM:SS` in the local zone, which exec() pins to UTC. */
const resticTime = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');

export class Restic {
  constructor(private readonly options: ResticOptions) {}

  get repository(): string {
    return this.options.repository;
  }

  private exec(args: string[], cwd?: string) {
    const { binary = 'restic', repository, password, cacheDir, env } = this.options;
    log.debug(`restic ${args.join(' ')}`);
    return execa(binary, args, {
      cwd,
      reject: false,
      all: true,
      env: {
        ...env,
        RESTIC_REPOSITORY: repository,
        RESTIC_PASSWORD: password,
        ...(cacheDir ? { RESTIC_CACHE_DIR: cacheDir } : {}),
        // restic reads --time and prints snapshot times in the local zone: pin it.
        TZ: 'UTC',
      },
    });
  }

  private async run(args: string[], what: string, cwd?: string): Promise<string> {
    const result = await this.exec(args, cwd);
    if (result.failed) throw this.failure(what, result.stderr || String(result.message), result.exitCode);
    return result.stdout;
  }

  private failure(what: string, stderr: string, exitCode: number | undefined): Error {
    const repo = this.options.repository;
    if (/wrong password or no key found/.test(stderr)) {
      return new UserError(
        `restic ${what} failed: the password does not open repository ${repo}`,
        'check RESTIC_PASSWORD (the secret named by backup.repository.password_secret)',
      );
    }
    if (/unable to open config file|Is there a repository at the following location/.test(stderr)) {
      return new UserError(
        `restic ${what} failed: there is no restic repository at ${repo}`,
        'check backup.repository.url, or initialise the repository once with `restic init`',
      );
    }
    if (/repository is already locked/.test(stderr)) {
      return new UserError(
        `restic ${what} failed: repository ${repo} is locked by another restic process`,
        'wait for the other backup/prune to finish; if it died, remove the stale lock with `restic unlock`',
      );
    }
    const detail = lastLines(stderr);
    return new Error(`restic ${what} failed (exit ${exitCode ?? 'signal'}) on ${repo}: ${detail}`);
  }

  async init(): Promise<void> {
    await this.run(['init'], 'init');
  }

  /** Backs up the contents of `dir` (restic records its absolute path) as one snapshot. */
  async backup(dir: string, o: BackupOptions): Promise<BackupSummary> {
    const args = ['backup', '--json', '--host', o.host, ...o.tags.flatMap((t) => ['--tag', t])];
    if (o.time) args.push('--time', resticTime(o.time));
    if (o.parent) args.push('--parent', o.parent);
    if (o.force) args.push('--force');
    args.push('.');
    return parseBackupSummary(await this.run(args, 'backup', dir));
  }

  /** Snapshots carrying all `tags` (all snapshots without), oldest first. */
  async snapshots(tags: string[] = []): Promise<Snapshot[]> {
    const args = ['snapshots', '--json'];
    if (tags.length) args.push('--tag', tags.join(','));
    return parseSnapshots(await this.run(args, 'snapshots'));
  }

  /** One snapshot by (short) id, or a UserError naming the id. */
  async snapshot(id: string): Promise<Snapshot> {
    const found = (await this.snapshots()).filter((s) => s.id.startsWith(id));
    if (found.length !== 1 || !found[0]) {
      throw new UserError(
        `snapshot ${id} ${found.length ? 'is ambiguous' : 'does not exist'} in ${this.repository}`,
        'list the snapshots with `restic snapshots` and give a full id',
      );
    }
    return found[0];
  }

  async forget(o: ForgetOptions): Promise<ForgetGroup[]> {
    const args = ['forget', '--json', '--tag', o.tags.join(','), '--group-by', o.groupBy];
    if (o.keepDaily !== undefined) args.push('--keep-daily', String(o.keepDaily));
    if (o.keepWeekly !== undefined) args.push('--keep-weekly', String(o.keepWeekly));
    if (o.dryRun) args.push('--dry-run');
    return parseForget(await this.run(args, 'forget'));
  }

  /** Deletes the data no snapshot references any more. */
  async prune(): Promise<void> {
    await this.run(['prune'], 'prune');
  }

  /**
   * Checks the repository's structure and, with `readDataSubset` (`10%`, `1/5`, `100%`), re-reads that
   * share of the pack files to find corrupted data. A damaged repository is a result, not an exception.
   */
  async check(readDataSubset?: string): Promise<CheckResult> {
    const args = ['check', ...(readDataSubset ? ['--read-data-subset', readDataSubset] : [])];
    const result = await this.exec(args);
    const findings = parseCheckFindings(result.all ?? '');
    if (result.exitCode === 0) return { ok: true, findings: [] };
    if (!/repository contains errors/.test(result.stderr)) {
      throw this.failure('check', result.stderr || String(result.message), result.exitCode);
    }
    return { ok: false, findings: findings.length ? findings : ['restic reported errors without details'] };
  }

  /** What snapshot `to` added over snapshot `from` (files and bytes of new data blobs). */
  async diff(from: string, to: string): Promise<DiffStatistics> {
    return parseDiffStatistics(await this.run(['diff', '--json', from, to], 'diff'));
  }

  /** Extracts a snapshot under `target` (restic recreates the snapshot's absolute path there). */
  async restore(snapshotId: string, target: string): Promise<void> {
    await this.run(['restore', snapshotId, '--target', target], 'restore');
  }
}
