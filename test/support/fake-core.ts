// A typed stand-in for @actions/core, for entry-point tests: inputs come from `fakeCore.inputs`, and
// outputs, annotations, failures, logs and the job summary are recorded for assertions. Use it with
//   vi.mock('@actions/core', () => import('../support/fake-core.js'));
// Each exported function has the real function's type, so a signature change breaks the build.
import type * as Core from '@actions/core';

type TableRow = Parameters<typeof Core.summary.addTable>[0][number];

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  properties?: Core.AnnotationProperties;
}

function createState() {
  return {
    inputs: {} as Record<string, string>,
    outputs: {} as Record<string, unknown>,
    annotations: [] as Annotation[],
    failed: [] as string[],
    logs: [] as string[],
    secrets: [] as string[],
    /** The job summary written so far, as the HTML the real summary produces. */
    summary: '',
    /** Summary content added but not yet written. */
    buffer: '',
    reset(inputs: Record<string, string> = {}): void {
      Object.assign(this, createState(), { inputs: { ...inputs } });
    },
  };
}

// One state for every copy of this module: tests that re-import an entry point (vi.resetModules)
// get a fresh module instance, and its calls must land where the test looks.
const shared = globalThis as { __releaseKitFakeCore?: ReturnType<typeof createState> };
shared.__releaseKitFakeCore ??= createState();
export const fakeCore = shared.__releaseKitFakeCore;

const text = (m: string | Error): string => (m instanceof Error ? m.message : m);

export const getInput: typeof Core.getInput = (name, options) => {
  const value = fakeCore.inputs[name] ?? '';
  if (options?.required && value === '') throw new Error(`Input required and not supplied: ${name}`);
  return options?.trimWhitespace === false ? value : value.trim();
};
export const setOutput: typeof Core.setOutput = (name, value) => {
  fakeCore.outputs[name] = value;
};
export const setFailed: typeof Core.setFailed = (message) => {
  fakeCore.failed.push(text(message));
};
export const setSecret: typeof Core.setSecret = (secret) => {
  fakeCore.secrets.push(secret);
};
export const error: typeof Core.error = (message, properties) => {
  fakeCore.annotations.push({ level: 'error', message: text(message), properties });
};
export const warning: typeof Core.warning = (message, properties) => {
  fakeCore.annotations.push({ level: 'warning', message: text(message), properties });
};
export const notice: typeof Core.notice = (message, properties) => {
  fakeCore.annotations.push({ level: 'notice', message: text(message), properties });
};
export const info: typeof Core.info = (message) => {
  fakeCore.logs.push(message);
};
export const debug: typeof Core.debug = (message) => {
  fakeCore.logs.push(`debug: ${message}`);
};
export const isDebug: typeof Core.isDebug = () => false;
export const group: typeof Core.group = async (name, fn) => {
  fakeCore.logs.push(`group: ${name}`);
  return fn();
};

const cellHtml = (cell: TableRow[number]): string =>
  typeof cell === 'string'
    ? `<td>${cell}</td>`
    : cell.header
      ? `<th>${cell.data}</th>`
      : `<td>${cell.data}</td>`;

/** The parts of core.summary release-kit uses, rendering the same HTML as the real one. */
const fakeSummary = {
  addHeading(text: string, level: number | string = 1) {
    fakeCore.buffer += `<h${level}>${text}</h${level}>\n`;
    return this;
  },
  addRaw(text: string, addEOL = false) {
    fakeCore.buffer += addEOL ? `${text}\n` : text;
    return this;
  },
  addTable(rows: TableRow[]) {
    fakeCore.buffer += `<table>${rows.map((row) => `<tr>${row.map(cellHtml).join('')}</tr>`).join('')}</table>\n`;
    return this;
  },
  async write() {
    fakeCore.summary += fakeCore.buffer;
    fakeCore.buffer = '';
    return this;
  },
};
export const summary = fakeSummary as unknown as typeof Core.summary;
