import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Builds the action bundles once per run for every test that runs them (test/support/action-bundles.ts).
    globalSetup: ['test/support/action-bundles-setup.ts'],
    // @actions/workflow-parser imports JSON in a way plain Node 20 rejects; let vite transform it.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
    // Real processes (helm, prometheus, registries) on 2 cores: keep parallelism modest.
    maxWorkers: 2,
  },
});
