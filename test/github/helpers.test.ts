// The shared GitHub-side helpers, against the typed fake of @actions/core.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../src/errors.js';
import { annotateProblems, workspacePath } from '../../src/github/annotations.js';
import { getBooleanInput, getOptionalInput, getRequiredInput } from '../../src/github/inputs.js';
import { runAction } from '../../src/github/run.js';
import { escapeHtml, summaryTable, writeSummary } from '../../src/github/summary.js';
import { log, setLogger, terminalLogger } from '../../src/log.js';
import { fakeCore } from '../support/fake-core.js';

vi.mock('@actions/core', () => import('../support/fake-core.js'));

beforeEach(() =>
  fakeCore.reset({ config: '  release.yaml ', blank: '   ', yes: 'True', no: 'FALSE', maybe: 'yes' }),
);
afterEach(() => {
  vi.unstubAllEnvs();
  setLogger(terminalLogger());
});

describe('inputs', () => {
  it('trims values and treats blank as missing', () => {
    expect(getRequiredInput('config')).toBe('release.yaml');
    expect(getOptionalInput('blank')).toBeUndefined();
    expect(getOptionalInput('absent')).toBeUndefined();
  });

  it('names a missing required input', () => {
    expect(() => getRequiredInput('blank')).toThrow(
      new UserError("the input 'blank' is required", 'set it under "with:" in the workflow step'),
    );
  });

  it('parses booleans as YAML 1.2 writes them and rejects anything else', () => {
    expect(getBooleanInput('yes', false)).toBe(true);
    expect(getBooleanInput('no', true)).toBe(false);
    expect(getBooleanInput('absent', true)).toBe(true);
    expect(() => getBooleanInput('maybe', false)).toThrow(
      "the input 'maybe' must be true or false, got 'yes'",
    );
  });
});

describe('annotations', () => {
  it('makes paths relative to the workspace, leaving others alone', () => {
    expect(workspacePath('/home/runner/work/repo/release.yaml', '/home/runner/work/repo')).toBe(
      'release.yaml',
    );
    expect(workspacePath('/etc/release.yaml', '/home/runner/work/repo')).toBe('/etc/release.yaml');
    expect(workspacePath('conf/release.yaml', '/home/runner/work/repo')).toBe('conf/release.yaml');
  });

  it('annotates each problem at its file, line and column', () => {
    vi.stubEnv('GITHUB_WORKSPACE', '/ws');
    annotateProblems(
      [
        {
          file: '/ws/release.yaml',
          line: 7,
          column: 3,
          path: 'services.api',
          message: 'bad',
          hint: 'fix it',
        },
      ],
      'release configuration',
    );
    expect(fakeCore.annotations).toEqual([
      {
        level: 'error',
        message: 'services.api: bad (fix it)',
        properties: { title: 'release configuration', file: 'release.yaml', startLine: 7, startColumn: 3 },
      },
    ]);
  });
});

describe('summary', () => {
  it('escapes HTML in every cell', () => {
    expect(escapeHtml(`<service>_replicas & "x" 'y'`)).toBe(
      '&lt;service&gt;_replicas &amp; &quot;x&quot; &#39;y&#39;',
    );
    expect(summaryTable(['A<b>'], [['<i>']])).toEqual([
      [{ data: 'A&lt;b&gt;', header: true }],
      ['&lt;i&gt;'],
    ]);
  });

  it('writes nothing outside a workflow run', async () => {
    vi.stubEnv('GITHUB_STEP_SUMMARY', '');
    await writeSummary((s) => s.addHeading('x'));
    expect(fakeCore.summary).toBe('');
    expect(fakeCore.logs).toContain('debug: no job summary: GITHUB_STEP_SUMMARY is not set');
  });

  it('writes the summary in a workflow run', async () => {
    vi.stubEnv('GITHUB_STEP_SUMMARY', '/tmp/summary');
    await writeSummary((s) => s.addHeading('Done', 2));
    expect(fakeCore.summary).toBe('<h2>Done</h2>\n');
  });
});

describe('runAction', () => {
  it('fails the step with the message and hint of a user error', async () => {
    await runAction(async () => {
      throw new UserError('the input x is wrong', 'set x');
    });
    expect(fakeCore.failed).toEqual(['the input x is wrong (set x)']);
  });

  it('fails the step with a stack trace for a bug', async () => {
    await runAction(async () => {
      throw new TypeError('undefined is not a function');
    });
    expect(fakeCore.failed).toHaveLength(1);
    expect(fakeCore.failed[0]).toMatch(
      /^internal error \(a bug in release-kit, please report it\): TypeError: undefined is not a function\n\s+at /,
    );
  });

  it('sends the log facade to the runner', async () => {
    await runAction(async () => {
      log.info('hello');
      log.warn('careful');
    });
    expect(fakeCore.logs).toContain('hello');
    expect(fakeCore.annotations).toEqual([{ level: 'warning', message: 'careful', properties: undefined }]);
    expect(fakeCore.failed).toEqual([]);
  });
});
