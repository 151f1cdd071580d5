// vitest globalSetup: bundles every action (and the CLI) once per test run into a temporary checkout of the
// action, laid out as GitHub checks out release-kit: dist/<name>/index.js with a package.json named
// release-kit and charts/ (schemas/) beside dist/, which is how a bundle finds its chart. Tests reach it
// through test/support/action-bundles.ts; test/unit/dist.test.ts keeps its own build (it compares builds).
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { packageRoot } from '../../src/util/paths.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The temporary action checkout, or why building it failed (told to the tests that need it). */
    releaseKitActionCheckout: { path: string } | { buildError: string };
  }
}

/** Builds the bundles into `checkout`; a broken source fails only the tests that run bundles, not the run. */
async function build(checkout: string): Promise<{ path: string } | { buildError: string }> {
  try {
    // A JavaScript module without type declarations: imported by path, its one export typed here.
    const { buildAll } = (await import(join(packageRoot(), 'scripts', 'build.mjs'))) as {
      buildAll: (outdir: string) => Promise<string[]>;
    };
    await buildAll(join(checkout, 'dist'));
    return { path: checkout };
  } catch (e) {
    return { buildError: e instanceof Error ? e.message : String(e) };
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const checkout = mkdtempSync(join(tmpdir(), 'rk-action-checkout-'));
  writeFileSync(
    join(checkout, 'package.json'),
    JSON.stringify({ name: 'release-kit', private: true, type: 'module' }),
  );
  for (const d of ['charts', 'schemas']) symlinkSync(join(packageRoot(), d), join(checkout, d));
  project.provide('releaseKitActionCheckout', await build(checkout));
  // In watch mode the sources change between runs: rebuild so reruns test the current code.
  project.onTestsRerun(async () => project.provide('releaseKitActionCheckout', await build(checkout)));
  return () => rmSync(checkout, { recursive: true, force: true });
}
