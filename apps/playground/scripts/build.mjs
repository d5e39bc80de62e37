// Builds the playground into dist/: public/ (index.html, style.css, app.js = the page,
// worker.js = the quantization worker with @octet/quantizer, @octet/runtime-web and
// @octet/report inlined, wasm/ = the kernels, models/ = the bundled fixtures) and server.js
// (the COOP/COEP static server).
//
//   node scripts/build.mjs                  # production build (minified), @octet/* from their built packages
//   node scripts/build.mjs --dev            # unminified, @octet/* from their TypeScript sources
//   node scripts/build.mjs --dev --watch --serve   # rebuild on change, serve on :8080 (npm run dev)
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, context } from 'esbuild';

const app = fileURLToPath(new URL('..', import.meta.url));
const repo = join(app, '../..');
const require = createRequire(join(app, 'package.json'));

/** Browsers with WebAssembly SIMD, module workers and ES2022. */
export const BROWSER_TARGET = ['es2022', 'chrome114', 'edge114', 'firefox115', 'safari17'];

// @octet/* → each package's src/index.ts (the same entry points, without a prior `tsc` build).
const sourceAliases = Object.fromEntries(
  ['onnx', 'kernels', 'runtime', 'runtime-web', 'quantizer', 'report'].map((p) => [`@octet/${p}`, join(repo, 'packages', p, 'src/index.ts')]),
);

function copyStatic(out, { fromSource }) {
  mkdirSync(join(out, 'public/wasm'), { recursive: true });
  for (const f of ['index.html', 'style.css']) cpSync(join(app, 'src/page', f), join(out, 'public', f));
  // The kernels' .wasm, fetched by the worker from ./wasm/ (its wasmBaseUrl).
  const wasmDir = fromSource ? join(repo, 'packages/kernels/dist/wasm') : dirname(require.resolve('@octet/kernels/wasm/octet-kernels-simd.wasm'));
  // Every variant the kernels ship (simd, relaxed, threads, relaxed-threads, …): the loader picks one at run time.
  for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) cpSync(join(wasmDir, f), join(out, 'public/wasm', f));
  // The bundled models with their data (src/worker/pipeline.ts fetches the same files).
  const { models } = JSON.parse(readFileSync(join(app, 'src/shared/bundled-models.json'), 'utf8'));
  for (const m of models) {
    const perInput = Array.from({ length: m.inputs }, (_, k) => [`calib/input_${k}.pb`, `test/input_${k}.pb`]).flat();
    for (const f of ['model.onnx', 'test/labels.pb', ...perInput]) cpSync(join(repo, 'test-data/fixtures', m.id, f), join(out, 'public/models', m.id, f));
  }
}

function options(out, { dev, fromSource }) {
  const common = {
    bundle: true,
    format: 'esm',
    sourcemap: true,
    minify: !dev,
    logLevel: 'error',
    absWorkingDir: app,
    // Resolve @octet/* as written: aliases to sources, or package exports (no tsconfig `paths`).
    tsconfigRaw: {},
    ...(fromSource ? { alias: sourceAliases } : {}),
  };
  return [
    {
      ...common,
      entryPoints: { app: 'src/page/main.ts', worker: 'src/worker/worker.ts' },
      outdir: join(out, 'public'),
      // Shared code and the lazily imported report renderer become chunk-*.js files.
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      platform: 'browser',
      target: BROWSER_TARGET,
      // Node-only branches of the kernels loader sit behind runtime checks; never loaded in browsers.
      external: ['node:*'],
    },
    { ...common, entryPoints: { server: 'src/server/main.ts' }, outdir: out, platform: 'node', target: 'node20', packages: 'external' },
  ];
}

/** Builds into `out` (default dist/); returns the folder. */
export async function buildPlayground({ out = join(app, 'dist'), dev = false, fromSource = dev } = {}) {
  rmSync(out, { recursive: true, force: true });
  copyStatic(out, { fromSource });
  await Promise.all(options(out, { dev, fromSource }).map((o) => build(o)));
  return out;
}

async function cli(argv) {
  const dev = argv.includes('--dev');
  const out = await buildPlayground({ dev });
  console.log(`playground built into ${out}`);
  if (argv.includes('--watch')) {
    for (const o of options(out, { dev, fromSource: dev })) await (await context(o)).watch();
    console.log('watching src/ for changes (reload the page after an edit)');
  }
  if (argv.includes('--serve')) {
    const { serve } = await import(join(out, 'server.js'));
    const url = await serve(join(out, 'public'), Number(process.env.PORT ?? 8080), '127.0.0.1');
    console.log(`Octet playground on ${url}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  cli(process.argv.slice(2)).catch((e) => {
    console.error(`playground build: ${e.message}`);
    process.exit(1);
  });
}
