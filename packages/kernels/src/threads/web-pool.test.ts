// The browser half of the thread pool, end to end in Chromium: a cross-origin isolated page
// (COOP/COEP served through page.route) starts a module Worker that loads a shared-memory build with
// two threads (Web Workers from the pool's Blob URL source) and runs GEMMs and convolutions (the
// dynamic split, several chunks per thread) against the reference: the default choice
// (relaxed-threads: Chromium validates relaxed SIMD and passes the probe) and the baseline threads build.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { firstMismatch, randomGemmCase, referenceGemmCase, type GemmCase } from '../gemm/qgemm-tester.js';
import { bundleKernels, wasmPath } from '../engine/relaxed-test-bundle.js';
import { randomConvCase, referenceQConv } from '../conv/qconv-tester.js';
import type { ReferenceQConv } from '../reference/qconv.js';

const WORKER = `import * as K from './kernels.mjs';
self.onmessage = async (ev) => {
  try {
    const k = await K.loadKernels({ threads: 2, variant: ev.data.variant, baseUrl: location.origin + '/wasm/' });
    const shares = [];
    const run = k.pool.run.bind(k.pool);
    k.pool.run = (s, a) => { shares.push(a.length); run(s, a); };
    const chunked = [];
    const runChunks = k.pool.runChunks.bind(k.pool);
    k.pool.runChunks = (s, c, o) => { chunked.push(c.length); runChunks(s, c, o); };
    const outs = ev.data.cases.map((c) => {
      const arr = (t, v) => (t === 's8' ? Int8Array.from(v) : Uint8Array.from(v));
      const g = k.createQGemm({ K: c.K, N: c.N, weights: arr(c.bType, c.b), weightZeroPoint: c.zb, activationSigned: c.aType === 's8',
        activationZeroPoint: c.za, output: c.output, scale: c.scale, outputZeroPoint: c.zy, outputMin: c.outputMin, outputMax: c.outputMax,
        bias: c.bias && Int32Array.from(c.bias), biasF32: c.biasF32 && Float32Array.from(c.biasF32) });
      const o = Array.from(g.runArrays(c.M, arr(c.aType, c.a)));
      g.dispose();
      return o;
    });
    const convOuts = ev.data.convs.map((c) => {
      const arr = (signed, v) => (signed ? Int8Array.from(v) : Uint8Array.from(v));
      const conv = k.createQConv({ C: c.C, H: c.H, W: c.W, M: c.M, kernelShape: c.kernelShape, group: c.group, strides: c.strides, pads: c.pads,
        weights: arr(c.wSigned, c.w), weightZeroPoint: c.wZeroPoint, activationSigned: c.xSigned, activationZeroPoint: c.xZeroPoint,
        output: c.output, scale: c.scale, outputZeroPoint: c.outputZeroPoint, bias: c.bias && Int32Array.from(c.bias) });
      const o = Array.from(conv.runArrays(c.N, arr(c.xSigned, c.x)));
      conv.dispose();
      return o;
    });
    self.postMessage({ ok: true, chunked, convOuts, variant: k.variant, relaxedDotExact: k.capabilities.relaxedDotExact, size: k.pool.size, shared: k.memory.buffer instanceof SharedArrayBuffer, shares, outs });
    await k.dispose();
  } catch (e) {
    self.postMessage({ ok: false, error: String((e && e.stack) || e) });
  }
};`;

const convJson = (c: ReferenceQConv) => ({ ...c, x: Array.from(c.x), xSigned: c.x instanceof Int8Array, w: Array.from(c.w), wSigned: c.w instanceof Int8Array, bias: c.bias && Array.from(c.bias) });
const caseJson = (c: GemmCase) => ({ ...c, a: Array.from(c.a), b: Array.from(c.b), aType: c.a instanceof Int8Array ? 's8' : 'u8', bType: c.b instanceof Int8Array ? 's8' : 'u8', bias: c.bias && Array.from(c.bias), biasF32: c.biasF32 && Array.from(c.biasF32) });

