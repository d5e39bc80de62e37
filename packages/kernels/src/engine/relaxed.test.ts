import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Kernels } from '../kernels.js';
import { loadKernels } from '../load-kernels.js';
import { expectedRelaxedDot, probeRelaxedDot } from './relaxed-probe.js';
import { firstMismatch, randomGemmCase, referenceGemmCase, type GemmCase } from '../gemm/qgemm-tester.js';
import { bundleKernels, wasmPath } from './relaxed-test-bundle.js';
import { randomConvCase, referenceQConv } from '../conv/qconv-tester.js';
import type { ReferenceQConv } from '../reference/qconv.js';

let k: Kernels;
beforeAll(async () => {
  k = await loadKernels({ variant: 'simd' });
});
afterAll(async () => {
  await k?.dispose();
});

type Probe = (a: number, b: number, c: number, out: number, n: number) => void;

/** A fake probe computing a dot product with the given per-lane semantics, in JS. */
function fakeProbe(lane: (a: Int8Array, b: Uint8Array, c: number, base: number) => number): Probe {
  return (pa, pb, pc, po, n) => {
    const u8 = k.heap.u8;
    const i32 = k.heap.i32;
    const a = new Int8Array(u8.buffer, pa, n * 16);
    const b = new Uint8Array(u8.buffer, pb, n * 16);
    for (let l = 0; l < n * 4; l++) i32[(po >> 2) + l] = lane(a, b, i32[(pc >> 2) + l], l * 4);
  };
}

describe('relaxed dot probe', () => {
  it('accepts exact unsigned-second-operand semantics (VNNI vpdpbusd)', () => {
    const exact = fakeProbe((a, b, c, i) => (c + a[i] * b[i] + a[i + 1] * b[i + 1] + a[i + 2] * b[i + 2] + a[i + 3] * b[i + 3]) | 0);
    expect(probeRelaxedDot(exact, k.heap, 3)).toBe(true);
  });

  it('rejects reading the second operand as signed', () => {
    const s = (x: number) => (x << 24) >> 24;
    const signed = fakeProbe((a, b, c, i) => (c + a[i] * s(b[i]) + a[i + 1] * s(b[i + 1]) + a[i + 2] * s(b[i + 2]) + a[i + 3] * s(b[i + 3])) | 0);
    expect(probeRelaxedDot(signed, k.heap, 3)).toBe(false);
  });

  it('rejects 16-bit saturation of pairwise sums (pmaddubsw lowering)', () => {
    const sat = (x: number) => Math.max(-32768, Math.min(32767, x));
    const pmaddubsw = fakeProbe((a, b, c, i) => (c + sat(a[i] * b[i] + a[i + 1] * b[i + 1]) + sat(a[i + 2] * b[i + 2] + a[i + 3] * b[i + 3])) | 0);
    expect(probeRelaxedDot(pmaddubsw, k.heap, 3)).toBe(false);
  });

  it('expected values are exact 32-bit dot products', () => {
    const out = expectedRelaxedDot(Int8Array.of(-128, -128, -128, -128), Uint8Array.of(255, 255, 255, 255), Int32Array.of(7));
    expect(Array.from(out)).toEqual([7 - 4 * 128 * 255]);
  });
});

function relaxedCases(): GemmCase[] {
  const cases: GemmCase[] = [];
  let seed = 3100;
  for (const [M, K, N] of [[1, 5, 9], [6, 16, 8], [7, 33, 17], [13, 64, 40], [1, 100, 3], [12, 4, 31]]) {
    for (const output of ['u8', 's8', 'f32', 'i32'] as const) cases.push(randomGemmCase(seed++, { M, K, N }, { output }));
  }
  return cases;
}

const caseJson = (c: GemmCase) => ({ ...c, a: Array.from(c.a), b: Array.from(c.b), aType: c.a instanceof Int8Array ? 's8' : 'u8', bType: c.b instanceof Int8Array ? 's8' : 'u8', bias: c.bias && Array.from(c.bias), biasF32: c.biasF32 && Array.from(c.biasF32) });

