import { beforeAll, describe, expect, it } from 'vitest';
import type { Kernels } from '../kernels.js';
import { loadKernels } from '../load-kernels.js';
import { convOutputSize, referenceConv2d, referenceSgemm, type Conv2dShape, type SgemmCase } from '../reference/f32.js';
import { rng } from '../reference/random.js';
import { createConv2d } from './conv2d.js';
import { createSgemm, matmulBatchInto, matmulInto, packedBFloats } from './sgemm.js';

let k: Kernels;
beforeAll(async () => {
  k = await loadKernels({ variant: 'simd' });
});

const rand = (seed: number, n: number) => {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => r.float() * 2 - 1);
};

/** |got − want| ≤ tol · (Σ|terms| + 1), the fp32 accumulation bound with margin. */
function expectClose(got: Float32Array, want: Float64Array, scale: number, tol = 2e-6): void {
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * (scale + 1))) expect.fail(`element ${i}: got ${got[i]}, want ${want[i]}`);
  }
}

describe('fp32 SGEMM against the TypeScript reference', () => {
  it('shapes around the 4×8 tile, M = 1, transB, every bias kind, clamps', () => {
    let seed = 1;
    for (const M of [1, 2, 3, 4, 5, 9, 13]) {
      for (const [K, N] of [[1, 1], [3, 7], [8, 8], [17, 9], [64, 33], [5, 16]]) {
        for (const transB of [false, true]) {
          const kinds = [null, 'col', 'row', 'full'] as const;
          const kind = kinds[seed % 4];
          const c: SgemmCase = {
            M, N, K, transB,
            a: rand(seed++, M * K),
            b: rand(seed++, K * N),
            bias: kind ? { kind, data: rand(seed++, kind === 'col' ? N : kind === 'row' ? M : M * N) } : null,
            lo: seed % 3 === 0 ? 0 : seed % 3 === 1 ? -0.5 : -Infinity,
            hi: seed % 3 === 1 ? 0.75 : Infinity,
          };
          const g = createSgemm(k, { K, N, b: c.b, transB, bias: c.bias, clamp: [c.lo, c.hi] });
          const got = g.run(c.a, M);
          g.dispose();
          expectClose(got, referenceSgemm(c), K);
        }
      }
    }
  });
});

describe('matmulInto (both operands in WASM memory, strided)', () => {
  it('packs B per call, honours lda/ldb/ldc and transB', () => {
    let seed = 500;
    for (const [M, K, N] of [[1, 5, 3], [7, 16, 9], [12, 33, 20]]) {
      for (const transB of [false, true]) {
        const a = rand(seed++, M * K);
        const b = rand(seed++, K * N);
        const want = referenceSgemm({ M, N, K, a, b, transB, bias: null, lo: -Infinity, hi: Infinity });
        const m = k.heap.mark();
        // A and C embedded in wider rows (lda = K + 3, ldc = N + 2)
        const lda = K + 3;
        const ldc = N + 2;
        const ap = k.heap.alloc(M * lda * 4);
        for (let i = 0; i < M; i++) k.heap.f32.set(a.subarray(i * K, (i + 1) * K), (ap >> 2) + i * lda);
        const bp = k.heap.put(b);
        const cp = k.heap.alloc(M * ldc * 4);
        const scratch = k.heap.alloc(packedBFloats(K, N) * 4);
        matmulInto(k, { M, N, K, a: ap, lda, b: bp, transB, c: cp, ldc, scratch });
        const got = new Float32Array(M * N);
        for (let i = 0; i < M; i++) got.set(k.heap.f32.subarray((cp >> 2) + i * ldc, (cp >> 2) + i * ldc + N), i * N);
        k.heap.release(m);
        expectClose(got, want, K);
      }
    }
  });
});

describe('matmulBatchInto in the attention layout (heads interleaved in [T, H·D] rows)', () => {
  it('Q·Kᵀ and P·V per head through strides: transposed B packed 4 k at a time, K % 4 ≠ 0, partial panels', () => {
    let seed = 900;
    // [T, heads, D]: Q and K rows of one head are D values every heads·D; P is [heads, T, T]; the
    // context is written back interleaved ([T, heads, D], ldc = heads·D) as a folded transpose does.
    for (const [T, heads, D] of [[13, 3, 6], [16, 2, 8], [9, 2, 13], [21, 1, 4]]) {
      const q = rand(seed++, T * heads * D);
      const kk = rand(seed++, T * heads * D);
      const v = rand(seed++, T * heads * D);
      const p = rand(seed++, heads * T * T);
      const head = (x: Float32Array, h: number) => {
        const out = new Float32Array(T * D);
        for (let t = 0; t < T; t++) out.set(x.subarray((t * heads + h) * D, (t * heads + h + 1) * D), t * D);
        return out;
      };
      const m = k.heap.mark();
      const [qp, kp, vp, pp] = [q, kk, v, p].map((x) => k.heap.put(x));
      const sp = k.heap.alloc(heads * T * T * 4);
      const op = k.heap.alloc(T * heads * D * 4);
      const scratch = [k.heap.alloc(packedBFloats(Math.max(T, D), Math.max(T, D)) * 4)];
      const hs = Array.from({ length: heads }, (_, h) => h);
      matmulBatchInto(k, {
        M: T, N: T, K: D, a: qp, lda: heads * D, b: kp, ldb: heads * D, transB: true, c: sp, ldc: T,
        aOff: hs.map((h) => h * D), bOff: hs.map((h) => h * D), cOff: hs.map((h) => h * T * T), scratch,
      });
      matmulBatchInto(k, {
        M: T, N: D, K: T, a: pp, lda: T, b: vp, ldb: heads * D, c: op, ldc: heads * D,
        aOff: hs.map((h) => h * T * T), bOff: hs.map((h) => h * D), cOff: hs.map((h) => h * D), scratch,
      });
      const scores = k.heap.f32.slice(sp >> 2, (sp >> 2) + heads * T * T);
      const ctx = k.heap.f32.slice(op >> 2, (op >> 2) + T * heads * D);
      k.heap.release(m);
      for (const h of hs) {
        const qk = referenceSgemm({ M: T, N: T, K: D, a: head(q, h), b: head(kk, h), transB: true, bias: null, lo: -Infinity, hi: Infinity });
        expectClose(scores.subarray(h * T * T, (h + 1) * T * T), qk, D);
        const pv = referenceSgemm({ M: T, N: D, K: T, a: p.subarray(h * T * T, (h + 1) * T * T), b: head(v, h), transB: false, bias: null, lo: -Infinity, hi: Infinity });
        expectClose(head(ctx, h), pv, T);
      }
    }
  });
});

