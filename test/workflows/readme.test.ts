// The README is what a platform engineer reads first: its action tables must say what the action.yml
// files say, and its two quickstart commands must be the ones CI runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/paths.js';

const root = packageRoot();
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe('README', () => {
  it('has action tables equal to the action.yml files (run `node scripts/action-tables.mjs`)', async () => {
    const { updatedReadme } = await import(join(root, 'scripts', 'action-tables.mjs'));
    const readme = read('README.md');
    expect(updatedReadme(readme)).toBe(readme);
    for (const name of ['validate', 'build-push', 'deploy', 'verify', 'rollback', 'backup', 'restore']) {
      expect(readme).toContain(`release-kit/actions/${name}@v1`);
    }
  });

  it('quickstart: the demo command exists and the test command is what .ci/run runs', () => {
    const quickstart = read('README.md').split('## Quickstart')[1]?.split('\n## ')[0] ?? '';
    const commands = [...quickstart.matchAll(/^(\S.*?)\s+#/gm)].map((m) => m[1]);
    expect(commands).toEqual(['npm ci && npm run demo', 'bash .ci/run']);
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.demo).toContain('demo');
    const ci = read('.ci/run');
    expect(ci).toMatch(/^npm ci\b/m);
    expect(ci).toMatch(/^npm test$/m);
  });
});
