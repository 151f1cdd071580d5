// `npm run demo` is the first thing a newcomer runs: it must deploy the 7 releases in 4 waves, catch the
// faulty memory image through the real Prometheus in the verification of wave 2 (waves 3-4 of that deploy
// never start), roll back memory only, pass again, and clean up.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runReleaseKit } from '../support/cli.js';
import { systemBinary } from '../support/tools.js';

describe('release-kit demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rk-demo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('deploys in waves, catches the faulty memory release after wave 2, rolls back memory only, and verifies again', async () => {
    systemBinary('prometheus'); // the metric gate needs the real Prometheus: fail loudly without it
    const report = join(dir, 'report.md');
    const { exitCode, stdout, stderr } = await runReleaseKit(['demo', '--report', report], {
      timeout: 300_000,
    });
    const output = `${stderr}\n${stdout}`;
    expect(exitCode, output).toBe(0);
    for (const wave of [
      'wave 1/4: faiss, neo4j, redis',
      'wave 2/4: memory, storage',
      'wave 3/4: api',
      'wave 4/4: gateway',
    ]) {
      expect(output).toContain(wave);
    }
    // The faulty deploy is verified after wave 2 and stops there: api and gateway are deployed only once.
    expect(output).toContain('== Verification of wave 2 (memory)');
    expect(output.split('wave 3/4: api')).toHaveLength(2);
    expect(output).toMatch(/ {2}wave 2 \(memory, storage\): FAIL \(decision: rollback\)/);
    expect(output).toContain('  wave 3 (api): not started\n  wave 4 (gateway): not started');
    expect(output).toMatch(
      /FAIL +memory:error_ratio +3 consecutive failing evaluations; last: error ratio 20\.00%/,
    );
    expect(output).toContain('rolled back memory-system-memory (memory) 2 -> 1');
    expect(output).not.toMatch(/rolled back memory-system-(api|storage|gateway|faiss|neo4j|redis)/);
    expect(output).toMatch(/after the rollback:\nPASS/);
    const markdown = readFileSync(report, 'utf8');
    expect(markdown).toContain('## 6. Verification of wave 2, which stopped the faulty deploy');
    expect(markdown).toContain('  wave 3 (api): not started');
    expect(markdown).toContain('### Rollback: ');
    expect(markdown).toContain('xychart-beta');
  }, 300_000);
});
