// Bundle size (not a test): what a browser app ships to run one int8 model with Octet
// (onnxruntime-common + @octet/runtime-web) vs onnxruntime-web alone. Each app (apps/*.mjs) is
// bundled with esbuild (minified, ES2022, code splitting), then loaded in Chromium, which creates a session and
// runs the model once; the JS and .wasm files the page actually fetched are the app's payload,
// measured raw, gzip (level 9) and brotli (quality 11) with node:zlib.
//
//   flock /tmp/octet-bench.lock node benchmarks/bundle-size/run.mjs [--no-chromium] [--no-splitting]
// --no-splitting bundles each app into one file (dynamic imports inlined: what a page fetches from
// a bundler without code splitting) and writes results/bundle-size-no-splitting.json instead.
// Needs `npm run build` (dist of @octet/runtime-web and its dependencies). Writes
// benchmarks/results/bundle-size.json. --no-chromium (or no Chromium) falls back to the files
// each runtime is documented to fetch, and says so in the results.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, version as esbuildVersion } from 'esbuild';
import { decodeTensorProto, tensorValues } from '@octet/onnx';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const TARGET = 'es2022';
const withChromium = !process.argv.includes('--no-chromium');
const splitting = !process.argv.includes('--no-splitting');
const pkgDir = (name) => {
  // the package folder (exports may not expose package.json)
  let d = dirname(fileURLToPath(import.meta.resolve(name)));
  while (!existsSync(join(d, 'package.json'))) d = dirname(d);
  return d;
};
const version = (name) => JSON.parse(readFileSync(join(pkgDir(name), 'package.json'), 'utf8')).version;
const ortWebDist = join(pkgDir('onnxruntime-web'), 'dist');
const octetWasmDir = join(pkgDir('@octet/runtime-web'), 'dist', 'wasm');

// Files a page may fetch next to its bundle, by URL path; only the fetched ones count.
const POOL = {
  octet: Object.fromEntries(readdirSync(octetWasmDir).map((f) => [`/wasm/${f}`, join(octetWasmDir, f)])),
  ort: Object.fromEntries(readdirSync(ortWebDist).filter((f) => /^ort-wasm.*\.(wasm|mjs)$/.test(f)).map((f) => [`/${f}`, join(ortWebDist, f)])),
};
// Without a browser: the file each runtime loads on a single-threaded page (baseline SIMD build).
const DOCUMENTED = { octet: ['/wasm/octet-kernels-simd.wasm'], ort: ['/ort-wasm-simd-threaded.wasm'] };

const APPS = [
  { id: 'octet', label: 'Octet (onnxruntime-common + @octet/runtime-web)', entry: 'octet.mjs', pool: 'octet', ep: 'octet' },
  { id: 'ort-web-wasm', label: 'onnxruntime-web/wasm', entry: 'ort-web-wasm.mjs', pool: 'ort', ep: 'wasm' },
  { id: 'ort-web', label: 'onnxruntime-web (default entry)', entry: 'ort-web.mjs', pool: 'ort', ep: 'wasm' },
];

// The model the apps run: the int8 (QDQ) MobileNetV2 fixture, one row of its test set.
const fixture = join(repo, 'test-data/fixtures/mobilenetv2_digits');
const modelBytes = readFileSync(join(fixture, 'ref/ort_qdq.onnx'));
const t = decodeTensorProto(new Uint8Array(readFileSync(join(fixture, 'test/input_0.pb'))));
const dims = [1, ...t.dims.slice(1).map(Number)];
const row = Array.from(tensorValues(t).slice(0, dims.reduce((a, b) => a * b, 1)));
const inputJson = JSON.stringify({ name: JSON.parse(readFileSync(join(fixture, 'ref/metrics.json'), 'utf8')).inputs[0], type: 'float32', dims, data: row });

