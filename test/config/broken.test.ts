// Broken configurations, each a small edit of test/fixtures/config/valid.yaml: every one must give
// exactly one problem, at the right line and path, with a message that says what is wrong.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateReleaseConfig } from '../../src/config/index.js';
import { packageRoot } from '../../src/util/paths.js';

const valid = readFileSync(join(packageRoot(), 'test', 'fixtures', 'config', 'valid.yaml'), 'utf8');

interface Case {
  name: string;
  /** [text to find in valid.yaml, replacement], or the whole file. */
  edit: [string, string] | string;
  environment?: string;
  line: number;
  path: string;
  message: string | RegExp;
  hint?: string | RegExp;
}

const cases: Case[] = [
  {
    name: 'typo in a key',
    edit: ['  window: 5m', '  windw: 5m'],
    line: 54,
    path: 'verification.windw',
    message: "unknown key 'windw'",
    hint: "did you mean 'window'?",
  },
  {
    name: 'typo in a flow-mapping key',
    edit: ['max_surge: 1', 'max_surg: 1'],
    line: 50,
    path: 'deployment.strategy.max_surg',
    message: "unknown key 'max_surg'",
    hint: "did you mean 'max_surge'?",
  },
  {
    name: 'missing required key',
    edit: ['    image: memory_system/api:latest\n', ''],
    line: 7,
    path: 'services.api.image',
    message: "missing required key 'image'",
    hint: /Container image/,
  },
  {
    name: 'string where an integer belongs',
    edit: ['nodes: 3', 'nodes: three'],
    line: 43,
    path: 'logging.elasticsearch.nodes',
    message: 'expected an integer, got the string "three"',
  },
  {
    name: 'quoted number',
    edit: ['shards: 3', 'shards: "3"'],
    line: 31,
    path: 'storage_scaling.faiss_scaling.shards',
    message: 'expected an integer, got the string "3"',
  },
  {
    name: 'string where a list belongs',
    edit: ['ports: ["8000:8000"]', 'ports: "8000:8000"'],
    line: 9,
    path: 'services.api.ports',
    message: 'expected a list, got the string',
  },
  {
    name: 'empty value where a list belongs',
    edit: ['  depends_on: [api]', '  depends_on:'],
    line: 22,
    path: 'gateway.depends_on',
    message: 'expected a list, got nothing',
  },
  {
    name: 'number below its minimum',
    edit: ['nodes: 3', 'nodes: 0'],
    line: 43,
    path: 'logging.elasticsearch.nodes',
    message: 'must be >= 1, got 0',
  },
  {
    name: 'unknown configuration version',
    edit: ['version: 1', 'version: 2'],
    line: 3,
    path: 'version',
    message: 'expected 1, got the integer 2',
  },
  {
    name: 'value outside an enum',
    edit: ['type: rolling_update', 'type: rolling-update'],
    line: 50,
    path: 'deployment.strategy.type',
    message: 'the string "rolling-update" is not one of: rolling_update, recreate',
    hint: "did you mean 'rolling_update'?",
  },
  {
    name: 'cron with four fields',
    edit: ['"0 0 * * *"', '"0 0 * *"'],
    line: 48,
    path: 'backup.data_backup.schedule',
    message: "'0 0 * *' has 4 fields; a cron schedule has 5",
  },
  {
    name: 'cron minute out of range',
    edit: ['"0 0 * * *"', '"61 0 * * *"'],
    line: 48,
    path: 'backup.data_backup.schedule',
    message: /not a valid cron schedule: .*61/,
  },
  {
    name: 'cron with seconds (six fields)',
    edit: ['"0 0 * * *"', '"0 0 0 * * *"'],
    line: 48,
    path: 'backup.data_backup.schedule',
    message: 'has 6 fields',
  },
  {
    name: 'min_replicas above max_replicas',
    edit: ['min_replicas: 2', 'min_replicas: 12'],
    line: 28,
    path: 'scaling.auto_scaling.min_replicas',
    message: 'min_replicas (12) is greater than max_replicas (10)',
  },
  {
    name: 'unknown depends_on',
    edit: ['[faiss, neo4j]', '[faiss, neo4jj]'],
    line: 15,
    path: 'services.memory.depends_on[1]',
    message: "depends on 'neo4jj', which is not a component or store alias",
    hint: /did you mean 'neo4j'\?/,
  },
  {
    name: 'dependency cycle',
    edit: ['[faiss, neo4j]', '[faiss, neo4j, api]'],
    line: 11,
    path: 'services.api.depends_on[2]',
    message: 'dependency cycle: api -> memory -> api',
  },
  {
    name: 'self dependency',
    edit: ['  depends_on: [api]', '  depends_on: [api, gateway]'],
    line: 22,
    path: 'gateway.depends_on[1]',
    message: "'gateway' depends on itself",
  },
  {
    name: 'dependency listed twice',
    edit: ['  depends_on: [api]', '  depends_on: [api, api]'],
    line: 22,
    path: 'gateway.depends_on[1]',
    message: 'the string "api" is listed twice',
  },
  {
    name: 'size with an unknown unit',
    edit: ['100GB', '100 gigs'],
    line: 31,
    path: 'storage_scaling.faiss_scaling.index_size_limit',
    message: "'100 gigs' has an unknown unit 'gigs'",
  },
  {
    name: 'size without a unit',
    edit: ['100GB', '"100"'],
    line: 31,
    path: 'storage_scaling.faiss_scaling.index_size_limit',
    message: "'100' has no unit",
  },
  {
    name: 'duration in words',
    edit: ['window: 5m', 'window: 5 minutes'],
    line: 54,
    path: 'verification.window',
    message: "'5 minutes' is not a duration",
  },
  {
    name: 'duration units out of order',
    edit: ['retention: 30d', 'retention: 30m1d'],
    line: 45,
    path: 'logging.elasticsearch.indices[0].retention',
    message: 'out of order',
  },
  {
    name: 'zero duration',
    edit: ['scrape_interval: 15s', 'scrape_interval: 0s'],
    line: 36,
    path: 'monitoring.prometheus.global.scrape_interval',
    message: 'longer than zero',
  },
  {
    name: 'memory that is not a quantity',
    edit: ['memory: 1Gi', 'memory: 1GB'],
    line: 25,
    path: 'kubernetes.resources.limits.memory',
    message: "'1GB' is not a Kubernetes quantity",
  },
  {
    name: 'request above limit',
    edit: ['cpu: "0.5"', 'cpu: "2"'],
    line: 26,
    path: 'kubernetes.resources.requests.cpu',
    message: 'the cpu request (2) is greater than its limit (1)',
  },
  {
    name: 'shell injection as a namespace',
    edit: ['namespace: memory-system\n', 'namespace: "api; rm -rf /"\n'],
    line: 5,
    path: 'namespace',
    message: "'api; rm -rf /' is not a valid Kubernetes name",
  },
  {
    name: 'shell injection as a job name',
    edit: ['job_name: api', 'job_name: "api; rm -rf /"'],
    line: 38,
    path: 'monitoring.prometheus.scrape_configs[0].job_name',
    message: "'api; rm -rf /' is not a valid Kubernetes name",
  },
  {
    name: 'uppercase component name',
    edit: ['  redis: {', '  Redis: {'],
    line: 19,
    path: 'stores.Redis',
    message: "'Redis' is not a valid Kubernetes name",
  },
  {
    name: 'manual_scaling key naming no service',
    edit: ['memory_replicas: 2', 'memroy_replicas: 2'],
    line: 29,
    path: 'scaling.manual_scaling.memroy_replicas',
    message: "'memroy_replicas' names no service",
    hint: "did you mean 'memory_replicas'?",
  },
  {
    name: 'manual_scaling key of the wrong form',
    edit: ['api_replicas: 3', 'api_count: 3'],
    line: 29,
    path: 'scaling.manual_scaling.api_count',
    message: "'api_count' is not an allowed key here",
    hint: /_replicas/,
  },
  {
    name: 'scrape target without a port',
    edit: ['["api:8000"]', '["api"]'],
    line: 39,
    path: 'monitoring.prometheus.scrape_configs[0].static_configs[0].targets[0]',
    message: "'api' is not a scrape target",
  },
  {
    name: 'scrape target on a port the service lacks',
    edit: ['["api:8000"]', '["api:9000"]'],
    line: 39,
    path: 'monitoring.prometheus.scrape_configs[0].static_configs[0].targets[0]',
    message: "target api:9000 names service 'api', which has no port 9000",
  },
  {
    name: 'alias taken twice',
    edit: ['aliases: [cache]', 'aliases: [cache, db]'],
    line: 19,
    path: 'stores.redis.aliases[1]',
    message: "alias 'db' is already the name of an alias of neo4j",
  },
  {
    name: 'environment variable set twice',
    edit: ['[ENV=production, DB_HOST=db]', '[ENV=production, ENV=staging]'],
    line: 10,
    path: 'services.api.environment[1]',
    message: 'variable ENV is set twice',
  },
  {
    name: 'malformed environment variable',
    edit: ['DB_HOST=db]', 'DB HOST]'],
    line: 10,
    path: 'services.api.environment[1]',
    message: "'DB HOST' is not an environment variable assignment",
  },
  {
    name: 'bad image reference',
    edit: ['image: nginx:1.27', 'image: "Nginx Latest"'],
    line: 21,
    path: 'gateway.image',
    message: "'Nginx Latest' is not an image reference",
  },
  {
    name: 'rolling update that cannot progress',
    edit: ['max_surge: 1', 'max_surge: 0'],
    line: 50,
    path: 'deployment.strategy.max_surge',
    message: 'both 0',
  },
  {
    name: 'latency threshold without a quantile',
    edit: ['  window: 5m', '  window: 5m\n  latency_threshold: 500ms'],
    line: 55,
    path: 'verification.latency_threshold',
    message: 'latency_quantile is missing',
  },
  {
    name: 'unknown roll_forward_only component',
    edit: ['  settings: { timeout: 300 }', '  settings: { timeout: 300 }\n  roll_forward_only: [neo5j]'],
    line: 53,
    path: 'rollback.roll_forward_only[0]',
    message: "'neo5j' is not a component",
    hint: /did you mean 'neo4j'\?/,
  },
  {
    name: 'typo in an environment overlay',
    edit: ['    namespace: memory-system-staging', '    namespce: memory-system-staging'],
    line: 57,
    path: 'environments.staging.namespce',
    message: "unknown key 'namespce'",
  },
  {
    name: 'wrong type in an environment overlay',
    edit: ['{ enabled: false }', '{ enabled: nope }'],
    line: 59,
    path: 'environments.staging.scaling.auto_scaling.enabled',
    message: 'expected true or false',
  },
  {
    name: 'overlay that breaks a cross-key rule',
    edit: ['{ enabled: false }', '{ enabled: false, min_replicas: 11 }'],
    environment: 'staging',
    line: 59,
    path: 'environments.staging.scaling.auto_scaling.min_replicas',
    message: 'min_replicas (11) is greater than max_replicas (10), with environment staging applied',
  },
  {
    name: 'overlay checked without --env',
    edit: ['{ enabled: false }', '{ enabled: false, min_replicas: 11 }'],
    line: 59,
    path: 'environments.staging.scaling.auto_scaling.min_replicas',
    message: 'with environment staging applied',
  },
  {
    name: 'unknown environment',
    edit: ['version: 1', 'version: 1'],
    environment: 'prod',
    line: 55,
    path: 'environments',
    message: "unknown environment 'prod'",
    hint: 'the file defines: staging',
  },
  {
    name: 'YAML syntax error: unclosed quote',
    edit: ['image: nginx:1.27', 'image: "nginx:1.27'],
    line: 21,
    path: '',
    message: 'YAML syntax error: Missing closing "quote',
    hint: /close the quote/,
  },
  {
    name: 'YAML syntax error: stray bracket',
    edit: ['ports: ["8000:8000"]', 'ports: ["8000:8000"]]'],
    line: 9,
    path: '',
    message: /YAML syntax error: Unexpected .*"\]"/,
  },
  {
    name: 'YAML syntax error: unquoted colon',
    edit: ['name: memory-system', 'name: memory-system: x'],
    line: 4,
    path: '',
    message: 'YAML syntax error: Nested mappings',
    hint: /must be quoted/,
  },
  {
    name: 'YAML syntax error: bad indentation',
    edit: ['    nodes: 3', '   nodes: 3'],
    line: 43,
    path: '',
    message: 'YAML syntax error: All mapping items must start at the same column',
  },
  {
    name: 'duplicate key',
    edit: ['name: memory-system\n', 'name: memory-system\nname: other\n'],
    line: 5,
    path: '',
    message: 'YAML syntax error: Map keys must be unique',
    hint: /only once/,
  },
  {
    name: 'tab indentation',
    edit: ['  window: 5m', '\twindow: 5m'],
    line: 54,
    path: '',
    message: /YAML syntax error/,
  },
  { name: 'empty file', edit: '', line: 1, path: '', message: 'the file is empty' },
  {
    name: 'only comments',
    edit: '# nothing here\n\n# yet\n',
    line: 1,
    path: '',
    message: 'the file is empty',
  },
  {
    name: 'binary garbage',
    edit: '\u0000\u0001\u0002PNG\u0003garbage',
    line: 1,
    path: '',
    message: 'not UTF-8 text',
  },
  {
    name: '10 MB file',
    edit: `# ${'x'.repeat(10 * 1024 * 1024)}\n`,
    line: 1,
    path: '',
    message: 'the file is 10.0 MB; a release configuration may be at most 5 MB',
  },
  {
    name: 'two YAML documents',
    edit: ['verification:\n', 'verification:\n---\nversion: 1\n'],
    line: 54,
    path: '',
    message: 'the file holds 2 YAML documents',
  },
  {
    name: 'a list at the top level',
    edit: '- version: 1\n- name: x\n',
    line: 1,
    path: '',
    message: 'the top level is a list',
  },
  {
    name: 'a scalar at the top level',
    edit: 'just some words\n',
    line: 1,
    path: '',
    message: 'the top level is a single value',
  },
  {
    name: 'alias bomb',
    edit: `a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from(
      { length: 8 },
      (_, i) =>
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
    ).join('\n')}\n`,
    line: 1,
    path: '',
    message: 'the YAML cannot be expanded',
  },
];

