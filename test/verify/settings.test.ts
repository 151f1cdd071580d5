import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadReleaseConfig } from '../../src/config/index.js';
import type { ReleaseConfig } from '../../src/config/types.js';
import { UserError } from '../../src/errors.js';
import { packageRoot } from '../../src/util/paths.js';
import {
  kubeCheck,
  positiveDuration,
  prometheusChecks,
  verificationSettings,
} from '../../src/verify/settings.js';

const file = join(packageRoot(), 'examples', 'memory-system.yaml');

describe('verificationSettings', () => {
  test('carries every seed number of the example config', async () => {
    expect(verificationSettings(await loadReleaseConfig(file))).toEqual({
      initialDelayMs: 30_000,
      periodMs: 10_000,
      timeoutMs: 5_000,
      successThreshold: 1,
      failureThreshold: 3,
      windowMs: 300_000,
      errorRateThreshold: 0.05,
      maxErrorRateIncrease: 0.01,
      minRequestRate: 0.5,
      latencyThresholdSeconds: 0.5,
      onInconclusive: 'hold',
      rollbackOn: ['health_check_failed', 'error_rate_threshold', 'manual_trigger'],
    });
  });

  test('environment overlays apply (staging verifies for 2m)', async () => {
    expect(verificationSettings(await loadReleaseConfig(file, { environment: 'staging' })).windowMs).toBe(
      120_000,
    );
  });

  const broken: [string, (c: ReleaseConfig) => void, RegExp][] = [
    [
      'a non-integer threshold',
      (c) => {
        c.deployment.health_check.failure_threshold = 2.5;
      },
      /deployment.health_check.failure_threshold: 2.5 is not an integer >= 1/,
    ],
    [
      'a missing period',
      (c) => delete (c.deployment.health_check as Partial<typeof c.deployment.health_check>).period,
      /deployment.health_check.period: undefined is not a number >= 1/,
    ],
    [
      'a ratio above 1',
      (c) => {
        c.rollback.error_rate_threshold = 5;
      },
      /rollback.error_rate_threshold: 5 is not a number between 0 and 1/,
    ],
    [
      'a window without unit',
      (c) => {
        c.verification.window = '300';
      },
      /verification.window: invalid duration: '300' has no unit/,
    ],
    [
      'an unknown policy',
      (c) => {
        c.verification.on_inconclusive = 'ignore' as never;
      },
      /verification.on_inconclusive: "ignore" is not a policy/,
    ],
    [
      'a latency threshold in words',
      (c) => {
        c.verification.latency_threshold = 'fast';
      },
      /verification.latency_threshold: invalid duration: 'fast' is not a duration/,
    ],
    [
      'a timeout longer than the period',
      (c) => {
        c.deployment.health_check.timeout = 20;
      },
      /timeout \(20s\) is longer than deployment.health_check.period \(10s\)/,
    ],
    [
      'a window too short to ever fail',
      (c) => {
        c.verification.window = '45s';
      },
      /verification.window \(45s\) is shorter than .* = 50s/,
    ],
  ];
  test.each(broken)('rejects %s with a UserError naming the field', async (_name, breakIt, message) => {
    const config = await loadReleaseConfig(file);
    breakIt(config);
    const attempt = () => verificationSettings(config);
    expect(attempt).toThrow(UserError);
    expect(attempt).toThrow(message);
  });
});

describe('checks from the config', () => {
  test('an error ratio and a latency check per scrape job', async () => {
    const checks = prometheusChecks(await loadReleaseConfig(file));
    expect(checks.map((c) => c.id)).toEqual([
      'api:error_ratio',
      'api:latency',
      'memory:error_ratio',
      'memory:latency',
      'storage:error_ratio',
      'storage:latency',
    ]);
  });

  test('no latency check without a latency threshold', async () => {
    const config = await loadReleaseConfig(file);
    delete config.verification.latency_threshold;
    expect(prometheusChecks(config).every((c) => c.kind === 'error_ratio')).toBe(true);
  });

  test('kube checks are named after their workload', () => {
    expect(kubeCheck('StatefulSet/neo4j')).toEqual({
      id: 'kube:StatefulSet/neo4j',
      kind: 'kube',
      workload: 'StatefulSet/neo4j',
    });
  });
});

test('positiveDuration reads compound durations and refuses zero or no duration', () => {
  expect(positiveDuration('1m30s', 'x')).toBe(90_000);
  expect(positiveDuration('500ms', 'x')).toBe(500);
  expect(() => positiveDuration('0s', 'verification.window')).toThrow(
    /verification.window: "0s" is not a positive duration/,
  );
  expect(() => positiveDuration(5, 'verification.window')).toThrow(/verification.window: invalid duration/);
});
