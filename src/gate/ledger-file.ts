// Reads the ledger a deploy run wrote (a JSON file, kept as a CI artifact), checking the fields verify and
// rollback rely on, so a truncated or foreign file is refused with its path and field rather than half-used.
import { readFile } from 'node:fs/promises';
import type { Ledger, LedgerRelease } from '../deploy/ledger.js';
import { UserError } from '../errors.js';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isRevision = (v: unknown): v is number | null =>
  v === null || (typeof v === 'number' && Number.isInteger(v) && v > 0);

/** Checks parsed JSON against the parts of the Ledger contract verify and rollback read. */
export function parseLedger(json: unknown, file: string): Ledger {
  const bad = (where: string, what: string) =>
    new UserError(
      `${file}: ${where} ${what}`,
      'pass the ledger file written by `release-kit deploy` (or the deploy action) of this run',
    );
  if (!isRecord(json)) throw bad('the file', 'is not a JSON object');
  if (json.version !== 1) throw bad('version', `is ${JSON.stringify(json.version)}, expected 1`);
  if (typeof json.namespace !== 'string' || !json.namespace) throw bad('namespace', 'is missing');
  if (!Array.isArray(json.releases)) throw bad('releases', 'is not a list');
  json.releases.forEach((r: unknown, i) => {
    const at = `releases[${i}]`;
    if (!isRecord(r)) throw bad(at, 'is not an object');
    for (const key of ['component', 'release', 'namespace'] as const) {
      if (typeof r[key] !== 'string' || !r[key]) throw bad(`${at}.${key}`, 'is missing');
    }
    if (!(typeof r.wave === 'number' && Number.isInteger(r.wave) && r.wave >= 1))
      throw bad(`${at}.wave`, `is ${JSON.stringify(r.wave)}, expected an integer >= 1`);
    if (!isRevision(r.previousRevision))
      throw bad(
        `${at}.previousRevision`,
        `is ${JSON.stringify(r.previousRevision)}, expected a revision or null`,
      );
    if (!isRevision(r.revision))
      throw bad(`${at}.revision`, `is ${JSON.stringify(r.revision)}, expected a revision or null`);
    if (typeof r.changed !== 'boolean') throw bad(`${at}.changed`, 'is not true or false');
  });
  return json as unknown as Ledger;
}

export async function readLedger(file: string): Promise<Ledger> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      `cannot read the ledger ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      'pass the ledger file written by `release-kit deploy` (or the deploy action) of this run',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(
      `${file} is not JSON: ${(e as Error).message}`,
      'pass the ledger file written by `release-kit deploy`, unmodified',
    );
  }
  return parseLedger(json, file);
}

/** The releases of the ledger that exist in the cluster (a release that failed before any revision does not). */
export const ledgerReleases = (ledger: Ledger): LedgerRelease[] =>
  ledger.releases.filter((r) => r.revision !== null);
