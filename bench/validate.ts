// How long validating a large release configuration takes, next to a bare JSON.parse of the same
// document: `npx tsx bench/validate.ts [services]`. Medians of several runs, measured in one process.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse, stringify } from 'yaml';
import { validateReleaseConfig } from '../src/config/index.js';
import { readYaml } from '../src/config/source.js';
import { packageRoot } from '../src/util/paths.js';

const SERVICES = Number(process.argv[2] ?? 1000);
const RUNS = 7;

/** The example with SERVICES services, each depending on a store (by alias) and on the one before it. */
function largeConfig(): Record<string, unknown> {
  const config = parse(readFileSync(join(packageRoot(), 'examples', 'memory-system.yaml'), 'utf8'));
  const services: Record<string, unknown> = {};
  const jobs: unknown[] = [];
  const manual: Record<string, number> = {};
  for (let i = 0; i < SERVICES; i++) {
    const name = `svc-${i}`;
    const port = 8000 + (i % 1000);
    services[name] = {
      image: `memory_system/${name}:1.0.${i}`,
      ports: [`${port}:${port}`],
      environment: ['ENV=production', 'DB_HOST=db'],
      volumes: [`${name.replace('-', '_')}_data:/data`],
      depends_on: i === 0 ? ['db', 'cache'] : ['db', `svc-${i - 1}`],
      resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '512Mi' } },
    };
    jobs.push({ job_name: name, static_configs: [{ targets: [`${name}:${port}`] }] });
    manual[`${name}_replicas`] = 2;
  }
  config.services = services;
  config.gateway.depends_on = ['svc-0'];
  config.kubernetes.deployments = {};
  config.scaling.manual_scaling = manual;
  config.monitoring.prometheus.scrape_configs = jobs;
  config.environments.staging.services = { 'svc-0': { environment: ['ENV=staging'] } };
  return config;
}

function median(fn: () => void): number {
  const times: number[] = [];
  fn(); // warm-up: compiles the schema, fills the JIT
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)] as number;
}

const config = largeConfig();
const yaml = stringify(config);
const json = JSON.stringify(config);

const check = validateReleaseConfig(yaml, { file: 'bench.yaml' });
if (check.problems.length > 0)
  throw new Error(`bench config is invalid: ${JSON.stringify(check.problems[0])}`);

const validateMs = median(() => validateReleaseConfig(yaml, { file: 'bench.yaml' }));
const validateEnvMs = median(() =>
  validateReleaseConfig(yaml, { file: 'bench.yaml', environment: 'staging' }),
);
const yamlMs = median(() => readYaml(yaml));
const jsonMs = median(() => JSON.parse(json));

console.log(
  `release config with ${SERVICES} services: ${(yaml.length / 1024).toFixed(0)} KiB YAML, ${(json.length / 1024).toFixed(0)} KiB JSON; median of ${RUNS} runs`,
);
console.log(`  JSON.parse                         ${jsonMs.toFixed(2).padStart(9)} ms`);
console.log(
  `  validate (base + every environment) ${validateMs.toFixed(2).padStart(8)} ms   ${(validateMs / jsonMs).toFixed(0)}x JSON.parse`,
);
console.log(
  `  of which: YAML with positions      ${yamlMs.toFixed(2).padStart(9)} ms   ${(yamlMs / jsonMs).toFixed(0)}x JSON.parse`,
);
console.log(
  `  validate --env staging             ${validateEnvMs.toFixed(2).padStart(9)} ms   ${(validateEnvMs / jsonMs).toFixed(0)}x JSON.parse`,
);
