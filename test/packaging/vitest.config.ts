import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { octetAliases, octetProject } from '../../vitest.shared.ts';

// npm pack + npm install (registry, cache first) + the smoke runs: slower than a unit test.
// The test itself reads the fixture's data with `@octet/quantizer/node` (the `/node` entry must
// come before the package's main alias: aliases match by prefix, in order).
const base = octetProject('packaging', { hookTimeout: 300_000 });
export default defineProject({
  ...base,
  resolve: {
    alias: [
      { find: '@octet/quantizer/node', replacement: fileURLToPath(new URL('../../packages/quantizer/src/node.ts', import.meta.url)) },
      ...Object.entries(octetAliases).map(([find, replacement]) => ({ find, replacement })),
    ],
  },
});
