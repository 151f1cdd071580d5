#!/usr/bin/env node
// Writes the README's action reference (one table of inputs and one of outputs per action.yml)
// between the markers `<!-- action-tables:begin -->` and `<!-- action-tables:end -->`.
// Usage: node scripts/action-tables.mjs [--check]   (--check exits 1 when the README is out of date)
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const begin = '<!-- action-tables:begin -->';
const end = '<!-- action-tables:end -->';

const cell = (text) =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\|/g, '\\|');

export function actionTables() {
  const actions = [
    ['action.yml', 'uses: <owner>/release-kit@v1'],
    ...readdirSync(join(root, 'actions'))
      .sort()
      .map((name) => [join('actions', name, 'action.yml'), `uses: <owner>/release-kit/actions/${name}@v1`]),
  ].filter(([file]) => existsSync(join(root, file)));
  const out = [];
  for (const [file, uses] of actions) {
    const doc = parse(readFileSync(join(root, file), 'utf8'));
    out.push(`### ${doc.name}`, '', `\`${uses}\` ([${file}](${file})) — ${cell(doc.description)}`, '');
    const inputs = Object.entries(doc.inputs ?? {});
    if (inputs.length) {
      out.push('| Input | Required | Default | Description |', '|---|---|---|---|');
      for (const [name, spec] of inputs) {
        const fallback = spec.default === undefined || spec.default === '' ? '' : `\`${cell(spec.default)}\``;
        out.push(
          `| \`${name}\` | ${spec.required ? 'yes' : 'no'} | ${fallback} | ${cell(spec.description)} |`,
        );
      }
      out.push('');
    }
    const outputs = Object.entries(doc.outputs ?? {});
    if (outputs.length) {
      out.push('| Output | Description |', '|---|---|');
      for (const [name, spec] of outputs) out.push(`| \`${name}\` | ${cell(spec.description)} |`);
      out.push('');
    }
  }
  return out.join('\n');
}

/** The README with its action tables regenerated. */
export function updatedReadme(readme) {
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md lacks the markers ${begin} … ${end}`);
  return `${readme.slice(0, from + begin.length)}\n${actionTables()}\n${readme.slice(to)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = join(root, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const next = updatedReadme(readme);
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      console.error('README.md action tables are out of date: run node scripts/action-tables.mjs');
      process.exit(1);
    }
  } else writeFileSync(path, next);
}