const apply = (edit: Case['edit']): string => {
  if (typeof edit === 'string') return edit;
  expect(valid, `fixture text to edit: ${edit[0]}`).toContain(edit[0]);
  return valid.replace(edit[0], edit[1]);
};

describe('a broken release configuration gives one specific problem at its line', () => {
  it('starts from a valid fixture', () => {
    expect(validateReleaseConfig(valid, { file: 'valid.yaml' }).problems).toEqual([]);
  });

  it.each(cases)('$name', (c) => {
    const result = validateReleaseConfig(apply(c.edit), { file: 'release.yaml', environment: c.environment });
    expect(result.config).toBeUndefined();
    expect(result.problems, JSON.stringify(result.problems, null, 2)).toHaveLength(1);
    const [problem] = result.problems;
    expect(problem).toMatchObject({ file: 'release.yaml', line: c.line, path: c.path });
    if (typeof c.message === 'string') expect(problem?.message).toContain(c.message);
    else expect(problem?.message).toMatch(c.message);
    if (c.hint !== undefined) {
      if (typeof c.hint === 'string') expect(problem?.hint).toContain(c.hint);
      else expect(problem?.hint).toMatch(c.hint);
    }
  });

  it('has more than 30 cases', () => expect(cases.length).toBeGreaterThan(30));
});
