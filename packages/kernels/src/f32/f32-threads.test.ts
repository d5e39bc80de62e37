import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernels } from '../kernels.js';
import { loadKernels } from '../load-kernels.js';
import { referenceSgemm, type SgemmCase } from '../reference/f32.js';
import { rng } from '../reference/random.js';
import { referenceMatMulNBits } from '../reference/weight-only.js';
import { referenceQLinear } from '../reference/elementwise.js';
import { createMatMulNBits } from '../weight-only/matmul-nbits.js';
import { createSgemm, matmulBatchInto, packedBFloats } from './sgemm.js';
import { createConv2d } from './conv2d.js';
import { referenceConv2d, type Conv2dShape } from '../reference/f32.js';

let one: Kernels;
let two: Kernels;
const calls: { symbol: string; shares: number }[] = [];
beforeAll(async () => {
  one = await loadKernels({ variant: 'simd' });
  two = await loadKernels({ threads: 2 });
  const pool = two.pool!;
  const run = pool.run.bind(pool);
  pool.run = (symbol, args, f32Mask) => {
    calls.push({ symbol, shares: args.length });
    run(symbol, args, f32Mask);
  };
  const runChunks = pool.runChunks!.bind(pool);
  pool.runChunks = (symbol, chunks, options) => {
    calls.push({ symbol, shares: chunks.length });
    runChunks(symbol, chunks, options);
  };
});
afterAll(async () => {
  await two?.dispose();
});

/** Runs `body` on x and tables copied into k's heap; returns the x.length output bytes. */
function scopedBytes(k: Kernels, x: Uint8Array, tables: Uint8Array, body: (x: number, y: number, tables: number) => void): Uint8Array {
  const mark = k.heap.mark();
  try {
    const xp = k.heap.put(x);
    const tp = k.heap.put(tables);
    const yp = k.heap.alloc(x.length);
    body(xp, yp, tp);
    return k.heap.u8.slice(yp, yp + x.length);
  } finally {
    k.heap.release(mark);
  }
}

const rand = (seed: number, n: number, lo = -1, hi = 1) => {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r.float());
};

