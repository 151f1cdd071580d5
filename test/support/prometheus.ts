// A real Prometheus (Debian 2.42) for tests: started on a free 127.0.0.1 port with a temporary TSDB and a
// config written here, ready in about 100 ms. Always `await prom.stop()` in afterAll (or a finally).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { stringify } from 'yaml';
import { systemBinary } from './tools.js';

export interface ScrapeTarget {
  job: string;
  /** `host:port` of each /metrics endpoint. */
  targets: string[];
}

export interface StartPrometheusOptions {
  /** Static targets, one scrape job each. */
  scrapeTargets?: ScrapeTarget[];
  /**
   * A directory of file_sd target files (`*.json` or `*.yml`), re-read every second. A target group may set its
   * job with `labels: { job: "api" }` (Prometheus only fills in the scrape job name when the label is absent).
   */
  fileSdDir?: string;
  /** Scrape (and rule evaluation) interval; default `1s`. */
  scrapeInterval?: string;
}

export interface RunningPrometheus {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Stops the process and removes its data directory. Safe to call twice. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('could not obtain a free port');
  return address.port;
}

function configYaml(options: StartPrometheusOptions): string {
  const interval = options.scrapeInterval ?? '1s';
  const jobs: Record<string, unknown>[] = (options.scrapeTargets ?? []).map((t) => ({
    job_name: t.job,
    static_configs: [{ targets: t.targets }],
  }));
  if (options.fileSdDir) {
    jobs.push({
      job_name: 'file_sd',
      file_sd_configs: [
        {
          files: [join(options.fileSdDir, '*.json'), join(options.fileSdDir, '*.yml')],
          refresh_interval: '1s',
        },
      ],
    });
  }
  return stringify({
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    scrape_configs: jobs,
  });
}

async function untilReady(url: string, child: ResultPromise, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return true;
    } catch {
      // not listening yet
    }
    await delay(25);
  }
  return false;
}

// execa sends SIGKILL on its own if SIGTERM has not ended the process within forceKillAfterDelay (5 s).
async function end(child: ResultPromise): Promise<void> {
  if (child.exitCode === null) child.kill('SIGTERM');
  await child;
}

/** Starts Prometheus; retries on another port if the chosen one was taken in the meantime. */
export async function startPrometheus(options: StartPrometheusOptions = {}): Promise<RunningPrometheus> {
  const binary = systemBinary('prometheus');
  const dir = await mkdtemp(join(tmpdir(), 'release-kit-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  await writeFile(config, configYaml(options));
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = execa(
      binary,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, `data-${attempt}`)}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { reject: false, stdin: 'ignore', buffer: { stdout: false, stderr: true } },
    );
    if (await untilReady(url, child, Date.now() + 15_000)) {
      return {
        url,
        stop: async () => {
          await end(child);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    await end(child);
    lastError = String((await child).stderr ?? '').slice(-2000);
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`prometheus did not become ready on 127.0.0.1:\n${lastError}`);
}
