// `release-kit demo`: the whole pipeline on the built-in simulated cluster. It validates the example
// config, deploys the 7 releases in waves, verifies them, deploys a faulty memory image (20 % errors) the
// way `deploy --verify --auto-rollback` does, so the verification of wave 2 catches it, waves 3-4 are not
// started, memory is rolled back and verified again, and writes the report the job summary would show.
// With no `prometheus` binary it runs the rest and says the metric gate was skipped.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { execa } from 'execa';
import { parseDocument } from 'yaml';
import { deepMerge, loadReleaseConfig } from '../config/index.js';
import type { Ledger } from '../deploy/ledger.js';
import { formatTable, ledgerHeadline, reportHeaders, reportRows } from '../deploy/report.js';
import { type DeployOptions, runDeploy } from '../deploy/run.js';
import {
  captureGateBaseline,
  formatVerification,
  formatWaveVerifications,
  type GateResult,
  rollbackMarkdown,
  runGate,
  runRollback,
  verificationMarkdown,
  type WaveVerification,
} from '../gate/index.js';
import { log } from '../log.js';
import { startSandbox } from '../sandbox/index.js';
import { markdownTable } from '../util/markdown.js';
import { packageRoot } from '../util/paths.js';
import { concludeVerifiedDeploy, type DeployGate, deployVerifyingWaves } from './deploy.js';
import { CliExit, type CommandRegistrar } from './exit.js';

interface DemoOptions {
  config: string;
  report: string;
  prometheus: boolean;
  helm?: string;
}

/** The faulty image: the simulated pods read the fault from the tag (docs/sandbox.md). */
const faultyMemoryImage = 'memory_system/memory:v2-errors-0.2';

/**
 * Demo timing, layered over the example's staging environment so the demo takes a minute rather than the
 * seed's 30 s initial delay and 5 m window. Every other number is the example's own.
 */
const demoOverlay = (prometheusUrl: string | undefined) => ({
  namespace: 'memory-system-demo',
  ...(prometheusUrl ? { monitoring: { prometheus: { url: prometheusUrl } } } : {}),
  deployment: {
    health_check: { initial_delay: 6, period: 1, timeout: 1, success_threshold: 1, failure_threshold: 3 },
  },
  verification: { window: '10s', rate_window: '5s' },
  rollback: { settings: { timeout: 60, batch_size: 1, pause_time: 1 } },
});

export const registerDemo: CommandRegistrar = (program: Command) => {
  program
    .command('demo')
    .description(
      'Run the whole pipeline on the built-in simulated cluster: deploy in waves, verify, catch a faulty release, roll it back.',
    )
    .option('-c, --config <file>', 'release configuration to demonstrate', defaultExample())
    .option('--report <file>', 'where to write the markdown report', join(tmpdir(), 'release-kit-demo.md'))
    .option('--no-prometheus', 'do not start Prometheus (the metric gate is skipped)')
    .option(
      '--helm <path>',
      'helm 3 or 4 executable (default: the helm shipped with the dev dependencies, else helm)',
    )
    .action(async (options: DemoOptions) => {
      if (!(await runDemo(options))) throw new CliExit(2);
    });
};

function defaultExample(): string {
  try {
    return join(packageRoot(), 'examples', 'memory-system.yaml');
  } catch {
    return 'examples/memory-system.yaml';
  }
}

