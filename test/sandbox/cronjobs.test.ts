// CronJobs fire in the sandbox on a clock the test moves: the chart's own backup CronJob (rendered by the
// real helm, created by the real kubectl) runs once at 00:00 UTC, Forbid and Replace act on a Job that
// never finishes, history limits prune, and a broken schedule is refused at create time.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import {
  type KubeObject,
  ManualClock,
  type Sandbox,
  scheduledTimestampAnnotation,
  startSandbox,
} from '../../src/sandbox/index.js';
import { defaultChartPath } from '../../src/util/paths.js';
import { clients } from './helpers.js';

const ns = 'ms';
const minute = 60_000;
const day = 24 * 60 * minute;
const midnight = Date.parse('2030-01-02T00:00:00Z');

let clock: ManualClock;
let sandbox: Sandbox;
let c: ReturnType<typeof clients>;

beforeEach(async () => {
  clock = new ManualClock('2030-01-01T23:58:00Z');
  sandbox = await startSandbox({ clock, namespaces: [ns] });
  c = clients(sandbox);
});
afterEach(async () => {
  expect(sandbox.controllerError).toBeUndefined();
  await sandbox?.stop();
});

/** The redis store's backup and restore CronJobs as the umbrella chart renders them, created by kubectl. */
async function createChartCronJobs(extraValues: string[] = []): Promise<void> {
  const rendered = await c.ok(
    c.helm(4, [
      'template',
      'ms',
      defaultChartPath(),
      '-n',
      ns,
      '--set',
      'redis.backup.enabled=true',
      '--set',
      'redis.backup.repository.url=s3:example/bucket',
      ...extraValues.flatMap((v) => ['--set', v]),
    ]),
  );
  const cronJobs = parseAllDocuments(rendered)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o) => o?.kind === 'CronJob' && o.metadata.name.startsWith('redis-'));
  expect(cronJobs.map((o) => o?.metadata.name).sort()).toEqual(['redis-backup', 'redis-restore']);
  const file = join(sandbox.dir, 'cronjobs.yaml');
  await writeFile(file, cronJobs.map((o) => stringify(o)).join('---\n'));
  await c.ok(c.kubectl(['apply', '-f', file]));
}

async function createCronJob(name: string, spec: Record<string, unknown>, image = 'runner:v1') {
  const file = join(sandbox.dir, `${name}.yaml`);
  await writeFile(
    file,
    stringify({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name, namespace: ns },
      spec: {
        ...spec,
        jobTemplate: {
          spec: {
            backoffLimit: 0,
            template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', image }] } },
          },
        },
      },
    }),
  );
  await c.ok(c.kubectl(['apply', '-f', file]));
}

const jobs = (owner?: string) =>
  sandbox
    .list('Job', ns)
    .filter((job) => !owner || job.metadata.ownerReferences?.some((ref) => ref.name === owner))
    .map((job) => job.metadata.name)
    .sort();
const jobName = (cronJob: string, scheduled: number) => `${cronJob}-${scheduled / minute}`;
const finished = (name: string) =>
  (sandbox.get('Job', ns, name)?.status?.conditions as { type: string; status: string }[] | undefined)?.some(
    (cond) => (cond.type === 'Complete' || cond.type === 'Failed') && cond.status === 'True',
  ) ?? false;
const cronStatus = (name: string) => sandbox.get('CronJob', ns, name)?.status ?? {};
const eventReasons = (name: string) =>
  sandbox
    .list('Event', ns)
    .filter((e) => (e.involvedObject as { name?: string }).name === name)
    .map((e) => String(e.reason));