describe('Web Worker thread pool (Chromium, cross-origin isolated)', () => {
  it('relaxed-threads (default) and threads builds with 2 Web Workers are bit-exact against the reference', async () => {
    const kernels = await bundleKernels('esm-browser');
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
      await page.route('https://octet.test/**', (route) => {
        const path = new URL(route.request().url()).pathname;
        if (path.startsWith('/wasm/')) return route.fulfill({ body: readFileSync(wasmPath(path.slice(6).replace(/^octet-kernels-|\.wasm$/g, ''))), contentType: 'application/wasm', headers: isolation });
        if (path === '/kernels.mjs') return route.fulfill({ body: kernels, contentType: 'text/javascript', headers: isolation });
        if (path === '/worker.mjs') return route.fulfill({ body: WORKER, contentType: 'text/javascript', headers: isolation });
        return route.fulfill({ body: '<!doctype html><title>pool</title>', contentType: 'text/html', headers: isolation });
      });
      await page.goto('https://octet.test/index.html');
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      let seed = 2500;
      const cases = [
        randomGemmCase(seed++, { M: 64, K: 130, N: 72 }, { output: 'u8' }),
        randomGemmCase(seed++, { M: 200, K: 257, N: 8 }, { output: 's8' }),
        randomGemmCase(seed++, { M: 1, K: 3001, N: 203 }, { output: 'f32' }),
        randomGemmCase(seed++, { M: 37, K: 96, N: 100 }, { output: 'i32' }),
      ];
      // convolutions: the dynamic split (several chunks per thread) through Web Workers
      const convs = [
        randomConvCase(seed++, { N: 4, C: 24, H: 14, W: 14, M: 40, k: [3, 3], pads: [1, 1, 1, 1] }, { output: 'u8' }),
        randomConvCase(seed++, { N: 6, C: 32, H: 16, W: 16, M: 32, k: [3, 3], group: 32, pads: [1, 1, 1, 1] }, { output: 'u8' }),
      ];
      for (const requested of ['auto', 'threads'] as const) {
        const r = (await page.evaluate(
          (msg) =>
            new Promise<unknown>((resolve) => {
              const w = new Worker('/worker.mjs', { type: 'module' });
              w.onmessage = (ev) => resolve(ev.data);
              w.onerror = (e) => resolve({ ok: false, error: e.message });
              w.postMessage(JSON.parse(msg));
            }),
          JSON.stringify({ variant: requested, cases: cases.map(caseJson), convs: convs.map(convJson) }),
        )) as {
          ok: boolean; error?: string; variant: string; relaxedDotExact: boolean | null; size: number; shared: boolean; shares: number[]; outs: number[][];
          chunked: number[]; convOuts: number[][];
        };
        if (!r.ok) expect.fail(r.error);
        // auto: the relaxed-threads build whenever the probe passes (Chromium with VNNI, as here)
        const expected = requested === 'threads' ? 'threads' : r.relaxedDotExact ? 'relaxed-threads' : 'threads';
        console.log(`chromium threads: requested ${requested} → ${r.variant}`);
        expect(r.variant).toBe(expected);
        expect(r.relaxedDotExact === null).toBe(requested === 'threads');
        expect(r.size).toBe(2);
        expect(r.shared).toBe(true);
        expect(r.shares).toEqual([2, 2, 2, 2]);
        expect(r.chunked.length).toBe(convs.length);
        for (const n of r.chunked) expect(n).toBeGreaterThan(2);
        convs.forEach((c, i) => expect(firstMismatch(Float64Array.from(r.convOuts[i]), Float64Array.from(referenceQConv(c)))).toBe(-1));
        cases.forEach((c, i) => {
          const want = referenceGemmCase(c);
          const j = firstMismatch(Float64Array.from(r.outs[i]), Float64Array.from(want));
          if (j >= 0) expect.fail(`${expected} case ${i}: [${j}] got ${r.outs[i][j]} want ${want[j]}`);
        });
      }
    } finally {
      await browser.close();
    }
  });
});
