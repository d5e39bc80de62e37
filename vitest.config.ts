import { defineConfig } from 'vitest/config';

// One root config; each package is a project with its own vitest.config.ts
// (tests live beside the code as *.test.ts, integration suites under test/).
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'test/*/vitest.config.ts', 'benchmarks/vitest.config.mts'],
  },
});
