// Builds @octet/kernels:
//   1. AssemblyScript → build/octet-kernels-{simd,relaxed,threads,relaxed-threads}.wasm (+ .wat for inspection),
//      using the targets in asconfig.json;
//   2. TypeScript → dist/ (tsc -p tsconfig.build.json), unless --wasm-only;
//   3. copies the .wasm files into dist/wasm/ so the published package carries them.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const wasmOnly = process.argv.includes('--wasm-only');
// target name (asconfig.json) → entry file
const targets = { simd: 'assembly/index.ts', relaxed: 'assembly/index-relaxed.ts', threads: 'assembly/index.ts', 'relaxed-threads': 'assembly/index-relaxed.ts' };
const BASELINE_LIMIT = 150 * 1024;

mkdirSync(join(root, 'build'), { recursive: true });
for (const [target, entry] of Object.entries(targets)) {
  const t0 = performance.now();
  const { error, stderr } = await asc.main([join(root, entry), '--config', join(root, 'asconfig.json'), '--target', target], {
    stdout: process.stdout,
    stderr: process.stderr,
  });
  if (error) {
    console.error(`asc failed for target ${target}: ${error.message}`);
    process.exit(1);
  }
  void stderr;
  const file = join(root, 'build', `octet-kernels-${target}.wasm`);
  const size = statSync(file).size;
  console.log(`built ${file.slice(root.length + 1)} ${(size / 1024).toFixed(1)} KiB in ${(performance.now() - t0).toFixed(0)} ms`);
  if (target === 'simd' && size > BASELINE_LIMIT) {
    console.error(`baseline wasm is ${size} bytes, over the ${BASELINE_LIMIT} byte budget`);
    process.exit(1);
  }
}

if (!wasmOnly) {
  const require = createRequire(import.meta.url);
  const tsc = require.resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  mkdirSync(join(root, 'dist', 'wasm'), { recursive: true });
  for (const f of readdirSync(join(root, 'build'))) {
    if (f.endsWith('.wasm') && !f.includes('debug')) copyFileSync(join(root, 'build', f), join(root, 'dist', 'wasm', f));
  }
  console.log('copied wasm into dist/wasm/');
}
