// Peer process: Chromium (playwright-core, /usr/bin/chromium) running Octet's baseline and
// relaxed-SIMD builds and onnxruntime-web (wasm, 1 thread) in one page, one after the other.
// Files are served from memory through page.route. Prints one JSON line.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CASES, Q, activations, depth, weights, yScale } from './cases.mjs';
import { matMulIntegerModel, qlinearConvModel, qlinearMatMulModel } from './models.mjs';
import { measure } from './timing.mjs';
import { measureGhz } from './cpu-clock.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const kernelsDist = dirname(fileURLToPath(import.meta.resolve('@octet/kernels')));
const ortDist = dirname(fileURLToPath(import.meta.resolve('onnxruntime-web')));
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;

const bundle = (
  await build({
    entryPoints: [join(kernelsDist, 'index.js')], bundle: true, format: 'iife', globalName: 'OctetKernels',
    platform: 'browser', external: ['node:*'], write: false, logLevel: 'silent',
  })
).outputFiles[0].text;

const f32 = Math.fround;
const b64 = (u8) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength).toString('base64');
const cases = CASES.map((c) => {
  const w = weights(c);
  return {
    ...c, q: Q, w: b64(w), x: b64(activations(c)),
    scale: f32(f32(Q.aScale * Q.wScale) / f32(yScale(depth(c)))),
    models: c.kind === 'gemm'
      ? { qlinear: b64(qlinearMatMulModel(c, w)), integer: b64(matMulIntegerModel(c, w)) }
      : { qlinear: b64(qlinearConvModel(c, w)) },
  };
});

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const out = { peer: 'chromium', browser: browser.version() };
try {
  const page = await browser.newPage();
  await page.route('https://octet.bench/**', (route) => {
    const path = new URL(route.request().url()).pathname;
    const type = (p) => (p.endsWith('.wasm') ? 'application/wasm' : p.endsWith('js') ? 'text/javascript' : 'text/html');
    if (path.startsWith('/wasm/')) return route.fulfill({ body: readFileSync(join(kernelsDist, path)), contentType: type(path) });
    if (path.startsWith('/ort/')) return route.fulfill({ body: readFileSync(join(ortDist, path.slice(5))), contentType: type(path) });
    return route.fulfill({ body: '<!doctype html><title>octet kernels bench</title>', contentType: 'text/html' });
  });
  await page.goto('https://octet.bench/index.html');
  await page.addScriptTag({ content: bundle });
  await page.addScriptTag({ content: `window.measureGhz = ${measureGhz.toString()};\nwindow.measure = ${measure.toString()};` });
  await page.addScriptTag({ content: readFileSync(join(here, 'page-bench.js'), 'utf8') });
  if (!only || only === 'octet') {
    out.simd = await page.evaluate((cs) => window.benchOctet('simd', cs), cases);
    out.relaxed = await page.evaluate((cs) => window.benchOctet('auto', cs), cases);
  }
  if (!only || only === 'ort') out.ortWeb = await page.evaluate((cs) => window.benchOrtWeb(cs), cases);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out) + '\n');
