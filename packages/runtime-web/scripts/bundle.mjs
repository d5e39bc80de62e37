// One ESM file with @octet/runtime, @octet/onnx and @octet/kernels inlined, and the kernels'
// .wasm next to it in dist/wasm/ (where the loader fetches them by default). Signature
// verification (@octet/signature + @noble) is a separate chunk in dist/chunks/, imported by the
// main file only when a session is given a `publicKey`.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('..', import.meta.url));
const packages = fileURLToPath(new URL('../..', import.meta.url));

export async function bundle(outdir = `${here}dist`, { minify = true } = {}) {
  rmSync(`${outdir}/chunks`, { recursive: true, force: true }); // no stale chunks from an earlier build
  const { metafile } = await build({
    entryPoints: { 'octet-runtime-web': `${here}src/index.ts` },
    bundle: true,
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'browser',
    target: 'es2022',
    minify,
    sourcemap: true,
    outdir,
    metafile: true,
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
  return { file: `${outdir}/octet-runtime-web.js`, ...splitOf(metafile, outdir) };
}

/**
 * Which bundled files the main file loads up front (itself and its static imports, transitively)
 * and which only through a dynamic import; paths relative to `outdir`, inputs by source path.
 */
export function splitOf(metafile, outdir) {
  const outputs = Object.fromEntries(Object.entries(metafile.outputs).filter(([o]) => o.endsWith('.js')).map(([o, m]) => [relative(outdir, o), m]));
  const main = 'octet-runtime-web.js';
  const upFront = new Set();
  const visit = (o) => {
    if (upFront.has(o)) return;
    upFront.add(o);
    for (const i of outputs[o].imports) if (i.kind === 'import-statement' && !i.external) visit(relative(outdir, i.path));
  };
  visit(main);
  const inputsOf = (files) => [...new Set(files.flatMap((o) => Object.keys(outputs[o].inputs)))];
  const lazy = Object.keys(outputs).filter((o) => !upFront.has(o));
  return { upFront: [...upFront], lazy, upFrontInputs: inputsOf([...upFront]), lazyInputs: inputsOf(lazy), inputsByChunk: Object.fromEntries(Object.entries(outputs).map(([o, m]) => [o, Object.keys(m.inputs)])) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log((await bundle()).file);
}