async function runDemo(options: DemoOptions): Promise<boolean> {
  const prometheusBinary = options.prometheus ? findOnPath('prometheus') : undefined;
  const helm = options.helm ?? (await bundledHelm()) ?? 'helm';
  const started = Date.now();
  const report: string[] = ['# release-kit demo (simulated cluster)', ''];
  log.info(
    'release-kit demo: everything below runs against a SIMULATED Kubernetes cluster (docs/sandbox.md),',
  );
  log.info('with real helm and, when installed, a real Prometheus scraping the simulated pods.\n');

  await step('1. Validate the release configuration', async () => {
    await loadReleaseConfig(options.config);
    log.info(`${options.config}: valid (base and every environment)`);
  });

  if (options.prometheus && !prometheusBinary) {
    log.warn(
      'the metric gate is SKIPPED: no `prometheus` binary on PATH. Install it (Debian: apt-get install prometheus) to see the faulty release caught by its error ratio.',
    );
  }
  const sandbox = await step('2. Start the simulated cluster', () =>
    startSandbox({
      https: true,
      // A slower readiness probe leaves the 2 cores to helm; rollouts still take seconds.
      timing: { probeIntervalMs: 400 },
      ...(prometheusBinary ? { prometheus: { scrapeIntervalSeconds: 1, binary: prometheusBinary } } : {}),
    }),
  );
  const work = await mkdtemp(join(tmpdir(), 'release-kit-demo-'));
  try {
    log.info(
      `kubeconfig: ${sandbox.kubeconfigPath}${sandbox.prometheusUrl ? `\nprometheus: ${sandbox.prometheusUrl}` : ''}`,
    );
    const configFile = join(work, 'release.yaml');
    const writeDemoConfig = (memoryImage?: string) =>
      writeDemoFile(options.config, configFile, demoOverlay(sandbox.prometheusUrl), memoryImage);
    const deployOptions: DeployOptions = {
      config: configFile,
      environment: 'demo',
      kubeconfig: sandbox.kubeconfigPath,
      helm,
      timeoutSeconds: 120,
      holder: 'cli:release-kit-demo',
    };
    const deploy = (title: string, run: () => Promise<Ledger> = () => runDeploy(deployOptions)) =>
      step(title, async () => {
        const ledger = await run();
        process.stdout.write(`\n${formatTable(reportHeaders, reportRows(ledger))}\n\n`);
        report.push(
          `## ${title}`,
          '',
          ledgerHeadline(ledger),
          '',
          markdownTable(reportHeaders, reportRows(ledger)),
          '',
        );
        return ledger;
      });

    await writeDemoConfig();
    const first = await deploy('3. Deploy every release, wave by wave');
    if (first.outcome !== 'success') return finish(false);
    const config = await loadReleaseConfig(configFile, { environment: 'demo' });
    const gateContext = { config, kubeconfig: sandbox.kubeconfigPath, helmBinary: helm };
    const reportGate = (gate: GateResult, title: string) =>
      reportGateResult(report, gate, title, config.rollback.error_rate_threshold);

    if (sandbox.prometheusUrl) {
      const gate = await step('4. Verify the release (health gate)', () =>
        runGate({ ...gateContext, ledger: first, autoRollback: true }),
      );
      reportGate(gate, '4. Verify the release');
      if (gate.outcome !== 'passed') return finish(false);
    }

    const baseline = sandbox.prometheusUrl
      ? await captureGateBaseline(
          gateContext,
          first.releases.map((r) => r.release),
        )
      : undefined;
    await writeDemoConfig(faultyMemoryImage);
    if (sandbox.prometheusUrl) {
      // As `deploy --verify --auto-rollback`: each wave that changes something is verified before the next.
      const gate: DeployGate = { context: gateContext, baseline, autoRollback: true, helmBinary: helm };
      let waves: WaveVerification[] = [];
      const faulty = await deploy(
        `5. Deploy a faulty memory image (${faultyMemoryImage}), verifying after each wave`,
        async () => {
          const run = await deployVerifyingWaves(deployOptions, gate);
          waves = run.waves;
          return run.ledger;
        },
      );
      const perWave = formatWaveVerifications(faulty, waves);
      process.stdout.write(`${perWave}\n`);
      report.push('```', perWave, '```', '');
      const result = await step(
        '6. The verification of wave 2 caught the fault: roll back only memory, verify again',
        () => concludeVerifiedDeploy(faulty, waves, gate),
      );
      if (!result) return finish(false);
      reportGate(result, '6. Verification of wave 2, which stopped the faulty deploy');
      return finish(result.outcome === 'rolled-back' && faulty.stoppedAfterWave === 2);
    }
    const faulty = await deploy(`5. Deploy a faulty memory image (${faultyMemoryImage})`);
    log.warn(
      'metric gate skipped (no Prometheus): rolling memory back by hand, as `release-kit rollback` would',
    );
    const manual = await step('6. Roll memory back (manual trigger)', () =>
      runRollback({
        ...gateContext,
        namespace: faulty.namespace,
        components: ['memory'],
        reason: 'demo: faulty memory image',
        skipVerify: true,
      }),
    );
    report.push(
      '## 6. Manual rollback (metric gate skipped: no Prometheus)',
      '',
      rollbackMarkdown(manual.rollback),
      '',
    );
    return finish(manual.exitCode === 0);
  } finally {
    await sandbox.stop();
    await rm(work, { recursive: true, force: true });
  }

  async function finish(ok: boolean): Promise<boolean> {
    const seconds = Math.round((Date.now() - started) / 1000);
    report.push(`Demo ${ok ? 'finished' : 'FAILED'} in ${seconds} s.`, '');
    await mkdir(dirname(resolve(options.report)), { recursive: true });
    await writeFile(options.report, report.join('\n'));
    log.info(
      `\ndemo ${ok ? 'finished' : 'FAILED'} in ${seconds} s; report (as the job summary shows it): ${options.report}`,
    );
    return ok;
  }
}

