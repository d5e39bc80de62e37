// Peer process: Chromium (playwright-core, /usr/bin/chromium), one cross-origin isolated page
// (COOP/COEP headers from a local HTTP server) running, one after the other:
//   octet-chromium-1t  @octet/runtime on the kernels' 'auto' build (relaxed SIMD when the probe
//                      passes) in a Web Worker,
//   octet-chromium-2t  the threads build with one extra Web Worker (its pool must block, so the
//                      session runs in a Web Worker too),
//   ort-web-chromium   onnxruntime-web 1.30, wasm, 1 thread, on the page, the same model file.
// One JSON line out: { peer: 'chromium', browser, peers: { <id>: { variant?, results: { <case>: { ms } | { error } } } } }.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CASES, feeds, modelPath } from './cases.mjs';
import { ensureMiniLM } from './minilm.mjs';
import { medianMs } from './timing.mjs';

const arg = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const only = arg('--case');
const peersWanted = (arg('--peers') ?? 'octet-chromium-1t,octet-chromium-2t,ort-web-chromium').split(',');
const kernelsDist = dirname(fileURLToPath(import.meta.resolve('@octet/kernels')));
const ortDist = dirname(fileURLToPath(import.meta.resolve('onnxruntime-web')));
const cases = CASES.filter((c) => !only || c.id.startsWith(only));
if (cases.some((c) => c.model === 'minilm_l6')) await ensureMiniLM();

const octetBundle = (
  await build({
    stdin: { contents: "export { loadKernels } from '@octet/kernels'; export { createSession } from '@octet/runtime';", resolveDir: process.cwd(), loader: 'js' },
    bundle: true, format: 'iife', globalName: 'Octet', platform: 'browser', external: ['node:*'], write: false, logLevel: 'silent',
  })
).outputFiles[0].text;

const b64 = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const pageCases = cases.map((c) => ({
  id: c.id,
  url: `/models/${c.model}/${c.variant}.onnx`,
  feeds: feeds(c.model, c.batch).map((t) => ({ name: t.name, type: t.type, dims: t.dims, data: b64(t.data) })),
}));

// Shared by the page and the worker: decode feeds, time one peer over every case.
const common = `
const decode = (f) => {
  const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
  return { type: f.type, dims: f.dims, data: f.type === 'int64' ? new BigInt64Array(bytes.buffer) : new Float32Array(bytes.buffer) };
};
const medianMs = ${medianMs.toString()};
async function timeCases(cases, open, wrap) {
  const results = {};
  for (const c of cases) {
    try {
      const bytes = new Uint8Array(await (await fetch(c.url)).arrayBuffer());
      const s = await open(bytes);
      const f = Object.fromEntries(c.feeds.map((t) => [t.name, wrap(decode(t))]));
      results[c.id] = { ms: await medianMs(() => s.run(f)) };
      await (s.release ?? s.dispose).call(s);
    } catch (e) {
      results[c.id] = { error: String(e?.message ?? e).slice(0, 200) };
    }
  }
  return results;
}`;

const worker = `importScripts('/octet.js');
${common}
onmessage = async ({ data: { threads, cases } }) => {
  try {
    const kernels = await Octet.loadKernels(threads > 1 ? { threads, baseUrl: location.origin + '/wasm/' } : { variant: 'auto', baseUrl: location.origin + '/wasm/' });
    const results = await timeCases(cases, (bytes) => Octet.createSession(bytes, { kernels }), (t) => t);
    await kernels.dispose();
    postMessage({ variant: kernels.variant, results });
  } catch (e) {
    postMessage({ error: String(e?.message ?? e) });
  }
};`;

const page = `<!doctype html><title>octet model bench</title><script>
${common}
window.benchOctet = (threads, cases) => new Promise((resolve) => {
  const w = new Worker('/worker.js');
  w.onmessage = (e) => { w.terminate(); resolve(e.data); };
  w.onerror = (e) => resolve({ error: e.message });
  w.postMessage({ threads, cases });
});
window.benchOrtWeb = async (cases) => {
  const ort = await import('/ort/ort.wasm.min.mjs');
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = location.origin + '/ort/';
  const results = await timeCases(cases, (bytes) => ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] }), (t) => new ort.Tensor(t.type, t.data, t.dims));
  return { results };
};
</script>`;

const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' };
const type = (p) => (p.endsWith('.wasm') ? 'application/wasm' : p.endsWith('js') ? 'text/javascript' : p.endsWith('.onnx') ? 'application/octet-stream' : 'text/html');

// A local HTTP server (not playwright's routing: the fp32 MiniLM model, 90 MB, is too large for a
// routed response); 127.0.0.1 is a secure context, so the headers make the page cross-origin isolated.
const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  const reply = (body) => {
    res.writeHead(200, { 'Content-Type': type(path), ...isolation });
    res.end(body);
  };
  try {
    if (path === '/octet.js') return reply(octetBundle);
    if (path === '/worker.js') return reply(worker);
    if (path.startsWith('/wasm/')) return reply(readFileSync(join(kernelsDist, path)));
    if (path.startsWith('/ort/')) return reply(readFileSync(join(ortDist, path.slice(5))));
    const m = /^\/models\/([^/]+)\/([^/]+)\.onnx$/.exec(path);
    if (m) return reply(readFileSync(modelPath(m[1], m[2])));
    return reply(page);
  } catch (e) {
    res.writeHead(404);
    res.end(String(e));
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const out = { peer: 'chromium', browser: browser.version(), peers: {} };
try {
  let tab = await browser.newPage();
  const open = async () => {
    tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${server.address().port}/index.html`);
  };
  await tab.goto(`http://127.0.0.1:${server.address().port}/index.html`);
  out.crossOriginIsolated = await tab.evaluate(() => self.crossOriginIsolated);
  for (const id of peersWanted) {
    process.stderr.write(`chromium: ${id}\n`);
    let r;
    try {
      r = id === 'ort-web-chromium'
        ? await tab.evaluate((cs) => window.benchOrtWeb(cs), pageCases)
        : await tab.evaluate(([t, cs]) => window.benchOctet(t, cs), [id.endsWith('2t') ? 2 : 1, pageCases]);
    } catch (e) {
      // the page died (out of memory, …): this peer's cases fail, the next peer gets a fresh page
      r = { error: String(e?.message ?? e).split('\n')[0] };
      await tab.close().catch(() => {});
      await open();
    }
    if (r.error) out.peers[id] = { results: Object.fromEntries(pageCases.map((c) => [c.id, { error: r.error }])) };
    else out.peers[id] = r;
  }
} finally {
  await browser.close();
  server.close();
}
process.stdout.write(JSON.stringify(out) + '\n');
