import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseDuration, parseQuantity, parseSize } from '../../src/config/index.js';
import { UserError } from '../../src/errors.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['15s', 15_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['30d', 2_592_000_000],
    ['1w', 604_800_000],
    ['1h30m', 5_400_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each([
    ['15', 'has no unit'],
    ['1.5h', 'is not a duration'],
    ['15 s', 'is not a duration'],
    ['30m1h', 'out of order'],
    ['5s5s', 'out of order'],
    ['', 'non-empty'],
  ])('rejects %j: %s', (text, message) => {
    expect(() => parseDuration(text)).toThrow(UserError);
    expect(() => parseDuration(text)).toThrow(message);
  });

  test.prop([fc.nat({ max: 10_000 }), fc.constantFrom('ms', 's', 'm', 'h', 'd', 'w')])(
    'reads back any whole amount of one unit',
    (n, unit) => {
      const factor = { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8 }[unit];
      expect(parseDuration(`${n}${unit}`)).toBe(n * factor);
    },
  );
});

describe('parseSize', () => {
  it.each([
    ['100GB', 100e9],
    ['512Mi', 512 * 2 ** 20],
    ['512MiB', 512 * 2 ** 20],
    ['1.5KB', 1500],
    ['10 B', 10],
  ])('%s is %d bytes', (text, bytes) => expect(parseSize(text)).toBe(bytes));

  it.each([
    ['100', 'has no unit'],
    ['100gb', "unknown unit 'gb'"],
    ['GB', 'is not a size'],
    ['-1GB', 'is not a size'],
  ])('rejects %j: %s', (text, message) => expect(() => parseSize(text)).toThrow(message));
});

describe('parseQuantity', () => {
  it.each([
    ['1', 1],
    ['0.5', 0.5],
    ['500m', 0.5],
    ['1Gi', 2 ** 30],
    ['512Mi', 512 * 2 ** 20],
    ['1e3', 1000],
    ['2k', 2000],
  ])('%s is %d', (text, value) => expect(parseQuantity(text)).toBeCloseTo(value));

  it.each(['1GB', 'one', '', '1 Gi', '-1'])('rejects %j', (text) =>
    expect(() => parseQuantity(text)).toThrow('is not a Kubernetes quantity'),
  );
});
