// The Prometheus hook: file_sd target files for the ready simulated pods, and (optionally) a real
// `prometheus` process scraping them. execa is the one process runner.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { stringify } from 'yaml';
import { UserError } from '../errors.js';
import { log } from '../log.js';
import type { KubeObject } from './object.js';

export interface ScrapeTarget {
  namespace: string;
  pod: string;
  port: number;
  labels: Record<string, string> | undefined;
}

/** The job label of a pod: its component, else its app name (what the recording rules group by). */
export function jobOf(labels: Record<string, string> | undefined, fallback: string): string {
  return (
    labels?.['app.kubernetes.io/component'] ?? labels?.app ?? labels?.['app.kubernetes.io/name'] ?? fallback
  );
}

/** The file_sd document (JSON) for the given targets, sorted so equal sets give equal files. */
export function fileSdDocument(targets: ScrapeTarget[]): string {
  const groups = [...targets]
    .sort((a, b) => `${a.namespace}/${a.pod}`.localeCompare(`${b.namespace}/${b.pod}`))
    .map((t) => ({
      targets: [`127.0.0.1:${t.port}`],
      labels: { job: jobOf(t.labels, t.pod), pod: t.pod, namespace: t.namespace },
    }));
  return `${JSON.stringify(groups, null, 2)}\n`;
}

/** Writes the targets file when the set of ready pods changed (atomically: Prometheus may read it any time). */
export class TargetsWriter {
  private last = '';
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  update(targets: ScrapeTarget[]): Promise<void> {
    const text = fileSdDocument(targets);
    if (text === this.last) return this.writing;
    this.last = text;
    this.writing = this.writing
      .then(async () => {
        const tmp = `${this.file}.tmp`;
        await writeFile(tmp, text);
        await rename(tmp, this.file);
      })
      .catch((e: unknown) =>
        log.warn(`sandbox: cannot write the Prometheus targets ${this.file}: ${(e as Error).message}`),
      );
    return this.writing;
  }

  /** Resolves once the last requested write is done. */
  flush(): Promise<void> {
    return this.writing;
  }
}

export const targetsOf = (
  pods: { namespace: string; name: string; port: number }[],
  objects: KubeObject[],
): ScrapeTarget[] =>
  pods.map((p) => ({
    namespace: p.namespace,
    pod: p.name,
    port: p.port,
    labels: objects.find((o) => o.metadata.namespace === p.namespace && o.metadata.name === p.name)?.metadata
      .labels,
  }));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

export interface PrometheusProcess {
  url: string;
  stop(): Promise<void>;
}

/** Starts the real prometheus binary scraping the file_sd targets; resolves once it answers /-/ready. */
export async function startPrometheus(options: {
  dir: string;
  targetsFile: string;
  scrapeIntervalSeconds: number;
  binary?: string;
}): Promise<PrometheusProcess> {
  const dir = join(options.dir, 'prometheus');
  await mkdir(join(dir, 'data'), { recursive: true });
  const interval = `${options.scrapeIntervalSeconds}s`;
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    scrape_configs: [
      {
        job_name: 'sandbox-pods',
        file_sd_configs: [{ files: [options.targetsFile], refresh_interval: '1s' }],
      },
    ],
  };
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const binary = options.binary ?? 'prometheus';
  const child: ResultPromise = execa(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { reject: false, stdin: 'ignore', stdout: 'ignore', forceKillAfterDelay: 3000 },
  );
  let exited = false;
  child.finally(() => {
    exited = true;
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) {
      const result = await child;
      if (/ENOENT/.test(String(result.message)))
        throw new UserError(
          `cannot start prometheus: "${binary}" is not installed`,
          'install the Debian package prometheus',
        );
      throw new Error(`prometheus exited at start: ${String(result.stderr)}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error('prometheus did not become ready within 15 s');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      await child;
    },
  };
}