describe('fp32 Conv2d against the TypeScript reference', () => {
  const cases: Conv2dShape[] = [
    { N: 1, C: 3, H: 9, W: 11, OC: 5, kh: 3, kw: 3, sh: 1, sw: 1, pads: [1, 1, 1, 1], dh: 1, dw: 1, group: 1 },
    { N: 2, C: 4, H: 8, W: 7, OC: 6, kh: 3, kw: 2, sh: 2, sw: 1, pads: [0, 1, 1, 0], dh: 1, dw: 1, group: 2 },
    { N: 1, C: 8, H: 6, W: 6, OC: 12, kh: 1, kw: 1, sh: 1, sw: 1, pads: [0, 0, 0, 0], dh: 1, dw: 1, group: 1 }, // 1×1 fast path
    { N: 1, C: 5, H: 17, W: 19, OC: 3, kh: 1, kw: 1, sh: 1, sw: 1, pads: [0, 0, 0, 0], dh: 1, dw: 1, group: 1 }, // 1×1, HW > chunk, odd
    { N: 1, C: 6, H: 10, W: 13, OC: 6, kh: 3, kw: 3, sh: 1, sw: 1, pads: [1, 1, 1, 1], dh: 1, dw: 1, group: 6 }, // depthwise
    { N: 2, C: 4, H: 9, W: 9, OC: 8, kh: 5, kw: 5, sh: 2, sw: 2, pads: [2, 2, 2, 2], dh: 1, dw: 1, group: 4 }, // depthwise ×2, stride 2
    { N: 1, C: 3, H: 12, W: 12, OC: 3, kh: 3, kw: 3, sh: 1, sw: 1, pads: [2, 2, 2, 2], dh: 2, dw: 2, group: 3 }, // dilated depthwise
    { N: 1, C: 2, H: 20, W: 20, OC: 4, kh: 3, kw: 3, sh: 1, sw: 1, pads: [0, 0, 0, 0], dh: 2, dw: 3, group: 1 }, // dilated
    { N: 1, C: 1, H: 1, W: 40, OC: 7, kh: 1, kw: 5, sh: 1, sw: 3, pads: [0, 2, 0, 2], dh: 1, dw: 1, group: 1 }, // 1-D
    { N: 5, C: 19, H: 1, W: 1, OC: 13, kh: 1, kw: 1, sh: 1, sw: 1, pads: [0, 0, 0, 0], dh: 1, dw: 1, group: 1 }, // 1×1 plane: the batch as GEMM rows (bias, ReLU)
    { N: 3, C: 8, H: 1, W: 1, OC: 6, kh: 1, kw: 1, sh: 1, sw: 1, pads: [0, 0, 0, 0], dh: 1, dw: 1, group: 1 }, // the same without bias or clamp
  ];
  for (const [i, s] of cases.entries()) {
    it(`case ${i}: C=${s.C} OC=${s.OC} k=${s.kh}×${s.kw} s=${s.sh}×${s.sw} g=${s.group}`, () => {
      const x = rand(10 + i, s.N * s.C * s.H * s.W);
      const w = rand(20 + i, s.OC * (s.C / s.group) * s.kh * s.kw);
      const bias = i % 2 ? rand(30 + i, s.OC) : null;
      const clamp: [number, number] = i % 3 === 0 ? [0, Infinity] : [-Infinity, Infinity];
      const conv = createConv2d(k, {
        C: s.C, OC: s.OC, kernel: [s.kh, s.kw], strides: [s.sh, s.sw], pads: s.pads, dilations: [s.dh, s.dw], group: s.group, weights: w, bias, clamp,
        inputSize: [s.H, s.W],
      });
      const got = conv.run(x, [s.N, s.C, s.H, s.W]);
      conv.dispose();
      expect(got.shape).toEqual([s.N, s.OC, ...convOutputSize(s)]);
      expectClose(got.data, referenceConv2d(x, w, bias, s, clamp[0], clamp[1]), (s.C / s.group) * s.kh * s.kw);
    });
  }
});
