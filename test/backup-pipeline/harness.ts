// The memory system deployed into the simulated cluster (the example's staging environment: autoscaling off,
// app tiers at 3/2/2), a real restic repository, a real Redis holding the "cluster's" data, and a stand-in for
// the backup Job's pod: the simulation runs no containers, so when a Job from <store>-backup appears, the test
// runs the same backup runner the Job's image would run (src/backup runBackup) against the real Redis.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBackup } from '../../src/backup/run.js';
import { parseRunnerArgs } from '../../src/backup/runner-settings.js';
import { loadReleaseConfig } from '../../src/config/index.js';
import type { ReleaseConfig } from '../../src/config/types.js';
import { runDeploy } from '../../src/deploy/run.js';
import { createHelm, type Helm } from '../../src/helm/index.js';
import { createKubeClient, type KubeClient } from '../../src/kube/client.js';
import { setLogger, silentLogger } from '../../src/log.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { packageRoot } from '../../src/util/paths.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { createTestRepository, type TestRepository, testPassword } from '../support/restic.js';
import { helmBinary } from '../support/tools.js';

export const environment = 'staging';
export const namespace = 'memory-system-staging';
export const appDeployments = { 'api-deployment': 3, memory: 2, storage: 2 };

/** The example configuration plus a migration Job (the example has none); `image` picks its behaviour. */
export async function writeConfig(dir: string, migrationImage?: string): Promise<string> {
  const example = await readFile(join(packageRoot(), 'examples', 'memory-system.yaml'), 'utf8');
  const marker = '  config_backup: { schedule: "0 0 * * 0", retention: 4, type: full }\n';
  if (!example.includes(marker))
    throw new Error('the example no longer has the config_backup line the test edits');
  const text = migrationImage
    ? example.replace(
        marker,
        `${marker}  migration: { image: "${migrationImage}", command: [migrate, up] }\n`,
      )
    : example;
  const file = join(dir, `release-${migrationImage ? migrationImage.replace(/\W+/g, '-') : 'plain'}.yaml`);
  await writeFile(file, text);
  return file;
}

export interface Cluster {
  sandbox: Sandbox;
  kube: KubeClient;
  helm: Helm;
  dir: string;
  configFile: string;
  config: ReleaseConfig;
  repo: TestRepository;
  redis: TestRedis;
  stop(): Promise<void>;
}

export async function startCluster(): Promise<Cluster> {
  setLogger(silentLogger);
  const dir = await mkdtemp(join(tmpdir(), 'rk-backup-cluster-'));
  const sandbox = await startSandbox();
  const stopAll: (() => Promise<unknown>)[] = [
    () => sandbox.stop(),
    () => rm(dir, { recursive: true, force: true }),
  ];
  const stop = async () => {
    for (const s of stopAll.reverse()) await s();
  };
  try {
    const configFile = await writeConfig(dir);
    const ledger = await runDeploy({
      config: configFile,
      environment,
      kubeconfig: sandbox.kubeconfigPath,
      helm: helmBinary(4),
      timeoutSeconds: 120,
    });
    if (ledger.outcome === 'failed')
      throw new Error(`deploying the example failed: ${JSON.stringify(ledger)}`);
    const repo = await createTestRepository();
    stopAll.push(() => repo.remove());
    const redis = await startTestRedis();
    stopAll.push(() => redis.stop());
    return {
      sandbox,
      kube: createKubeClient(sandbox.kubeconfigPath),
      helm: await createHelm({ binary: helmBinary(4), kubeconfig: sandbox.kubeconfigPath }),
      dir,
      configFile,
      config: await loadReleaseConfig(configFile, { environment }),
      repo,
      redis,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** What the redis backup Job's pod runs: the runner, here against the real Redis. */
export async function runRedisBackupJob(
  cluster: Pick<Cluster, 'redis' | 'dir' | 'repo'>,
  repo: TestRepository = cluster.repo,
): Promise<string> {
  const stage = await mkdtemp(join(cluster.dir, 'stage-'));
  const result = await runBackup(
    parseRunnerArgs(['redis', '--env', namespace, '--address', cluster.redis.address, '--stage', stage], {
      RESTIC_REPOSITORY: repo.repository,
      RESTIC_PASSWORD: testPassword,
    }),
  );
  await rm(stage, { recursive: true, force: true });
  return (result as { snapshot: string }).snapshot;
}

/**
 * Plays the pod of every Job created from CronJob <store>-backup after the call: runs the runner once per Job. `stop()` ends the watch and rethrows a runner failure.
 */
export function playBackupJobs(
  cluster: Pick<Cluster, 'sandbox' | 'redis' | 'dir' | 'repo'>,
  store: string,
  repo?: TestRepository,
): {
  played: string[];
  stop(): Promise<void>;
} {
  const played: string[] = [];
  // Jobs of earlier runs are not this run's to play.
  const earlier = new Set(cluster.sandbox.list('Job', namespace).map((j) => j.metadata.name));
  let running = true;
  let failure: unknown;
  const loop = (async () => {
    while (running) {
      for (const job of cluster.sandbox.list('Job', namespace)) {
        const name = job.metadata.name;
        if (!name.startsWith(`${store}-backup-`) || played.includes(name) || earlier.has(name)) continue;
        played.push(name);
        try {
          await runRedisBackupJob(cluster, repo);
        } catch (e) {
          failure ??= e;
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    played,
    stop: async () => {
      running = false;
      await loop;
      if (failure) throw failure;
    },
  };
}

/** Desired replicas of the app tiers' Deployments, read straight from the simulated cluster. */
export function appReplicas(sandbox: Sandbox): Record<string, number> {
  return Object.fromEntries(
    Object.keys(appDeployments).map((name) => [
      name,
      Number(sandbox.get('Deployment', namespace, name)?.spec?.replicas),
    ]),
  );
}

/** Jobs in the namespace whose name starts with `prefix`, oldest first. */
export const jobsNamed = (sandbox: Sandbox, prefix: string) =>
  sandbox.list('Job', namespace).filter((j) => j.metadata.name.startsWith(prefix));

export async function seedRedis(redis: TestRedis, keys: Record<string, string>): Promise<void> {
  const c = await redis.connect();
  try {
    for (const [k, v] of Object.entries(keys)) await c.command('SET', k, v);
  } finally {
    c.close();
  }
}