/** Prints a gate result and adds it to the report; the threshold draws the chart's threshold line. */
function reportGateResult(report: string[], gate: GateResult, title: string, threshold: number): void {
  process.stdout.write(`\n${formatVerification(gate.verification)}\n`);
  report.push(
    `## ${title}`,
    '',
    gate.summary,
    '',
    verificationMarkdown('Verification', gate.verification, threshold),
    '',
  );
  if (gate.rollback) report.push(rollbackMarkdown(gate.rollback), '');
  if (gate.afterRollback) {
    process.stdout.write(`\nafter the rollback:\n${formatVerification(gate.afterRollback)}\n`);
    report.push(verificationMarkdown('Verification after the rollback', gate.afterRollback, threshold), '');
  }
  process.stdout.write(`\n${gate.summary}\n`);
}

async function step<T>(title: string, fn: () => Promise<T>): Promise<T> {
  return log.group(title, fn);
}

/** Copies the example with a `demo` environment: staging's settings, the demo timing, and the memory image. */
async function writeDemoFile(
  source: string,
  target: string,
  overlay: Record<string, unknown>,
  memoryImage: string | undefined,
): Promise<void> {
  const doc = parseDocument(await readFile(source, 'utf8'));
  const staging =
    (doc.getIn(['environments', 'staging']) as { toJSON(): unknown } | undefined)?.toJSON() ?? {};
  let demo = deepMerge(staging as Record<string, unknown>, overlay);
  if (memoryImage) demo = deepMerge(demo, { services: { memory: { image: memoryImage } } });
  doc.setIn(['environments', 'demo'], doc.createNode(demo));
  await writeFile(target, doc.toString());
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/sbin'])) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** helm 4 from the npm dev dependencies (scripts/helm-cache.mjs), when this is a checkout with them installed. */
async function bundledHelm(): Promise<string | undefined> {
  try {
    const script = join(packageRoot(), 'scripts', 'helm-cache.mjs');
    if (!existsSync(script)) return undefined;
    const { extractTools } = (await import(pathToFileURL(script).href)) as {
      extractTools(quiet: boolean): Record<string, { helm: string }>;
    };
    const helm = extractTools(true)['4']?.helm;
    if (helm) await execa(helm, ['version', '--short']);
    return helm;
  } catch {
    return undefined;
  }
}