describe('the chart backup CronJob (0 0 * * *, Etc/UTC, Forbid, startingDeadlineSeconds 3600)', () => {
  it('fires exactly once when the clock passes 00:00 UTC, not before; kubectl lists the Job', async () => {
    await createChartCronJobs();
    clock.set('2030-01-01T23:59:59Z');
    await sandbox.nextPass();
    expect(jobs()).toEqual([]);

    clock.set('2030-01-02T00:00:30Z');
    const name = jobName('redis-backup', midnight);
    await sandbox.waitFor(() => jobs().length > 0);
    expect(jobs()).toEqual([name]);
    const job = sandbox.get('Job', ns, name) as KubeObject;
    const cronJob = sandbox.get('CronJob', ns, 'redis-backup') as KubeObject;
    expect(job.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'CronJob',
        name: 'redis-backup',
        uid: cronJob.metadata.uid,
        controller: true,
      }),
    ]);
    expect(job.metadata.annotations?.[scheduledTimestampAnnotation]).toBe('2030-01-02T00:00:00Z');
    expect(job.metadata.labels?.['release-kit.dev/job']).toBe('backup');
    expect(job.spec?.activeDeadlineSeconds).toBe(21600);
    expect(cronJob.status?.lastScheduleTime).toBe('2030-01-02T00:00:00Z');

    await sandbox.waitFor(
      () => finished(name) && cronStatus('redis-backup').lastSuccessfulTime !== undefined,
    );
    expect(cronStatus('redis-backup')).toEqual({
      lastScheduleTime: '2030-01-02T00:00:00Z',
      lastSuccessfulTime: '2030-01-02T00:00:30Z',
    });
    expect(eventReasons('redis-backup')).toEqual(
      expect.arrayContaining(['SuccessfulCreate', 'SawCompletedJob']),
    );

    clock.set('2030-01-02T00:45:00Z');
    await sandbox.nextPass();
    expect(jobs()).toEqual([name]);

    const listed = await c.ok(c.kubectl(['get', 'jobs', '-n', ns]));
    expect(listed).toMatch(new RegExp(`^${name}\\s+Complete\\s+1/1`, 'm'));
    const cronTable = await c.ok(c.kubectl(['get', 'cronjobs', '-n', ns]));
    expect(cronTable).toMatch(/^redis-backup\s+0 0 \* \* \*\s+Etc\/UTC\s+false\s+0\s+45m/m);
    expect(cronTable).toMatch(/^redis-restore\s+0 0 31 2 \*\s+Etc\/UTC\s+true\s+0\s+<none>/m);
  });

  it('skips a midnight missed by more than startingDeadlineSeconds; the suspended restore never fires', async () => {
    await createChartCronJobs();
    // The sandbox "was down" over midnight: at 01:00:01 the 00:00 run is past its 3600 s deadline.
    clock.set('2030-01-02T01:00:01Z');
    await sandbox.nextPass();
    expect(jobs()).toEqual([]);
    clock.set('2030-01-03T00:59:00Z');
    await sandbox.waitFor(() => jobs().length > 0);
    expect(jobs()).toEqual([jobName('redis-backup', midnight + day)]);
    clock.set('2031-03-01T12:00:00Z');
    await sandbox.nextPass();
    expect(jobs('redis-restore')).toEqual([]);
  });

  it('Forbid: the next run waits while the first still runs, and starts when it is gone', async () => {
    // The runner image "fails to pull", so the first Job stays active.
    await createChartCronJobs(['redis.backup.image.tag=pull-error']);
    clock.set('2030-01-02T00:00:30Z');
    const first = jobName('redis-backup', midnight);
    await sandbox.waitFor(() => jobs().length > 0);

    clock.set('2030-01-03T00:00:30Z');
    await sandbox.nextPass();
    await sandbox.nextPass();
    expect(jobs()).toEqual([first]);
    expect(eventReasons('redis-backup').filter((r) => r === 'JobAlreadyActive')).toHaveLength(1);
    expect(cronStatus('redis-backup')).toMatchObject({
      lastScheduleTime: '2030-01-02T00:00:00Z',
      active: [expect.objectContaining({ kind: 'Job', name: first })],
    });

    // Within the starting deadline, deleting the stuck Job lets the waiting run start.
    await c.ok(c.kubectl(['delete', 'job', first, '-n', ns]));
    const second = jobName('redis-backup', midnight + day);
    await sandbox.waitFor(() => jobs().includes(second));
    expect(jobs()).toEqual([second]);
  });
});

