// One ESM file with @octet/runtime, @octet/onnx and @octet/kernels inlined, and the kernels'
// .wasm next to it in dist/wasm/ (where the loader fetches them by default).
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('..', import.meta.url));
const packages = fileURLToPath(new URL('../..', import.meta.url));

export async function bundle(outdir = `${here}dist`, { minify = true } = {}) {
  await build({
    entryPoints: [`${here}src/index.ts`],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify,
    sourcemap: true,
    outfile: `${outdir}/octet-runtime-web.js`,
    // Node-only branches (fs, worker_threads) are behind runtime checks; never loaded in browsers.
    external: ['node:*'],
    alias: Object.fromEntries(['runtime', 'onnx', 'kernels'].map((p) => [`@octet/${p}`, `${packages}${p}/src/index.ts`])),
    logLevel: 'error',
  });
  mkdirSync(`${outdir}/wasm`, { recursive: true });
  // The newest kernel build (asc writes build/, the package build copies it to dist/wasm/): the
  // .wasm must match the kernel wrappers bundled from source.
  const wasmDir = [`${packages}kernels/dist/wasm`, `${packages}kernels/build`]
    .filter((d) => existsSync(`${d}/octet-kernels-simd.wasm`))
    .sort((a, b) => statSync(`${b}/octet-kernels-simd.wasm`).mtimeMs - statSync(`${a}/octet-kernels-simd.wasm`).mtimeMs)[0];
  if (!wasmDir) throw new Error('kernels are not built: run `npm run build -w @octet/kernels`');
  for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(`${wasmDir}/${f}`, `${outdir}/wasm/${f}`);
  return `${outdir}/octet-runtime-web.js`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(await bundle());
}
