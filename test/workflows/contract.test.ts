// The reusable workflows' contract with their callers: what a user relies on when they call
// deploy.yml / rollback.yml / backup.yml / restore.yml or copy the examples — environments that can be
// protected, deploys that never interleave or get cancelled, inputs that reach the actions unchanged.
import { describe, expect, it } from 'vitest';
import { loadReleaseConfig } from '../../src/config/index.js';
import { type Job, loadWorkflow, stepOf, type Workflow } from './support.js';

const deploy = loadWorkflow('.github/workflows/deploy.yml');
const rollback = loadWorkflow('.github/workflows/rollback.yml');
const backup = loadWorkflow('.github/workflows/backup.yml');
const restore = loadWorkflow('.github/workflows/restore.yml');
const reusable: [string, Workflow][] = [
  ['deploy.yml', deploy],
  ['rollback.yml', rollback],
  ['backup.yml', backup],
  ['restore.yml', restore],
];

const expr = (body: string) => `${'$'}{{ ${body} }}`;
const envName = (job: Job) => (typeof job.environment === 'string' ? job.environment : job.environment?.name);
const concurrency = (job: Job) =>
  typeof job.concurrency === 'string' ? { group: job.concurrency } : (job.concurrency ?? {});
/** The concurrency group with the environment expression replaced, to compare groups across workflows. */
const groupPattern = (job: Job) => concurrency(job).group?.replace(/\$\{\{ inputs\.[\w-]+ \}\}/, '<env>');
const needs = (job: Job) => (Array.isArray(job.needs) ? job.needs : job.needs ? [job.needs] : []);

describe('deploy.yml', () => {
  const { validate, build, staging, production } = deploy.jobs as Record<string, Job>;

  it('is a reusable workflow: validate, then build, then staging, then production', () => {
    expect(deploy.on.workflow_call).toBeDefined();
    expect(needs(build as Job)).toEqual(['validate']);
    expect(needs(staging as Job)).toEqual(expect.arrayContaining(['validate', 'build']));
    expect(needs(production as Job)).toContain('staging');
    // Production only after staging succeeded; staging accepts a skipped build but not a failed one.
    expect(production?.if).toContain("needs.staging.result == 'success'");
    expect(staging?.if).toContain("needs.build.result != 'failure'");
    expect(validate?.steps?.some((s) => s.uses?.endsWith('/actions/validate'))).toBe(true);
  });

  it('deploys each environment as a GitHub environment, so reviewers can gate production', () => {
    expect(envName(staging as Job)).toBe(expr('inputs.staging-environment'));
    expect(envName(production as Job)).toBe(expr('inputs.production-environment'));
    expect(deploy.on.workflow_call?.inputs?.['production-environment']?.default).toBe('production');
  });

  it('never cancels an in-progress deploy, and serializes deploys per environment', () => {
    for (const [job, input] of [
      [staging, 'staging-environment'],
      [production, 'production-environment'],
    ] as const) {
      expect(concurrency(job as Job)['cancel-in-progress']).toBe(false);
      expect(concurrency(job as Job).group).toContain(expr(`inputs.${input}`));
    }
  });

  it('repairs the releases a cancelled or failed run left pending, in both environments', () => {
    const repairs = [staging, production].map((job) => {
      const steps = (job as Job).steps ?? [];
      const repair = stepOf(job as Job, 'Repair releases this run left pending');
      // After the pipeline step, and run even when the run was cancelled.
      expect(steps.indexOf(repair)).toBeGreaterThan(steps.indexOf(stepOf(job as Job, 'pipeline')));
      expect(repair.if).toMatch(/^always\(\) && /);
      expect(repair.if).toContain("steps.pipeline.outcome == 'cancelled'");
      return repair.run;
    });
    // One script: a fix in one job cannot miss the other.
    expect(repairs[0]).toBeDefined();
    expect(repairs[1]).toBe(repairs[0]);
  });

  it('grants each job only the permissions it needs (packages: write only to push images)', () => {
    expect(deploy.permissions).toEqual({ contents: 'read' });
    for (const [name, job] of Object.entries(deploy.jobs)) {
      const writes = Object.entries((job.permissions as Record<string, string>) ?? {})
        .filter(([, level]) => level === 'write')
        .map(([scope]) => scope);
      expect(writes, name).toEqual(name === 'build' ? ['packages'] : []);
    }
  });
});

