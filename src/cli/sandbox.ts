// `release-kit sandbox up`: runs the simulated Kubernetes cluster (and optionally a real Prometheus
// scraping its pods) until interrupted, printing the kubeconfig path for helm and kubectl.
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { UserError } from '../errors.js';
import { log } from '../log.js';
import { startSandbox, systemClock } from '../sandbox/index.js';
import type { CommandRegistrar } from './exit.js';

interface UpOptions {
  port?: number;
  https?: boolean;
  kubeconfig?: string;
  prometheus?: boolean;
  scrapeInterval?: number;
  prometheusOperatorCrds?: boolean;
  podStartMs?: number;
  readyDelayMs?: number;
}

const integer =
  (what: string, min: number, max: number) =>
  (text: string): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max)
      throw new InvalidArgumentError(`${what} must be a whole number from ${min} to ${max}, got "${text}"`);
    return value;
  };

export const registerSandbox: CommandRegistrar = (program: Command) => {
  const sandbox = program
    .command('sandbox')
    .description('A simulated Kubernetes cluster for helm and kubectl (no real nodes, pods or volumes).');
  sandbox
    .command('up')
    .description('Start the simulated cluster on 127.0.0.1 and run until interrupted (Ctrl-C).')
    .option('--port <n>', 'API server port (default: a free port)', integer('--port', 0, 65535))
    .option('--https', 'serve HTTPS with a generated CA (written into the kubeconfig)')
    .option('--kubeconfig <file>', 'where to write the kubeconfig (default: in a temporary directory)')
    .option('--prometheus', 'also run the real prometheus binary scraping the simulated pods')
    .option(
      '--scrape-interval <seconds>',
      'Prometheus scrape interval',
      integer('--scrape-interval', 1, 3600),
      1,
    )
    .option('--prometheus-operator-crds', 'serve ServiceMonitor, PodMonitor and PrometheusRule')
    .option(
      '--pod-start-ms <ms>',
      'simulated time from pod creation to running',
      integer('--pod-start-ms', 0, 600_000),
    )
    .option(
      '--ready-delay-ms <ms>',
      'simulated time from running to ready',
      integer('--ready-delay-ms', 0, 600_000),
    )
    .action(async (options: UpOptions) => {
      const timing = {
        ...(options.podStartMs !== undefined ? { podStartMs: options.podStartMs } : {}),
        ...(options.readyDelayMs !== undefined ? { readyDelayMs: options.readyDelayMs } : {}),
      };
      const running = await startSandbox({
        port: options.port,
        https: options.https,
        kubeconfigPath: options.kubeconfig ? resolve(options.kubeconfig) : undefined,
        prometheus: options.prometheus ? { scrapeIntervalSeconds: options.scrapeInterval } : false,
        prometheusOperatorCrds: options.prometheusOperatorCrds,
        timing,
        // An interactive cluster behaves like a real one: its CronJobs fire on the wall clock.
        clock: systemClock,
      }).catch((e: unknown) => {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EACCES')
          throw new UserError(
            `cannot write the kubeconfig: ${(e as Error).message}`,
            'pass a writable --kubeconfig path',
          );
        throw e;
      });
      log.info(
        `release-kit sandbox: a SIMULATED Kubernetes cluster (pods are local HTTP servers) at ${running.url}`,
      );
      process.stdout.write(`kubeconfig: ${running.kubeconfigPath}\n`);
      if (running.prometheusUrl) process.stdout.write(`prometheus: ${running.prometheusUrl}\n`);
      log.info(`use it with: export KUBECONFIG=${running.kubeconfigPath}   (Ctrl-C stops it)`);
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          log.info('release-kit sandbox: stopping');
          running.stop().then(done, done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
};