// Runs inside the child process / page: loads kernels with the given sources, runs every case.
const RUNNER = `async function runCases(K, sources, cases, threads = 1) {
  const k = await K.loadKernels({ sources, threads });
  const outs = cases.map((c) => {
    const arr = (t, v) => (t === 's8' ? Int8Array.from(v) : Uint8Array.from(v));
    const g = k.createQGemm({ K: c.K, N: c.N, weights: arr(c.bType, c.b), weightZeroPoint: c.zb, activationSigned: c.aType === 's8',
      activationZeroPoint: c.za, output: c.output, scale: c.scale, outputZeroPoint: c.zy, outputMin: c.outputMin, outputMax: c.outputMax,
      bias: c.bias && Int32Array.from(c.bias), biasF32: c.biasF32 && Float32Array.from(c.biasF32) });
    const o = Array.from(g.runArrays(c.M, arr(c.aType, c.a)));
    g.dispose();
    return o;
  });
  await k.dispose();
  return { variant: k.variant, capabilities: k.capabilities, outs };
}
async function runConvCases(K, sources, cases) {
  const k = await K.loadKernels({ sources });
  return cases.map((c) => {
    const arr = (t, v) => (t === 's8' ? Int8Array.from(v) : Uint8Array.from(v));
    const conv = k.createQConv({ C: c.C, H: c.H, W: c.W, M: c.M, kernelShape: c.kernelShape, group: c.group, strides: c.strides, pads: c.pads,
      weights: arr(c.wType, c.w), weightZeroPoint: c.wZeroPoint, activationSigned: c.xType === 's8', activationZeroPoint: c.xZeroPoint,
      output: c.output, scale: c.scale, outputZeroPoint: c.outputZeroPoint, bias: c.bias && Int32Array.from(c.bias) });
    const o = Array.from(conv.runArrays(c.N, arr(c.xType, c.x)));
    conv.dispose();
    return o;
  });
}`;

function relaxedConvCases(): ReferenceQConv[] {
  let seed = 7100;
  return [
    { N: 1, C: 9, H: 6, W: 7, M: 10, k: [1, 1] as [number, number] },
    { N: 1, C: 5, H: 9, W: 9, M: 12, k: [3, 3] as [number, number], pads: [1, 1, 1, 1] as [number, number, number, number] },
    { N: 2, C: 3, H: 8, W: 11, M: 7, k: [3, 3] as [number, number], strides: [2, 2] as [number, number] },
    // row-range conv: images as rows on a plane smaller than the batch; two chunks per image
    { N: 5, C: 10, H: 2, W: 2, M: 13, k: [1, 1] as [number, number] },
    { N: 1, C: 200, H: 9, W: 11, M: 10, k: [3, 3] as [number, number], pads: [1, 1, 1, 1] as [number, number, number, number] },
  ].map((s) => randomConvCase(seed++, s));
}
const convJson = (c: ReferenceQConv) => ({ ...c, x: Array.from(c.x), w: Array.from(c.w), xType: c.x instanceof Int8Array ? 's8' : 'u8', wType: c.w instanceof Int8Array ? 's8' : 'u8', bias: c.bias && Array.from(c.bias) });

function expectExact(cases: GemmCase[], outs: number[][]) {
  cases.forEach((c, i) => {
    const want = referenceGemmCase(c);
    const j = firstMismatch(Float64Array.from(outs[i]), Float64Array.from(want));
    if (j >= 0) expect.fail(`case ${i} (M=${c.M} K=${c.K} N=${c.N} ${c.output}): [${j}] got ${outs[i][j]} want ${want[j]}`);
  });
}