describe('fp32 SGEMM and MatMulNBits split across the threads build\'s pool', () => {
  it('SGEMM: identical to one thread, close to the reference, column bias offset per share', () => {
    for (const [M, K, N] of [[33, 90, 101], [1, 300, 1000], [8, 64, 520]]) {
      const c: SgemmCase = { M, N, K, a: rand(M, M * K), b: rand(N, K * N), transB: false, bias: { kind: 'col', data: rand(K, N) }, lo: -Infinity, hi: 2 };
      calls.length = 0;
      const g2 = createSgemm(two, { K, N, b: c.b, bias: c.bias, clamp: [c.lo, c.hi] });
      const got2 = g2.run(c.a, M);
      g2.dispose();
      expect(calls.some((x) => x.symbol === 'f32_gemm_4x8_minmax_bits_wasmsimd' && x.shares === 2)).toBe(true);
      const g1 = createSgemm(one, { K, N, b: c.b, bias: c.bias, clamp: [c.lo, c.hi] });
      const got1 = g1.run(c.a, M);
      g1.dispose();
      const bad = got1.findIndex((v, i) => !Object.is(v, got2[i]));
      if (bad >= 0) expect.fail(`M=${M} K=${K} N=${N}: element ${bad} (row ${Math.floor(bad / N)}, col ${bad % N}): 1 thread ${got1[bad]}, 2 threads ${got2[bad]}`);
      const want = referenceSgemm(c);
      for (let i = 0; i < want.length; i++) expect(Math.abs(got2[i] - want[i])).toBeLessThanOrEqual(2e-6 * (K + 1));
    }
  });

  it('batched MatMul of two activations: the threads share the products, identical to one thread and to the reference', () => {
    // 5 products (odd, so the last round runs alone), B transposed and strided like attention's K
    for (const [M, K, N, transB] of [[64, 64, 32, true], [49, 40, 70, false]] as [number, number, number, boolean][]) {
      const count = 5;
      const a = rand(M + 1, count * M * K);
      const b = rand(N + 2, count * K * N);
      const results = [one, two].map((k) => {
        const mark = k.heap.mark();
        try {
          const ap = k.heap.put(a);
          const bp = k.heap.put(b);
          const cp = k.heap.alloc(count * M * N * 4);
          const scratch = [0, 1].map(() => k.heap.alloc(packedBFloats(K, N) * 4));
          const offs = (size: number) => Array.from({ length: count }, (_, t) => t * size);
          calls.length = 0;
          matmulBatchInto(k, { M, N, K, a: ap, b: bp, transB, c: cp, aOff: offs(M * K), bOff: offs(K * N), cOff: offs(M * N), scratch });
          // one pool round: each thread takes a contiguous range of the products
          if (k === two) expect(calls.filter((x) => x.symbol === 'f32_gemm_batch_wasmsimd' && x.shares === 2)).toHaveLength(1);
          return k.heap.f32.slice(cp >> 2, (cp >> 2) + count * M * N);
        } finally {
          k.heap.release(mark);
        }
      });
      expect(Array.from(results[1])).toEqual(Array.from(results[0]));
      for (let t = 0; t < count; t++) {
        const want = referenceSgemm({
          M, N, K, a: a.subarray(t * M * K, (t + 1) * M * K), b: b.subarray(t * K * N, (t + 1) * K * N), transB, bias: null, lo: -Infinity, hi: Infinity,
        });
        for (let i = 0; i < want.length; i++) expect(Math.abs(results[1][t * M * N + i] - want[i])).toBeLessThanOrEqual(2e-6 * (K + 1));
      }
    }
  });

  it('MatMulNBits: M = 1 and M > 1, 4- and 8-bit, identical to one thread and close to the reference', () => {
    let seed = 40;
    for (const [M, N, K, bits, bs] of [[1, 203, 1400, 4, 32], [6, 98, 700, 8, 64], [3, 130, 1030, 4, 16]] as [number, number, number, 4 | 8, number][]) {
      const r = rng(seed++);
      const nb = Math.ceil(K / bs);
      const w = {
        K, N, bits, blockSize: bs,
        b: Uint8Array.from({ length: N * nb * (bs * bits) / 8 }, () => r.int(0, 255)),
        scales: rand(seed++, N * nb, 0.001, 0.02),
        zeroPoints: bits === 4 ? Uint8Array.from({ length: N * Math.ceil(nb / 2) }, () => r.int(0, 255)) : Uint8Array.from({ length: N * nb }, () => r.int(0, 255)),
        bias: rand(seed++, N),
      };
      const a = rand(seed++, M * K);
      calls.length = 0;
      const m2 = createMatMulNBits(two, w);
      const got2 = m2.run(a, M);
      m2.dispose();
      expect(calls.some((x) => x.symbol === 'f32_matmul_nbits_wasmsimd' && x.shares === 2)).toBe(true);
      const m1 = createMatMulNBits(one, w);
      const got1 = m1.run(a, M);
      m1.dispose();
      expect(Array.from(got2)).toEqual(Array.from(got1));
      const want = referenceMatMulNBits(a, { M, ...w });
      for (let i = 0; i < want.length; i++) expect(Math.abs(got2[i] - want[i])).toBeLessThan(1e-3);
    }
  });

  it('Conv2d: output channels (one image) or images (a batch) split across threads (GEMM and depthwise paths)', () => {
    const cases: (Conv2dShape & { exact: boolean })[] = [
      { N: 1, C: 16, H: 20, W: 21, OC: 24, kh: 3, kw: 3, sh: 1, sw: 1, pads: [1, 1, 1, 1], dh: 1, dw: 1, group: 1, exact: true },
      { N: 2, C: 32, H: 64, W: 61, OC: 32, kh: 3, kw: 3, sh: 2, sw: 2, pads: [1, 1, 1, 1], dh: 1, dw: 1, group: 32, exact: true },
      { N: 1, C: 12, H: 18, W: 18, OC: 18, kh: 3, kw: 3, sh: 1, sw: 1, pads: [1, 1, 1, 1], dh: 1, dw: 1, group: 2, exact: false },
      // a batch: whole images to each thread (odd counts too), the same arithmetic per image as one thread
      { N: 3, C: 8, H: 16, W: 15, OC: 12, kh: 3, kw: 3, sh: 1, sw: 1, pads: [1, 0, 1, 2], dh: 1, dw: 1, group: 1, exact: true },
      { N: 2, C: 12, H: 18, W: 18, OC: 18, kh: 3, kw: 3, sh: 2, sw: 1, pads: [1, 1, 1, 1], dh: 2, dw: 1, group: 2, exact: true },
      { N: 5, C: 16, H: 9, W: 9, OC: 48, kh: 1, kw: 1, sh: 1, sw: 1, pads: [0, 0, 0, 0], dh: 1, dw: 1, group: 1, exact: true },
      { N: 3, C: 48, H: 16, W: 16, OC: 48, kh: 3, kw: 3, sh: 1, sw: 1, pads: [1, 1, 1, 1], dh: 1, dw: 1, group: 48, exact: true },
    ];
    let seed = 70;
    for (const s of cases) {
      const x = rand(seed++, s.N * s.C * s.H * s.W);
      const w = rand(seed++, s.OC * (s.C / s.group) * s.kh * s.kw);
      const bias = rand(seed++, s.OC);
      const opts = { C: s.C, OC: s.OC, kernel: [s.kh, s.kw] as [number, number], strides: [s.sh, s.sw] as [number, number], dilations: [s.dh, s.dw] as [number, number], pads: s.pads, group: s.group, weights: w, bias, clamp: [0, 6] as [number, number] };
      calls.length = 0;
      const c2 = createConv2d(two, opts);
      const got2 = c2.run(x, [s.N, s.C, s.H, s.W]).data;
      c2.dispose();
      expect(calls.some((c) => c.symbol === 'f32_conv2d_wasmsimd' && c.shares >= 2)).toBe(true);
      const c1 = createConv2d(one, opts);
      const got1 = c1.run(x, [s.N, s.C, s.H, s.W]).data;
      c1.dispose();
      const bad = got1.findIndex((v, i) => !Object.is(v, got2[i]));
      if (s.exact && bad >= 0) expect.fail(`group ${s.group}: element ${bad}: 1 thread ${got1[bad]}, 2 threads ${got2[bad]}`);
      const want = referenceConv2d(x, w, bias, s, 0, 6);
      for (let i = 0; i < want.length; i++) expect(Math.abs(got2[i] - want[i])).toBeLessThanOrEqual(2e-6 * ((s.C / s.group) * s.kh * s.kw + 1));
    }
  });
});