describe('concurrency and history', () => {
  it('Replace deletes the running Job and starts the new one', async () => {
    await createCronJob('sync', { schedule: '0 * * * *', concurrencyPolicy: 'Replace' }, 'runner:pull-error');
    clock.set('2030-01-02T00:00:10Z');
    await sandbox.waitFor(() => jobs().length === 1);
    clock.set('2030-01-02T01:00:10Z');
    const next = jobName('sync', midnight + 60 * minute);
    await sandbox.waitFor(() => jobs().includes(next));
    expect(jobs()).toEqual([next]);
    expect(sandbox.list('Pod', ns).map((p) => p.metadata.ownerReferences?.[0]?.name)).toEqual([next]);
    expect(eventReasons('sync')).toEqual(expect.arrayContaining(['SuccessfulDelete']));
  });

  it('history limits keep the newest finished Jobs of each outcome', async () => {
    await createCronJob('ok', { schedule: '* * * * *', successfulJobsHistoryLimit: 2 });
    await createCronJob('broken', { schedule: '* * * * *', failedJobsHistoryLimit: 1 }, 'runner:crash');
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      clock.set(midnight + i * minute + 5_000);
      times.push(midnight + i * minute);
      await sandbox.waitFor(
        () =>
          jobs().includes(jobName('ok', midnight + i * minute)) &&
          jobs().every(finished) &&
          cronStatus('ok').active === undefined &&
          cronStatus('broken').active === undefined,
      );
    }
    await sandbox.nextPass();
    expect(jobs('ok')).toEqual(times.slice(2).map((t) => jobName('ok', t)));
    expect(jobs('broken')).toEqual([jobName('broken', times[3] as number)]);
    expect(cronStatus('ok').lastSuccessfulTime).toBe('2030-01-02T00:03:05Z');
    expect(cronStatus('broken').lastSuccessfulTime).toBeUndefined();
  });
});

describe('broken input', () => {
  it('refuses an invalid schedule at create time with a 422 Status naming spec.schedule', async () => {
    const res = await fetch(`${sandbox.url}/apis/batch/v1/namespaces/${ns}/cronjobs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'nightly' },
        spec: {
          schedule: '0 0 * *',
          jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'x:v1' }] } } } },
        },
      }),
    });
    expect(res.status).toBe(422);
    const status = (await res.json()) as { reason: string; message: string; details: { causes: unknown[] } };
    expect(status.reason).toBe('Invalid');
    expect(status.message).toBe(
      'CronJob.batch "nightly" is invalid: spec.schedule: Invalid value: "0 0 * *": expected exactly 5 fields (minute hour day-of-month month day-of-week), found 4',
    );
    expect(status.details.causes).toEqual([expect.objectContaining({ field: 'spec.schedule' })]);

    const file = join(sandbox.dir, 'bad.yaml');
    await writeFile(
      file,
      stringify({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'nightly', namespace: ns },
        spec: {
          schedule: '0 0 * * *',
          timeZone: 'Mars/Olympus',
          jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'x:v1' }] } } } },
        },
      }),
    );
    const applied = await c.kubectl(['apply', '-f', file]);
    expect(applied.exitCode).not.toBe(0);
    expect(applied.stderr).toContain('spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone');
    expect(sandbox.list('CronJob', ns)).toEqual([]);
  });

  it('refuses an update that breaks the schedule and keeps the old one', async () => {
    await createCronJob('nightly', { schedule: '0 0 * * *' });
    const patched = await c.kubectl([
      'patch',
      'cronjob',
      'nightly',
      '-n',
      ns,
      '--type=merge',
      '-p',
      '{"spec":{"schedule":"0 25 * * *"}}',
    ]);
    expect(patched.exitCode).not.toBe(0);
    expect(patched.stderr).toContain('spec.schedule: Invalid value: "0 25 * * *"');
    expect(sandbox.get('CronJob', ns, 'nightly')?.spec?.schedule).toBe('0 0 * * *');
  });
});
