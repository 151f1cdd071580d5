// Parsers for the unit-bearing strings of a release configuration: durations (`15s`, `30d`, `500ms`),
// sizes (`100GB`, `512Mi`) and Kubernetes quantities (`0.5`, `500m`, `1Gi`). Each has a `check*` form
// that explains what is wrong (the validator reports it) and a `parse*` form for code that reads an
// already validated configuration (a bad value there is a UserError, never NaN).
import { UserError } from '../errors.js';

export type Checked = { ok: true; value: number } | { ok: false; message: string; hint: string };

const DURATION_UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const DURATION_HINT = 'write whole numbers with a unit: ms, s, m, h, d or w, e.g. 15s, 5m, 30d, 1h30m';

/** A duration such as `15s`, `30d`, `500ms` or `1h30m` (units in decreasing order, as Prometheus writes them). */
export function checkDuration(text: string): Checked {
  if (typeof text !== 'string' || text.trim() === '') {
    return { ok: false, message: 'a duration must be a non-empty string', hint: DURATION_HINT };
  }
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    const bare = /^\d+(\.\d+)?$/.test(text);
    return {
      ok: false,
      message: bare ? `'${text}' has no unit` : `'${text}' is not a duration`,
      hint: DURATION_HINT,
    };
  }
  let total = 0;
  let previousUnit = Number.POSITIVE_INFINITY;
  for (const [, amount, unit] of parts) {
    const factor = DURATION_UNITS_MS[unit as string] as number;
    if (factor >= previousUnit) {
      return {
        ok: false,
        message: `'${text}' repeats a unit or lists units out of order`,
        hint: 'write the largest unit first, each unit once, e.g. 1h30m',
      };
    }
    previousUnit = factor;
    total += Number(amount) * factor;
  }
  if (!Number.isSafeInteger(total)) {
    return { ok: false, message: `'${text}' is too long a duration`, hint: DURATION_HINT };
  }
  return { ok: true, value: total };
}

const SIZE_UNITS: Record<string, number> = {
  B: 1,
  kB: 1e3,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  PB: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
  PiB: 2 ** 50,
};
const SIZE_HINT =
  'write a number and a unit: B, KB, MB, GB, TB, PB count in 1000s, Ki, Mi, Gi, Ti, Pi in 1024s; e.g. 100GB or 512Mi';

/** A size such as `100GB` (decimal units) or `512Mi` / `512MiB` (binary units), in bytes. */
export function checkSize(text: string): Checked {
  if (typeof text !== 'string' || text.trim() === '') {
    return { ok: false, message: 'a size must be a non-empty string', hint: SIZE_HINT };
  }
  const m = /^(\d+(?:\.\d+)?)\s?([A-Za-z]*)$/.exec(text);
  if (!m) return { ok: false, message: `'${text}' is not a size`, hint: SIZE_HINT };
  const [, amount, unit] = m as unknown as [string, string, string];
  if (unit === '') return { ok: false, message: `'${text}' has no unit`, hint: SIZE_HINT };
  const factor = SIZE_UNITS[unit];
  if (factor === undefined) {
    return { ok: false, message: `'${text}' has an unknown unit '${unit}'`, hint: SIZE_HINT };
  }
  return { ok: true, value: Math.round(Number(amount) * factor) };
}

const QUANTITY_SUFFIXES: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const QUANTITY_HINT =
  'use a Kubernetes quantity: cpu in cores such as "1", "0.5" or "500m", memory such as "512Mi" or "1Gi"';

/** A Kubernetes resource quantity (`1`, `0.5`, `500m`, `512Mi`, `1e3`) as a plain number (cores or bytes). */
export function checkQuantity(text: string): Checked {
  const m = /^\+?(\d+(?:\.\d*)?|\.\d+)(?:([numkMGTPE]|[KMGTPE]i)|[eE]([+-]?\d+))?$/.exec(String(text));
  if (typeof text !== 'string' || !m) {
    return { ok: false, message: `'${String(text)}' is not a Kubernetes quantity`, hint: QUANTITY_HINT };
  }
  const [, amount, suffix, exponent] = m as unknown as [
    string,
    string,
    string | undefined,
    string | undefined,
  ];
  const factor =
    exponent !== undefined ? 10 ** Number(exponent) : (QUANTITY_SUFFIXES[suffix ?? ''] as number);
  return { ok: true, value: Number(amount) * factor };
}

function orThrow(checked: Checked, what: string, field?: string): number {
  if (checked.ok) return checked.value;
  throw new UserError(`${field ? `${field}: ` : ''}invalid ${what}: ${checked.message}`, checked.hint);
}

/** Milliseconds of a duration such as `15s`, `30d` or `500ms`; `field` names the setting in errors. */
export const parseDuration = (text: unknown, field?: string): number =>
  orThrow(checkDuration(text as string), 'duration', field);

/** Bytes of a size such as `100GB` or `512Mi`. */
export const parseSize = (text: string): number => orThrow(checkSize(text), 'size');

/** Cores or bytes of a Kubernetes quantity such as `500m` or `1Gi`. */
export const parseQuantity = (text: string): number => orThrow(checkQuantity(text), 'quantity');