describe('fp32 Conv2d split plan reuse', () => {
  it('one conv run on changing shapes (same heap positions) matches one thread every time', () => {
    const opts = { C: 8, OC: 16, kernel: [3, 3] as [number, number], pads: [1, 1, 1, 1] as [number, number, number, number], weights: rand(91, 16 * 8 * 9), bias: rand(92, 16) };
    const c2 = createConv2d(two, opts);
    const c1 = createConv2d(one, opts);
    // batches split by image, one image split by channels, then back: each shape needs its own chunk list
    for (const [N, H, W] of [[3, 16, 15], [1, 20, 21], [3, 16, 15], [4, 10, 10], [2, 16, 15]]) {
      const x = rand(93 + N + H, N * 8 * H * W);
      calls.length = 0;
      const got2 = c2.run(x, [N, 8, H, W]).data;
      expect(calls.some((c) => c.symbol === 'f32_conv2d_wasmsimd' && c.shares >= 2)).toBe(true);
      const got1 = c1.run(x, [N, 8, H, W]).data;
      expect(got2.length).toBe(got1.length);
      const bad = got1.findIndex((v, i) => !Object.is(v, got2[i]));
      if (bad >= 0) expect.fail(`[${N}, 8, ${H}, ${W}]: element ${bad}: 1 thread ${got1[bad]}, 2 threads ${got2[bad]}`);
    }
    c1.dispose();
    c2.dispose();
  });
});