// Brotli at quality 11 on ONNX Runtime's 14 MB .wasm takes a while: cache by content.
const cacheDir = join(repo, '.bench-tmp', 'bundle-size');
function sizes(bytes) {
  const key = createHash('sha256').update(bytes).digest('hex');
  const cached = join(cacheDir, `${key}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8'));
  const s = {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length,
  };
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cached, JSON.stringify(s));
  return s;
}

async function bundleApp(app, outdir) {
  const r = await build({
    entryPoints: [join(here, 'apps', app.entry)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: TARGET,
    minify: true,
    // Code splitting, as an app bundler does: what a runtime imports dynamically (Octet's
    // signature verification, kernel thread pools) becomes chunks the page fetches only if used.
    splitting,
    chunkNames: '[name]-[hash]',
    // Node-only branches (fs, worker_threads) sit behind runtime checks and are never loaded by a page.
    external: ['node:*'],
    outdir,
    entryNames: app.id,
    metafile: true,
    logLevel: 'error',
  });
  const files = {};
  const packagesOf = {};
  for (const [out, meta] of Object.entries(r.metafile.outputs)) {
    const name = out.split('/').pop();
    files[`/${name}`] = join(outdir, name);
    const byPackage = (packagesOf[`/${name}`] = {});
    for (const [input, { bytesInOutput }] of Object.entries(meta.inputs)) byPackage[packageOf(input)] = (byPackage[packageOf(input)] ?? 0) + bytesInOutput;
  }
  return { files, packagesOf };
}

/** Minified bytes per source package over the given bundle outputs, largest first. */
function jsByPackage(app, paths) {
  const sum = {};
  for (const p of paths) for (const [k, v] of Object.entries(app.packagesOf[p] ?? {})) sum[k] = (sum[k] ?? 0) + v;
  return Object.fromEntries(Object.entries(sum).sort((a, b) => b[1] - a[1]));
}

// The package a bundled input file belongs to: node_modules/<name> (resolved through workspace
// links, so @octet/* show as packages/<dir>), or this suite's own app code.
function packageOf(input) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (m) return m[1];
  const w = /(?:^|\/)packages\/([^/]+)\//.exec(input);
  if (w) return `@octet/${w[1]}`;
  return 'app';
}

async function loadInChromium(apps) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const out = { browser: browser.version(), apps: {} };
  try {
    for (const app of apps) {
      const page = await browser.newPage();
      const fetched = [];
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.route('https://octet.bench/**', (route) => {
        const path = new URL(route.request().url()).pathname;
        const type = path.endsWith('.wasm') ? 'application/wasm' : /\.m?js$/.test(path) ? 'text/javascript' : path.endsWith('.json') ? 'application/json' : 'text/html';
        const file = app.files[path] ?? POOL[app.pool][path];
        if (path === '/index.html') return route.fulfill({ body: `<!doctype html><meta charset="utf-8"><title>${app.id}</title><script type="module" src="/${app.id}.js"></script>`, contentType: type });
        if (path === '/model.onnx') return route.fulfill({ body: modelBytes, contentType: 'application/octet-stream' });
        if (path === '/input.json') return route.fulfill({ body: inputJson, contentType: type });
        if (!file) return route.fulfill({ status: 404, body: '' });
        fetched.push(path);
        return route.fulfill({ body: readFileSync(file), contentType: type });
      });
      await page.goto('https://octet.bench/index.html');
      await page.waitForFunction(() => typeof window.__run === 'function', null, { timeout: 60_000 });
      const result = await page.evaluate(() => window.__run());
      await page.close();
      if (errors.length) throw new Error(`${app.id}: page errors: ${errors.join('; ')}`);
      out.apps[app.id] = { fetched: [...new Set(fetched)], result };
    }
  } finally {
    await browser.close();
  }
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'octet-bundle-size-'));
try {
  for (const app of APPS) Object.assign(app, await bundleApp(app, join(work, app.id)));
  let chromium = null;
  let fallbackReason = null;
  if (withChromium) {
    try {
      chromium = await loadInChromium(APPS);
    } catch (e) {
      fallbackReason = `Chromium run failed: ${String(e?.message ?? e).split('\n')[0]}`;
      console.error(fallbackReason);
    }
  } else fallbackReason = '--no-chromium';

  const apps = APPS.map((app) => {
    // Without a browser every JS output counts (lazy chunks included: an upper bound).
    const paths = chromium ? chromium.apps[app.id].fetched : [...Object.keys(app.files).filter((p) => p.endsWith('.js')), ...DOCUMENTED[app.pool]];
    const notFetched = Object.keys(app.files).filter((p) => p.endsWith('.js') && !paths.includes(p));
    const files = paths.map((p) => {
      const file = app.files[p] ?? POOL[app.pool][p];
      return { path: p, kind: p.endsWith('.wasm') ? 'wasm' : 'js', ...sizes(readFileSync(file)) };
    });
    const total = (kind) => {
      const fs = files.filter((f) => !kind || f.kind === kind);
      return { raw: fs.reduce((a, f) => a + f.raw, 0), gzip: fs.reduce((a, f) => a + f.gzip, 0), brotli: fs.reduce((a, f) => a + f.brotli, 0) };
    };
    // Chunks the bundle holds but this page never fetched (e.g. Octet's signature verification, loaded only with a publicKey).
    const lazyChunks = notFetched.map((p) => ({ path: p, ...sizes(readFileSync(app.files[p])), jsByPackage: jsByPackage(app, [p]) }));
    return { id: app.id, label: app.label, executionProvider: app.ep, files, jsByPackage: jsByPackage(app, paths), js: total('js'), wasm: total('wasm'), total: total(), lazyChunks, ran: chromium?.apps[app.id].result ?? null };
  });
  const result = {
    suite: 'bundle-size',
    date: new Date().toISOString(),
    node: process.version,
    esbuild: esbuildVersion,
    target: TARGET,
    versions: { 'onnxruntime-web': version('onnxruntime-web'), 'onnxruntime-common': version('onnxruntime-common') },
    chromium: chromium?.browser ?? null,
    measuredIn: chromium ? 'chromium' : 'documented',
    fallbackReason,
    model: 'mobilenetv2_digits/ort_qdq (int8 QDQ), batch 1',
    splitting,
    method: `esbuild bundle (minified, target es2022, ${splitting ? 'code splitting' : 'one file, no code splitting'}) of apps/<id>.mjs; files = the entry plus the JS chunks and .wasm the page fetched to create a session and run once (1 thread, main thread, no cross-origin isolation); gzip level 9 and brotli quality 11 per file (node:zlib)`,
    apps,
  };
  console.log('| app | JS raw / gzip / brotli (KB) | .wasm raw / gzip / brotli (KB) | fetched |');
  console.log('|---|---|---|---|');
  const kb = (s) => `${(s.raw / 1024).toFixed(1)} / ${(s.gzip / 1024).toFixed(1)} / ${(s.brotli / 1024).toFixed(1)}`;
  for (const a of apps) console.log(`| ${a.label} | ${kb(a.js)} | ${kb(a.wasm)} | ${a.files.map((f) => f.path).join(', ')} |`);
  for (const a of apps) for (const c of a.lazyChunks) console.log(`${a.id}: not fetched ${c.path} ${kb(c)} KB (${Object.keys(c.jsByPackage).join(', ')})`);
  const dir = join(here, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const name = splitting ? 'bundle-size.json' : 'bundle-size-no-splitting.json';
  const tmp = join(dir, `.${name}.${process.pid}`);
  writeFileSync(tmp, JSON.stringify(result, null, 1));
  renameSync(tmp, join(dir, name));
} finally {
  rmSync(work, { recursive: true, force: true });
}
