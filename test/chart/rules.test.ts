// The rendered recording rules and alerts load in the real promtool and behave: the error-ratio and burn-rate
// alerts fire on a synthetic failing series and stay silent on a healthy one (promtool test rules).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { systemBinary } from '../support/tools.js';
import { find, operatorApiVersions, renderChart } from './render.js';

let dir: string;
let ruleFile: string;
let operatorRuleFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chart-rules-'));
  const [plain, operator] = await Promise.all([
    renderChart({ major: 4 }),
    renderChart({ major: 3, apiVersions: operatorApiVersions }),
  ]);
  ruleFile = join(dir, 'rules.yml');
  await writeFile(
    ruleFile,
    find(plain, 'ConfigMap', 'memory-system-prometheus-rules').data['memory-system.rules.yml'],
  );
  operatorRuleFile = join(dir, 'operator-rules.yml');
  await writeFile(
    operatorRuleFile,
    stringify({ groups: find(operator, 'PrometheusRule', 'memory-system').spec.groups }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const promtool = (...args: string[]) => execa(systemBinary('promtool'), args, { cwd: dir, reject: false });

test('promtool check rules accepts the ConfigMap rule file and the PrometheusRule groups', async () => {
  for (const file of [ruleFile, operatorRuleFile]) {
    const r = await promtool('check', 'rules', file);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS: 1[0-9] rules found/);
  }
});

// 40 requests/s per job; api fails 20 % of them from the start, memory never fails (it has no 5xx series at all,
// which Prometheus answers with an empty vector, not 0).
const failingApi = [
  { series: 'http_requests_total{job="api",code="200"}', values: '0+480x400' },
  { series: 'http_requests_total{job="api",code="500"}', values: '0+120x400' },
  { series: 'http_requests_total{job="memory",code="200"}', values: '0+600x400' },
];
const healthy = [
  { series: 'http_requests_total{job="api",code="200"}', values: '0+600x400' },
  { series: 'http_requests_total{job="api",code="500"}', values: '0+0x400' },
  { series: 'http_requests_total{job="storage",code="200"}', values: '0+600x400' },
];

const apiAlert = (severity: string, summary: string) => ({
  exp_labels: { job: 'api', severity },
  exp_annotations: { summary },
});

describe('promtool test rules', () => {
  const run = async (name: string, tests: unknown[]) => {
    const file = join(dir, `${name}.test.yml`);
    await writeFile(file, stringify({ rule_files: [ruleFile], evaluation_interval: '15s', tests }));
    return promtool('test', 'rules', file);
  };

  test('the error-ratio and fast burn-rate alerts fire for a failing job, not for a healthy one', async () => {
    const r = await run('failing', [
      {
        interval: '15s',
        input_series: failingApi,
        promql_expr_test: [
          {
            expr: 'job:http_request_failures_per_requests:ratio_rate1m',
            eval_time: '5m',
            exp_samples: [
              { labels: 'job:http_request_failures_per_requests:ratio_rate1m{job="api"}', value: 0.2 },
              { labels: 'job:http_request_failures_per_requests:ratio_rate1m{job="memory"}', value: 0 },
            ],
          },
          {
            expr: 'job:http_requests:rate1m',
            eval_time: '5m',
            exp_samples: [
              { labels: 'job:http_requests:rate1m{job="api"}', value: 40 },
              { labels: 'job:http_requests:rate1m{job="memory"}', value: 40 },
            ],
          },
        ],
        alert_rule_test: [
          // Pending for 2m first: not yet firing after one minute.
          { eval_time: '1m', alertname: 'HTTPErrorRatioHigh', exp_alerts: [] },
          {
            eval_time: '5m',
            alertname: 'HTTPErrorRatioHigh',
            exp_alerts: [apiAlert('critical', 'api: 20% of requests fail (threshold 5 %)')],
          },
          {
            eval_time: '70m',
            alertname: 'ErrorBudgetBurnFast',
            exp_alerts: [
              apiAlert('page', 'api burns its error budget 14.4 times too fast (1h and 5m windows)'),
            ],
          },
        ],
      },
    ]);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('SUCCESS');
  });

  test('no alert fires on healthy traffic', async () => {
    const r = await run('healthy', [
      {
        interval: '15s',
        input_series: healthy,
        alert_rule_test: ['HTTPErrorRatioHigh', 'ErrorBudgetBurnFast', 'ErrorBudgetBurnSlow'].flatMap(
          (alertname) => ['5m', '70m', '99m'].map((eval_time) => ({ eval_time, alertname, exp_alerts: [] })),
        ),
      },
    ]);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
  });

  test('the test harness itself fails when an expected alert does not fire', async () => {
    const r = await run('wrong', [
      {
        interval: '15s',
        input_series: healthy,
        alert_rule_test: [
          {
            eval_time: '5m',
            alertname: 'HTTPErrorRatioHigh',
            exp_alerts: [apiAlert('critical', 'api: 20% of requests fail (threshold 5 %)')],
          },
        ],
      },
    ]);
    expect(r.exitCode).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/FAILED/);
  });
});
