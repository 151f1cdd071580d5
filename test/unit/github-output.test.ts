// The GITHUB_OUTPUT reader of the action tests: what @actions/core writes reads back as set, and a file the
// runner would reject is an error instead of silently missing outputs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGithubOutput } from '../support/action-bundles.js';

const dir = mkdtempSync(join(tmpdir(), 'rk-github-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseGithubOutput', () => {
  it('reads back what @actions/core setOutput wrote, multi-line and JSON values included', () => {
    const file = join(dir, 'output');
    writeFileSync(file, '');
    const saved = process.env.GITHUB_OUTPUT;
    process.env.GITHUB_OUTPUT = file;
    try {
      core.setOutput('verdict', 'pass');
      core.setOutput('ledger', { releases: [1, 2] });
      core.setOutput('reasons', 'line one\n\nline <<three>> = x');
      core.setOutput('empty', '');
    } finally {
      if (saved === undefined) delete process.env.GITHUB_OUTPUT;
      else process.env.GITHUB_OUTPUT = saved;
    }
    expect(parseGithubOutput(readFileSync(file, 'utf8'))).toEqual({
      verdict: 'pass',
      ledger: '{"releases":[1,2]}',
      reasons: 'line one\n\nline <<three>> = x',
      empty: '',
    });
  });

  it('reads name=value lines, lets the first of = and << decide, and skips blank lines', () => {
    expect(parseGithubOutput('a=1\n\nb=x<<y\nc<<EOF\nd=2\nEOF\ne==\n')).toEqual({
      a: '1',
      b: 'x<<y',
      c: 'd=2',
      e: '=',
    });
  });

  it('rejects a block whose delimiter never comes, and a line that is no output', () => {
    expect(() => parseGithubOutput('ok=1\nledger<<EOF\n{"a":1}\n')).toThrow(
      "GITHUB_OUTPUT line 2: 'ledger<<EOF' opens a block whose delimiter never follows",
    );
    expect(() => parseGithubOutput('ok=1\njust text\n')).toThrow(
      "GITHUB_OUTPUT line 2: 'just text' is neither name=value nor name<<DELIMITER",
    );
  });
});
