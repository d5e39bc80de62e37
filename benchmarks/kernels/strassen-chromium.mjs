// The Strassen level in Chromium's baseline build (not a test): the same QGemm with Strassen on
// (the baseline default) and off (strassen: null), alternating in one page, wall clock.
// The relaxed build has no Strassen level; a browser without relaxed SIMD runs this path.
//
//   flock /tmp/octet-bench.lock node benchmarks/kernels/strassen-chromium.mjs [--shapes 128x384x384,…] [--pairs 15]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const kernelsDist = dirname(fileURLToPath(import.meta.resolve('@octet/kernels')));
const arg = (flag, dflt) => (process.argv.includes(flag) ? process.argv[process.argv.indexOf(flag) + 1] : dflt);
const shapes = arg('--shapes', '128x384x384,128x384x1536,128x1536x384').split(',').map((s) => s.split('x').map(Number));
const pairs = Number(arg('--pairs', '15'));
const bundle = (
  await build({
    entryPoints: [join(kernelsDist, 'index.js')], bundle: true, format: 'iife', globalName: 'OctetKernels',
    platform: 'browser', external: ['node:*'], write: false, logLevel: 'silent',
  })
).outputFiles[0].text;

/** Runs in the page: paired on/off timing per shape. */
async function benchPage({ shapes, pairs }) {
  const { loadKernels } = window.OctetKernels;
  const load = () => loadKernels({ variant: 'simd', baseUrl: location.origin + '/wasm/' });
  const on = await load();
  const off = await load();
  off.gemmConfig.strassen = null;
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) & 0xff;
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const rows = [];
  for (const [M, K, N] of shapes) {
    const w = Int8Array.from({ length: K * N }, () => rnd() - 128);
    const x = Uint8Array.from({ length: M * K }, rnd);
    const setup = (k) => {
      const g = k.createQGemm({ K, N, weights: w, weightZeroPoint: 0, activationSigned: false, activationZeroPoint: 128, output: 'f32', scale: 1e-4 });
      const px = k.heap.put(x);
      const py = k.heap.alloc(M * N * 4);
      return { run: () => g.run({ M, a: px, out: py }), out: () => k.heap.u8.slice(py, py + M * N * 4), uses: g.usesStrassen?.(M) };
    };
    const s = setup(on), p = setup(off);
    s.run();
    p.run();
    const so = s.out(), po = p.out();
    const same = so.every((v, i) => v === po[i]);
    let t0 = performance.now();
    while (performance.now() - t0 < 500) { s.run(); p.run(); }
    t0 = performance.now();
    p.run();
    const reps = Math.max(1, Math.ceil(15 / (performance.now() - t0)));
    const ratios = [], sMs = [], pMs = [];
    for (let i = 0; i < pairs; i++) {
      let t = performance.now();
      for (let r = 0; r < reps; r++) s.run();
      const a = (performance.now() - t) / reps;
      t = performance.now();
      for (let r = 0; r < reps; r++) p.run();
      const b = (performance.now() - t) / reps;
      ratios.push(b / a);
      sMs.push(a);
      pMs.push(b);
    }
    rows.push({ shape: `${M}x${K}x${N}`, strassenTaken: s.uses, bitIdentical: same, ratio: +med(ratios).toFixed(3), strassenMs: +med(sMs).toFixed(3), plainMs: +med(pMs).toFixed(3) });
  }
  return rows;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await page.route('https://octet.bench/**', (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path.startsWith('/wasm/')) return route.fulfill({ body: readFileSync(join(kernelsDist, path)), contentType: 'application/wasm' });
    return route.fulfill({ body: '<!doctype html><title>octet strassen bench</title>', contentType: 'text/html' });
  });
  await page.goto('https://octet.bench/index.html');
  await page.addScriptTag({ content: bundle });
  const rows = await page.evaluate(benchPage, { shapes, pairs });
  for (const r of rows) console.log(JSON.stringify({ browser: browser.version(), ...r }));
} finally {
  await browser.close();
}
