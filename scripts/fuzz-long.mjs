#!/usr/bin/env node
// Longer local fuzzing: the CI campaigns (test/fuzz) scaled up, with a seed of your choice.
//   node scripts/fuzz-long.mjs [--scale 20] [--seed N] [--target parsers|engine]
// New failures are written to test-data/fuzz-regressions/<target>/ (commit them: every later
// run replays them). Needs the kernels' .wasm: npm run build -w @octet/kernels.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '20' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
    target: { type: 'string' },
  },
});
const files = values.target ? [`test/fuzz/test/${values.target}.test.ts`] : [];
console.log(`fuzzing with scale ${values.scale}, seed ${values.seed}`);
const r = spawnSync('npx', ['vitest', 'run', '--project', 'fuzz', '--testTimeout', '0', ...files], {
  stdio: 'inherit',
  env: { ...process.env, OCTET_FUZZ_SCALE: values.scale, OCTET_FUZZ_SEED: values.seed },
});
process.exit(r.status ?? 1);
