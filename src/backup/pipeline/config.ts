// `release-kit backup config`: a full snapshot of what it takes to recreate the releases: every release's
// supplied values, rendered manifest and history (read fresh through helm) and the release configuration file,
// stored with kind=config and kept `config_backup.retention` weeks.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { stringify } from 'yaml';
import type { ReleaseConfig } from '../../config/types.js';
import { UserError } from '../../errors.js';
import { type Helm, HelmReleaseNotFoundError, type ManifestObject, type Revision } from '../../helm/index.js';
import { log } from '../../log.js';
import { planRelease } from '../../plan/index.js';
import type { Restic } from '../restic.js';
import { restoreSnapshot } from '../restore-snapshot.js';
import { retentionPolicies } from '../retention.js';
import { commitBackup, prepareStage } from '../stage.js';
import { selectorTags } from '../tags.js';
import type { BackupRow } from './data.js';
import { environmentLabel } from './scope.js';

export interface ConfigBackupOptions {
  config: ReleaseConfig;
  /** The release configuration file, stored beside the releases. */
  configFile: string;
  helm: Helm;
  restic: Restic;
  now?: Date;
}

export interface ConfigBackupResult {
  environment: string;
  row: BackupRow;
  releases: string[];
  /** Releases of the plan that are not installed (nothing to back up for them). */
  missing: string[];
  removed: number;
}

/** The label configuration snapshots carry as their store. */
export const configStore = 'config';

export async function runConfigBackup(o: ConfigBackupOptions): Promise<ConfigBackupResult> {
  const environment = environmentLabel(o.config);
  const plan = planRelease(o.config);
  const root = await mkdtemp(join(tmpdir(), 'rk-config-backup-'));
  const stage = join(root, 'stage');
  try {
    await prepareStage(stage);
    const releases: string[] = [];
    const missing: string[] = [];
    let objects = 0;
    await log.group('Collect the releases', async () => {
      for (const r of plan.releases) {
        const ref = { release: r.release, namespace: r.namespace };
        let read: [Revision[], Record<string, unknown>, ManifestObject[]];
        try {
          // Three reads of one release at once: helm's start-up dominates each.
          read = await Promise.all([o.helm.history(ref), o.helm.getValues(ref), o.helm.getManifest(ref)]);
        } catch (e) {
          if (!(e instanceof HelmReleaseNotFoundError)) throw e;
          log.warn(`${r.release} is not installed in ${r.namespace}: nothing to back up for it`);
          missing.push(r.release);
          continue;
        }
        const [history, values, manifest] = read;
        objects += manifest.length;
        const dir = join(stage, 'releases', r.release);
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'history.json'), `${JSON.stringify(history, null, 2)}\n`);
        await writeFile(join(dir, 'values.yaml'), stringify(values));
        await writeFile(join(dir, 'manifest.yaml'), manifest.map((m) => stringify(m.object)).join('---\n'));
        releases.push(r.release);
        log.info(`${r.release}: revision ${history.at(-1)?.revision}, ${manifest.length} objects`);
      }
    });
    if (releases.length === 0) {
      throw new UserError(
        `none of the ${plan.releases.length} releases of ${o.config.name} is installed in namespace ${o.config.namespace}`,
        'check --env and the kubeconfig; deploy before backing up the configuration',
      );
    }
    await copyFile(o.configFile, join(stage, `release-config-${basename(o.configFile)}`));
    const { manifest, summary } = await commitBackup(
      stage,
      {
        versions: { helm: o.helm.version.raw },
        counts: { releases: releases.length, objects },
      },
      {
        restic: o.restic,
        labels: { store: configStore, environment, kind: 'config' },
        type: o.config.backup.config_backup.type,
        ...(o.now ? { time: o.now } : {}),
      },
    );
    const problems: string[] = [];
    const copy = await restoreSnapshot(o.restic, summary.snapshotId, join(root, 'verify'));
    problems.push(...copy.problems);
    const policy = retentionPolicies(o.config.backup).find((p) => p.kind === 'config');
    const groups = await o.restic.forget({
      tags: selectorTags('config', environment),
      groupBy: 'tags',
      ...(policy?.keepWeekly !== undefined ? { keepWeekly: policy.keepWeekly } : {}),
    });
    const removed = groups.reduce((n, g) => n + g.remove.length, 0);
    if (removed > 0) await o.restic.prune();
    log.info(`config retention: removed ${removed} snapshots (keeping ${policy?.keepWeekly} weeks)`);
    return {
      environment,
      releases,
      missing,
      removed,
      row: {
        store: configStore,
        snapshot: summary.snapshotId,
        dataAdded: summary.dataAdded,
        files: manifest.files.length,
        bytes: manifest.files.reduce((n, f) => n + f.size, 0),
        durationSeconds: summary.durationSeconds,
        verified: problems.length === 0,
        problems,
      },
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