describe('the reusable workflows together', () => {
  it('run release-kit from its own checkout at the ref the caller gives, never from the caller', () => {
    for (const [file, wf] of reusable) {
      for (const [name, job] of Object.entries(wf.jobs)) {
        const local = (job.steps ?? []).filter((s) => s.uses?.startsWith('./'));
        if (local.length === 0) continue;
        for (const step of local) expect(step.uses, `${file} ${name}`).toMatch(/^\.\/\.release-kit(\/|$)/);
        const checkout = (job.steps ?? []).find((s) => s.with?.path === '.release-kit');
        expect(checkout?.with, `${file} ${name}`).toMatchObject({
          repository: expr('inputs.release-kit-repository'),
          ref: expr('inputs.release-kit-ref'),
        });
      }
      expect(wf.on.workflow_call?.inputs?.['release-kit-repository']?.required, file).toBe(true);
    }
  });

  it('share one concurrency group per environment between deploy, rollback and restore', () => {
    const groups = [
      groupPattern(deploy.jobs.staging as Job),
      groupPattern(deploy.jobs.production as Job),
      groupPattern(rollback.jobs.rollback as Job),
      groupPattern(restore.jobs.restore as Job),
    ];
    expect(new Set(groups)).toEqual(new Set(['release-kit-<env>']));
    for (const job of [rollback.jobs.rollback, restore.jobs.restore]) {
      expect(concurrency(job as Job)['cancel-in-progress']).toBe(false);
    }
    // Backups queue separately: GitHub keeps only the newest pending run of a group, and a scheduled
    // backup must not replace a deploy that waits for its turn.
    expect(groupPattern(backup.jobs.backup as Job)).not.toBe('release-kit-<env>');
  });
});

describe('rollback.yml', () => {
  const inputs = rollback.on.workflow_call?.inputs ?? {};
  const job = rollback.jobs.rollback as Job;

  it('takes environment, components, revision, a required reason and skip-verify', () => {
    expect(inputs.environment).toMatchObject({ type: 'string', required: true });
    expect(inputs.components).toMatchObject({ type: 'string', required: true });
    expect(inputs.revision).toMatchObject({ type: 'string', default: '' });
    expect(inputs.reason).toMatchObject({ type: 'string', required: true });
    expect(inputs['skip-verify']).toMatchObject({ type: 'boolean', default: false });
  });

  it('hands every input to the rollback action, which checks it; no script sees them', () => {
    expect(job.steps?.some((s) => s.run !== undefined)).toBe(false);
    const step = stepOf(job, 'rollback');
    expect(step.uses).toBe('./.release-kit/actions/rollback');
    for (const name of ['environment', 'components', 'revision', 'reason', 'skip-verify', 'config']) {
      expect(step.with?.[name], name).toBe(expr(`inputs.${name}`));
    }
  });

  it('runs in the chosen GitHub environment, so a production rollback waits for its reviewers', () => {
    expect(envName(job)).toBe(expr('inputs.environment'));
  });

  it('is offered to users as a workflow_dispatch form with an environment choice', () => {
    const example = loadWorkflow('examples/workflows/rollback.yml');
    const form = example.on.workflow_dispatch?.inputs ?? {};
    expect(form.environment).toMatchObject({ type: 'choice', options: ['staging', 'production'] });
    expect(form.reason).toMatchObject({ required: true });
    expect(form['skip-verify']).toMatchObject({ type: 'boolean', default: false });
    expect(example.jobs.rollback?.uses).toMatch(/\/\.github\/workflows\/rollback\.yml@[0-9a-f]{40}$/);
  });
});

describe('backup.yml', () => {
  it('is scheduled by the example caller at the config backup schedules: data daily, config weekly', async () => {
    const example = loadWorkflow('examples/workflows/backup.yml');
    const crons = (example.on.schedule ?? []).map((s) => s.cron);
    expect(crons).toEqual(['0 0 * * *', '0 0 * * 0']);
    const config = await loadReleaseConfig('examples/memory-system.yaml', {});
    expect(crons).toEqual([config.backup.data_backup.schedule, config.backup.config_backup.schedule]);
    // The weekly schedule runs the config backup, the daily one the data backup.
    const kind = String(example.jobs.backup?.with?.kind);
    expect(kind).toContain("github.event.schedule == '0 0 * * 0' && 'config'");
  });

  it('reports a failed backup in a job of its own that alone may write issues', () => {
    const { backup: run, notify } = backup.jobs as Record<string, Job>;
    expect(run?.permissions).toEqual({ contents: 'read' });
    expect(needs(notify as Job)).toEqual(['backup']);
    expect(notify?.if).toBe('failure()');
    expect(notify?.permissions).toMatchObject({ issues: 'write' });
    // Scheduled: no GitHub environment, whose reviewers would leave the backup waiting.
    expect(run?.environment).toBeUndefined();
  });
});

describe('restore.yml', () => {
  it('is a dry run unless the user unchecks it, in the reusable workflow and in the example form', () => {
    expect(restore.on.workflow_call?.inputs?.['dry-run']).toMatchObject({ type: 'boolean', default: true });
    const example = loadWorkflow('examples/workflows/restore.yml');
    expect(example.on.workflow_dispatch?.inputs?.['dry-run']).toMatchObject({
      type: 'boolean',
      default: true,
    });
    const step = stepOf(restore.jobs.restore as Job, 'restore');
    expect(step.with?.['dry-run']).toBe(expr('inputs.dry-run'));
    // Unchecking dry run is the confirmation the restore action asks for; a dry run never confirms.
    expect(step.with?.confirm).toBe(expr('!inputs.dry-run'));
  });

  it('runs in the protected environment the user chose', () => {
    expect(envName(restore.jobs.restore as Job)).toBe(expr('inputs.environment'));
  });
});
