// Reads configuration text as YAML and keeps the node positions, so every problem can name its line.
// Everything that makes a file unreadable as a configuration (too large, binary, empty, bad YAML
// syntax, several documents, not a mapping) becomes one problem here, before any schema check.
import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
} from 'yaml';
import type { PathSegment } from './problems.js';

export const MAX_CONFIG_BYTES = 5 * 1024 * 1024;

export interface Position {
  line: number;
  column: number;
}

export interface ReadProblem extends Position {
  message: string;
  hint: string;
}

export type ReadResult =
  | { ok: true; data: Record<string, unknown>; source: SourceMap }
  | { ok: false; problem: ReadProblem };

export interface Located extends Position {
  /** How many leading segments of the path exist in the file. */
  depth: number;
  /** Whether the deepest existing node is a mapping (a deep merge goes on below it). */
  endsInMap: boolean;
}

const SYNTAX_HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'each key may appear only once in a mapping; remove or rename one of them',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BAD_INDENT: 'check the indentation, and that every bracket and quote is closed',
  MISSING_CHAR: 'close the quote, bracket or brace that was opened',
  BLOCK_AS_IMPLICIT_KEY: 'a value holding ": " must be quoted, e.g. name: "a: b"',
  UNEXPECTED_TOKEN: 'remove the stray character, or quote the value that holds it',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; check the indentation and a missing ":"',
};

const at = (line: number, column: number, message: string, hint: string): ReadResult => ({
  ok: false,
  problem: { line, column, message, hint },
});

export function readYaml(text: string): ReadResult {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_CONFIG_BYTES) {
    return at(
      1,
      1,
      `the file is ${(bytes / 1024 / 1024).toFixed(1)} MB; a release configuration may be at most ${MAX_CONFIG_BYTES / 1024 / 1024} MB`,
      'check that --config names the release configuration, not a data file',
    );
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point here.
  const binary = /[\u0000-\u0008\u000e-\u001f\ufffd]/.exec(text);
  if (binary) {
    const before = text.slice(0, binary.index);
    const line = before.split('\n').length;
    return at(
      line,
      binary.index - before.lastIndexOf('\n'),
      'the file is not UTF-8 text (it holds binary data)',
      'check that --config names the YAML release configuration',
    );
  }
  const lineCounter = new LineCounter();
  const yaml = text.replace(/^\ufeff/, '');
  const docs = parseAllDocuments(yaml, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const first = list[0];
  const second = list[1];
  if (second) {
    // Point at the "---" that starts the second document, not at its first key.
    const marker = yaml.lastIndexOf('\n---', second.range[0]);
    const { line, column } = position(marker >= 0 ? marker + 1 : second.range[0]);
    return at(
      line,
      column,
      `the file holds ${list.length} YAML documents; a release configuration is one document`,
      'remove the "---" separators, or move each configuration to its own file',
    );
  }
  const error = first?.errors[0];
  if (error) {
    const { line, column } = position(error.pos[0]);
    const message = error.message.split('\n')[0] as string;
    return at(
      line,
      column,
      `YAML syntax error: ${message}`,
      SYNTAX_HINTS[error.code] ?? 'fix the YAML syntax',
    );
  }
  if (!first || first.contents === null) {
    return at(1, 1, 'the file is empty', 'start from examples/memory-system.yaml in release-kit');
  }
  if (!isMap(first.contents)) {
    const { line, column } = position(first.contents.range?.[0] ?? 0);
    const kind = isSeq(first.contents) ? 'a list' : 'a single value';
    return at(
      line,
      column,
      `the top level is ${kind}; a release configuration is a mapping of keys (version, name, services, ...)`,
      'start from examples/memory-system.yaml in release-kit',
    );
  }
  let data: unknown;
  try {
    data = first.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return at(1, 1, `the YAML cannot be expanded: ${(e as Error).message}`, 'use fewer YAML aliases (*name)');
  }
  return { ok: true, data: data as Record<string, unknown>, source: new SourceMap(first, position) };
}

/** Finds the line and column of a configuration path in the parsed file. */
export class SourceMap {
  constructor(
    private readonly doc: Document,
    private readonly position: (offset: number) => Position,
  ) {}

  locate(path: readonly PathSegment[], target: 'key' | 'value' = 'value'): Located {
    let node = this.deref(this.doc.contents);
    let keyNode: Node | undefined;
    let depth = 0;
    for (const segment of path) {
      const next = this.child(node, segment);
      if (!next) break;
      ({ node, keyNode } = next);
      depth++;
    }
    const complete = depth === path.length;
    // A scalar value is pointed at itself; a key, a collection or an empty value at its key.
    const pointAtValue = complete && target === 'value' && isScalar(node) && node.range;
    const chosen = pointAtValue || !keyNode ? node : keyNode;
    const offset = chosen?.range?.[0] ?? keyNode?.range?.[0] ?? 0;
    return { ...this.position(offset), depth, endsInMap: isMap(node) };
  }

  private child(node: Node | null, segment: PathSegment): { node: Node | null; keyNode?: Node } | undefined {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        const name = isScalar(key) ? String(key.value) : String(key);
        if (name === String(segment)) {
          return { node: this.deref(pair.value as Node | null), keyNode: key ?? undefined };
        }
      }
      return undefined;
    }
    if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      return item === undefined ? undefined : { node: this.deref(item) };
    }
    return undefined;
  }

  private deref(node: Node | null | undefined): Node | null {
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      return isCollection(target) || isScalar(target) ? target : null;
    }
    return node ?? null;
  }
}