describe('fp32 softmax, layer norm and unary ops split across the threads build\'s pool', () => {
  it('softmax and layer norm by rows, unary and binary by ranges (whole-number parameters): identical to one thread', async () => {
    const { softmax, unary } = await import('../elementwise/elementwise.js');
    const rows = 1031;
    const n = 257;
    const x = rand(91, rows * n, -8, 8);
    calls.length = 0;
    const s2 = softmax(two, x, rows, n);
    expect(calls.some((c) => c.symbol === 'f32_softmax_wasmsimd' && c.shares === 2)).toBe(true);
    expect(Array.from(s2)).toEqual(Array.from(softmax(one, x, rows, n)));
    for (const [op, p0, p1] of [['erf', 0, 0], ['clip', 0, 6], ['sigmoid', 0, 0]] as const) {
      calls.length = 0;
      const u2 = unary(two, op, x, p0, p1);
      expect(calls.some((c) => c.symbol === 'f32_unary_wasmsimd' && c.shares >= 2)).toBe(true);
      expect(Array.from(u2)).toEqual(Array.from(unary(one, op, x, p0, p1)));
    }
    const { layerNorm } = await import('../elementwise/elementwise.js');
    const gamma = rand(92, n, 0.5, 1.5);
    const beta = rand(93, n);
    calls.length = 0;
    const l2 = layerNorm(two, x, rows, n, gamma, beta, 1e-12);
    expect(calls.some((c) => c.symbol === 'f32_layernorm_bits_wasmsimd' && c.shares === 2)).toBe(true);
    expect(Array.from(l2)).toEqual(Array.from(layerNorm(one, x, rows, n, gamma, beta, 1e-12)));
    const res = rand(96, rows * n, -3, 3);
    calls.length = 0;
    const r2 = layerNorm(two, x, rows, n, gamma, beta, 1e-12, res);
    expect(calls.some((c) => c.symbol === 'f32_layernorm_residual_bits_wasmsimd' && c.shares === 2)).toBe(true);
    expect(Array.from(r2)).toEqual(Array.from(layerNorm(one, x, rows, n, gamma, beta, 1e-12, res)));
    const { binary } = await import('../elementwise/elementwise.js');
    for (const [aShape, bShape] of [[[rows, n], [rows, n]], [[rows, n], [n]], [[rows, n], [rows, 1]], [[3, 1, rows, n], [1, 2, 1, n]]] as number[][][]) {
      const a = rand(94, aShape.reduce((p, d) => p * d, 1));
      const b = rand(95, bShape.reduce((p, d) => p * d, 1));
      calls.length = 0;
      const y2 = binary(two, 'mul', a, aShape, b, bShape);
      expect(calls.some((c) => c.symbol === 'f32_binary_wasmsimd' && c.shares >= 2)).toBe(true);
      expect(y2.data.length).toBe(a.length * (bShape[1] === 2 ? 2 : 1));
      expect(Array.from(y2.data)).toEqual(Array.from(binary(one, 'mul', a, aShape, b, bShape).data));
    }
    // QLinearAdd / QLinearMul: the f32 scales cross the pool as f32
    const { qlinearBinary } = await import('../elementwise/elementwise.js');
    const r = rng(96);
    for (const signed of [false, true]) {
      const p = { aScale: 0.0213, aZeroPoint: signed ? -3 : 121, bScale: 0.0371, bZeroPoint: signed ? 5 : 130, cScale: 0.0457, cZeroPoint: signed ? 2 : 127, signed };
      const q = (len: number) => (signed ? Int8Array.from({ length: len }, () => r.int(-128, 127)) : Uint8Array.from({ length: len }, () => r.int(0, 255)));
      for (const [aShape, bShape] of [[[rows, n], [rows, n]], [[rows, n], [n]], [[4, 1, 301, 67], [1, 3, 301, 67]]] as number[][][]) {
        const a = q(aShape.reduce((x, d) => x * d, 1));
        const b = q(bShape.reduce((x, d) => x * d, 1));
        for (const op of ['add', 'mul'] as const) {
          calls.length = 0;
          const y2 = qlinearBinary(two, op, a, aShape, b, bShape, p);
          expect(calls.some((c) => c.symbol === 'q8_qlinear_binary_wasmsimd' && c.shares === 2)).toBe(true);
          expect(Array.from(y2.data)).toEqual(Array.from(qlinearBinary(one, op, a, aShape, b, bShape, p).data));
          if (aShape.length === bShape.length && aShape.every((d, i) => d === bShape[i])) {
            const bad = Array.from(y2.data).findIndex((v, i) => v !== referenceQLinear(op, a[i], b[i], p));
            expect(bad).toBe(-1);
          }
        }
      }
    }
    // byte table passes: whole and per column
    const { lutInto, lutColumnsInto } = await import('../elementwise/lookup.js');
    const xs = Uint8Array.from({ length: rows * n }, () => r.int(0, 255));
    const tables = Uint8Array.from({ length: n * 256 }, () => r.int(0, 255));
    for (const cols of [false, true]) {
      const outs = [one, two].map((k) => scopedBytes(k, xs, tables, (x, y, t) => (cols ? lutColumnsInto(k, x, y, rows, n, t) : lutInto(k, x, y, rows * n, t))));
      expect(calls.some((c) => c.symbol === (cols ? 'x8_lut_columns__scalar' : 'x8_lut__scalar') && c.shares >= 2)).toBe(true);
      expect(outs[1].findIndex((v, i) => v !== (cols ? tables[(i % n) * 256 + xs[i]] : tables[xs[i]]))).toBe(-1);
      expect(Array.from(outs[1])).toEqual(Array.from(outs[0]));
    }
    // per-tensor QuantizeLinear / DequantizeLinear by ranges (a length that leaves a tail)
    const { quantizeLinear, dequantizeLinear, quantLayout } = await import('../quant/quant.js');
    const xq = rand(97, 240_003, -3, 3);
    const layout = quantLayout([xq.length], null);
    for (const [type, zp] of [['u8', new Uint8Array([131])], ['s8', new Int8Array([-7])], ['u16', new Uint16Array([30_000])], ['s16', new Int16Array([-9])]] as const) {
      const scale = new Float32Array([type.endsWith('16') ? 1e-4 : 0.0237]);
      calls.length = 0;
      const q2 = quantizeLinear(two, xq, scale, zp, type, layout);
      const d2 = dequantizeLinear(two, q2, scale, zp, type, layout);
      expect(calls.filter((c) => c.symbol.includes('quantize_linear') && c.shares >= 2)).toHaveLength(2);
      const q1 = quantizeLinear(one, xq, scale, zp, type, layout);
      expect(Array.from(q2)).toEqual(Array.from(q1));
      expect(Array.from(d2)).toEqual(Array.from(dequantizeLinear(one, q1, scale, zp, type, layout)));
    }
    // a fractional parameter cannot cross the pool: one thread
    calls.length = 0;
    expect(Array.from(unary(two, 'leakyrelu', x, 0.1, 0))).toEqual(Array.from(unary(one, 'leakyrelu', x, 0.1, 0)));
    expect(calls.some((c) => c.symbol === 'f32_unary_wasmsimd')).toBe(false);
  });
});
