// The runtime in real Chromium: the esbuild bundle registered on onnxruntime-web's `ort`
// (ort.min.mjs), fixtures fetched over HTTP, outputs compared with ONNX Runtime's in Node.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeTensorProto } from '@octet/onnx';
import { tensorFromProto, type Tensor } from '@octet/runtime';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs build script without types
import { bundle } from '../scripts/bundle.mjs';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const fixturesDir = `${repo}test-data/fixtures`;
const ortDist = `${repo}node_modules/onnxruntime-web/dist`;
const FIXTURES = ['mlp_diabetes', 'mlp_breast_cancer', 'cnn_digits', 'mobilenetv2_digits', 'encoder_sentiment'];

const pb = (name: string, file: string): Tensor =>
  tensorFromProto(decodeTensorProto(new Uint8Array(readFileSync(`${fixturesDir}/${name}/${file}`))), file);

let dir: string;
let server: Server;
let browser: Browser;
let page: Page;
let base: string;
/** the bundle's lazy chunk with @octet/signature (see bundle-split.test.ts), and every path the page fetched */
let signatureChunk: string;
const requested: string[] = [];

// One fixture through ort.InferenceSession.create(url, { executionProviders: ['octet<n>'] }); the
// same module runs on the page's main thread and inside a module Worker (threads need a worker:
// the kernels' caller waits with Atomics.wait).
const RUN_JS = `
import * as ort from '/ort/ort.min.mjs';
import * as octet from '/octet/octet-runtime-web.js';
const registered = {};
export async function run(name, numThreads) {
  if (!registered[numThreads]) {
    octet.register(ort, { name: 'octet' + numThreads, numThreads });
    registered[numThreads] = true;
  }
  const meta = await (await fetch('/data/' + name + '/inputs.json')).json();
  const ctor = { float32: Float32Array, int64: BigInt64Array };
  const feeds = {};
  for (let i = 0; i < meta.length; i++) {
    const buf = await (await fetch('/data/' + name + '/input_' + i + '.bin')).arrayBuffer();
    feeds[meta[i].name] = new ort.Tensor(meta[i].type, new ctor[meta[i].type](buf), meta[i].dims);
  }
  const session = await ort.InferenceSession.create('/fixtures/' + name + '/model.onnx', { executionProviders: ['octet' + numThreads] });
  const out = (await session.run(feeds))[session.outputNames[0]];
  await session.release();
  const kernels = await octet.loadWebKernels({}, numThreads);
  return { dims: [...out.dims], data: Array.from(out.data), variant: kernels.variant, isolated: crossOriginIsolated };
}
`;
const WORKER_JS = `
import { run } from '/run.js';
onmessage = async (e) => {
  try { postMessage({ ok: true, result: await run(e.data.name, e.data.numThreads) }); }
  catch (err) { postMessage({ ok: false, error: String(err && err.stack || err) }); }
};
`;
const PAGE = `<!doctype html><meta charset="utf-8"><title>octet</title>
<script type="module">
import { run } from '/run.js';
window.__run = run;
window.__runInWorker = (name, numThreads) => new Promise((resolve, reject) => {
  const w = new Worker('/worker.js', { type: 'module' });
  w.onmessage = (e) => { w.terminate(); e.data.ok ? resolve(e.data.result) : reject(new Error(e.data.error)); };
  w.onerror = (e) => { w.terminate(); reject(new Error(e.message)); };
  w.postMessage({ name, numThreads });
});
window.__ready = true;
</script>`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'octet-web-'));
  const split = (await bundle(`${dir}/octet`, { minify: false })) as { lazy: string[]; inputsByChunk: Record<string, string[]> };
  signatureChunk = `/octet/${split.lazy.find((c) => split.inputsByChunk[c]!.some((i) => /node_modules\/@noble\//.test(i)))}`;
  // Raw input bytes for the page (it has no .pb decoder of its own).
  for (const name of FIXTURES) {
    const metrics = JSON.parse(readFileSync(`${fixturesDir}/${name}/ref/metrics.json`, 'utf8'));
    mkdirSync(`${dir}/data/${name}`, { recursive: true });
    const meta = metrics.inputs.map((input: string, i: number) => {
      const t = pb(name, `test/input_${i}.pb`);
      writeFileSync(`${dir}/data/${name}/input_${i}.bin`, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      return { name: input, type: t.dtype, dims: t.dims };
    });
    writeFileSync(`${dir}/data/${name}/inputs.json`, JSON.stringify(meta));
  }
  writeFileSync(`${dir}/index.html`, PAGE);
  writeFileSync(`${dir}/run.js`, RUN_JS);
  writeFileSync(`${dir}/worker.js`, WORKER_JS);
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = normalize(decodeURIComponent(url.pathname));
    const file = p.startsWith('/ort/') ? `${ortDist}/${p.slice(5)}` : p.startsWith('/fixtures/') ? `${fixturesDir}/${p.slice(10)}` : `${dir}${p}`;
    try {
      const body = readFileSync(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        // Cross-origin isolation, so threads can be tested too.
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(`${base}/index.html`);
  await page.waitForFunction('window.__ready === true');
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs one fixture in the page (window.__run in index.html) through onnxruntime-web's ort. */
async function runInPage(name: string, numThreads: number, where: 'page' | 'worker' = 'page'): Promise<{ dims: number[]; data: number[]; variant: string; isolated: boolean }> {
  const fn = where === 'page' ? '__run' : '__runInWorker';
  return page.evaluate(`window.${fn}(${JSON.stringify(name)}, ${numThreads})`);
}

function maxRelativeError(out: ArrayLike<number>, ref: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(out[i] - ref[i]) / Math.max(Math.abs(ref[i]), 1));
  return worst;
}

describe('Chromium: onnxruntime-web + @octet/runtime-web bundle', () => {
  for (const name of FIXTURES) {
    it(`${name} matches ONNX Runtime's fp32 output`, async () => {
      const r = await runInPage(name, 1);
      const ref = pb(name, 'ref/fp32_output_0.pb');
      expect(r.dims).toEqual(ref.dims);
      expect(maxRelativeError(r.data, ref.data as Float32Array)).toBeLessThan(1e-4);
      expect(['simd', 'relaxed']).toContain(r.variant);
    });
  }
  it('never fetches the signature-verification chunk when no session asks for verification', async () => {
    await runInPage('cnn_digits', 1);
    expect(requested).toContain('/octet/octet-runtime-web.js');
    expect(requested.some((p) => p.startsWith('/fixtures/cnn_digits/'))).toBe(true);
    expect(requested).not.toContain(signatureChunk);
  });
  it('stays single-threaded on the main thread even when 2 threads are asked for', async () => {
    const r = await runInPage('cnn_digits', 2);
    expect(r.isolated).toBe(true);
    expect(['simd', 'relaxed']).toContain(r.variant);
    expect(maxRelativeError(r.data, pb('cnn_digits', 'ref/fp32_output_0.pb').data as Float32Array)).toBeLessThan(1e-4);
  });
  for (const name of ['mobilenetv2_digits', 'encoder_sentiment']) {
    it(`${name} in a module Worker with 2 threads (Web Workers on shared memory)`, async () => {
      const r = await runInPage(name, 2, 'worker');
      expect(r.isolated).toBe(true);
      expect(['threads', 'relaxed-threads']).toContain(r.variant);
      expect(maxRelativeError(r.data, pb(name, 'ref/fp32_output_0.pb').data as Float32Array)).toBeLessThan(1e-4);
    });
  }
});