describe('relaxed-SIMD build on real engines', () => {
  it('Node with --experimental-wasm-relaxed-simd: validates, and the probe decides the variant; results exact either way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'octet-relaxed-'));
    try {
      writeFileSync(join(dir, 'kernels.mjs'), await bundleKernels('esm'));
      const cases = relaxedCases();
      writeFileSync(join(dir, 'cases.json'), JSON.stringify(cases.map(caseJson)));
      writeFileSync(
        join(dir, 'child.mjs'),
        `import * as K from './kernels.mjs';\nimport { readFileSync } from 'node:fs';\n${RUNNER}\n` +
          `const cases = JSON.parse(readFileSync(new URL('./cases.json', import.meta.url), 'utf8'));\n` +
          `const r = await runCases(K, { simd: ${JSON.stringify(wasmPath('simd'))}, relaxed: ${JSON.stringify(wasmPath('relaxed'))} }, cases);\n` +
          `const t = await runCases(K, { threads: ${JSON.stringify(wasmPath('threads'))}, 'relaxed-threads': ${JSON.stringify(wasmPath('relaxed-threads'))} }, cases, 2);\n` +
          `process.stdout.write(JSON.stringify([r, t]));\n`,
      );
      const out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', join(dir, 'child.mjs')], { encoding: 'utf8', timeout: 120_000 });
      const [r, t] = JSON.parse(out);
      console.log(`node --experimental-wasm-relaxed-simd kernels variant: ${r.variant}, with 2 threads: ${t.variant}`);
      expect(r.capabilities.relaxedSimd).toBe(true);
      expect(typeof r.capabilities.relaxedDotExact).toBe('boolean');
      expect(r.variant).toBe(r.capabilities.relaxedDotExact ? 'relaxed' : 'simd');
      expectExact(cases, r.outs);
      // the shared-memory pair: relaxed-threads is probed the same way, threads is the fallback
      expect(typeof t.capabilities.relaxedDotExact).toBe('boolean');
      expect(t.variant).toBe(t.capabilities.relaxedDotExact ? 'relaxed-threads' : 'threads');
      expectExact(cases, t.outs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Chromium: relaxed build used when the probe passes, bit-exact against the reference', async () => {
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      await page.addScriptTag({ content: await bundleKernels('iife') });
      await page.addScriptTag({ content: RUNNER });
      const cases = relaxedCases();
      const r = await page.evaluate(
        async ([simd, relaxed, cs]) => {
          const w = window as unknown as { OctetKernels: unknown; runCases: (...a: unknown[]) => Promise<unknown> };
          const bytes = (b64: string) => Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
          return w.runCases(w.OctetKernels, { simd: bytes(simd), relaxed: bytes(relaxed) }, JSON.parse(cs));
        },
        [readFileSync(wasmPath('simd')).toString('base64'), readFileSync(wasmPath('relaxed')).toString('base64'), JSON.stringify(cases.map(caseJson))] as const,
      ) as { variant: string; capabilities: { relaxedSimd: boolean; relaxedDotExact: boolean }; outs: number[][] };
      console.log(`chromium kernels variant: ${r.variant}`);
      expect(r.capabilities.relaxedSimd).toBe(true);
      expect(r.variant).toBe(r.capabilities.relaxedDotExact ? 'relaxed' : 'simd');
      expectExact(cases, r.outs);
      const convCases = relaxedConvCases();
      const convOuts = (await page.evaluate(
        async ([simd, relaxed, cs]) => {
          const w = window as unknown as { OctetKernels: unknown; runConvCases: (...a: unknown[]) => Promise<unknown> };
          const bytes = (b64: string) => Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
          return w.runConvCases(w.OctetKernels, { simd: bytes(simd), relaxed: bytes(relaxed) }, JSON.parse(cs));
        },
        [readFileSync(wasmPath('simd')).toString('base64'), readFileSync(wasmPath('relaxed')).toString('base64'), JSON.stringify(convCases.map(convJson))] as const,
      )) as number[][];
      convCases.forEach((c, i) => {
        const want = referenceQConv(c);
        const j = firstMismatch(Float64Array.from(convOuts[i]), Float64Array.from(want));
        if (j >= 0) expect.fail(`conv case ${i} (${c.output}): [${j}] got ${convOuts[i][j]} want ${want[j]}`);
      });
    } finally {
      await browser.close();
    }
  });
});
