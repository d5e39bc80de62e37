import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { octetAliases, octetProject } from '../../vitest.shared.ts';

// octetProject's aliases cover each package's main entry; this app also uses the `/node` entries
// of the quantizer and the report, which must come first (aliases match by prefix, in order).
const src = (p: string) => fileURLToPath(new URL(`../../packages/${p}`, import.meta.url));
const base = octetProject('app-tabular-regression');

export default defineProject({
  ...base,
  resolve: {
    alias: [
      { find: '@octet/quantizer/node', replacement: src('quantizer/src/node.ts') },
      { find: '@octet/report/node', replacement: src('report/src/node.ts') },
      ...Object.entries(octetAliases).map(([find, replacement]) => ({ find, replacement })),
    ],
  },
});
