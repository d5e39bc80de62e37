import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernels } from '../kernels.js';
import { loadKernels } from '../load-kernels.js';
import { referenceQGemm } from '../reference/qgemm.js';
import { QGemmImpl } from './qgemm-impl.js';
import { describeMismatch, firstMismatch, randomGemmCase, referenceGemmCase, runGemmCase } from './qgemm-tester.js';

const SHAPES_M = [1, 2, 3, 4, 5, 6, 7, 11, 13];
const SHAPES_K = [1, 2, 3, 7, 8, 15, 16, 17, 33, 100];
const SHAPES_N = [1, 3, 7, 8, 9, 15, 17, 40];

let k: Kernels;
beforeAll(async () => {
  k = await loadKernels({ variant: 'simd' });
});

describe('integer GEMM (baseline SIMD128) against the TypeScript reference', () => {
  for (const rows of ['large', 'small'] as const) {
    it(`random shapes, every output and sign combination, ${rows}-M path`, () => {
      let seed = rows === 'large' ? 1000 : 5000;
      let checked = 0;
      for (const M of SHAPES_M) {
        for (const K of SHAPES_K) {
          const N = SHAPES_N[(M * 7 + K) % SHAPES_N.length];
          const c = randomGemmCase(seed++, { M, K, N });
          const got = runGemmCase(k, c, rows);
          const want = referenceGemmCase(c);
          const i = firstMismatch(got, want);
          if (i >= 0) expect.fail(describeMismatch(c, got, want, i));
          checked += want.length;
        }
      }
      expect(checked).toBeGreaterThan(1000);
    });
  }

  it('default packing: GEMV for M = 1, few-rows kernel for M = 2…3, int8-weight GEMM for M = 4…12, GEMM above, all exact', () => {
    expect(k.gemmConfig.smallMaxM).toBe(1);
    expect(k.gemmConfig.fewMaxM).toBe(3);
    expect(k.gemmConfig.mediumMaxM).toBe(12);
    expect(k.gemmConfig.medium?.packing).toBe(k.gemmConfig.small.packing);
    for (const M of [1, 2, 3, 4, 5, 7, 8, 12, 13]) {
      const c = randomGemmCase(600 + M, { M, K: 45, N: 27 });
      const got = runGemmCase(k, c);
      const want = referenceGemmCase(c);
      const i = firstMismatch(got, want);
      if (i >= 0) expect.fail(describeMismatch(c, got, want, i));
    }
  });

  it('weights whose i16 packing exceeds largeWeightBytes keep the int8-weight GEMM up to M = 24 (others up to 12); both paths exact', () => {
    const cfg = k.gemmConfig;
    expect(cfg.largeWeightBytes).toBe(2 << 20);
    expect(cfg.mediumMaxMLargeWeights).toBe(24);
    // K = 768: N = 1376 packs to 2 113 536 bytes as i16 (above 2 MiB), N = 1360 to 2 088 960 (below)
    const cases = [[1376, 13, 'c2i8'], [1376, 24, 'c2i8'], [1376, 25, 'c2i16'], [1360, 12, 'c2i8'], [1360, 13, 'c2i16']] as const;
    // the plain packings' thresholds: with Strassen on, these weights keep no plain i16 packing
    // and every M below its minM takes the int8 tile (strassen.test.ts)
    const strassen = k.gemmConfig.strassen;
    k.gemmConfig.strassen = null;
    try {
      for (const [N, M, packing] of cases) {
        const c = randomGemmCase(900 + M + N, { M, K: 768, N });
        const got = runGemmCase(k, c, 'both', (g) => expect((g as QGemmImpl).pathFor(M).packing, `${M}×768×${N}`).toBe(packing));
        const want = referenceGemmCase(c);
        const i = firstMismatch(got, want);
        if (i >= 0) expect.fail(describeMismatch(c, got, want, i));
      }
    } finally {
      k.gemmConfig.strassen = strassen;
    }
  });

  it('covers all four sign combinations with zero points at both ends and per-channel scales', () => {
    let seed = 77;
    for (const aSigned of [false, true]) {
      for (const bSigned of [false, true]) {
        for (const za of aSigned ? [-128, 127] : [0, 255]) {
          for (const output of ['u8', 's8', 'f32', 'i32'] as const) {
            const N = 19;
            const zb = Array.from({ length: N }, (_, n) => (bSigned ? (n % 2 ? -128 : 127) : n % 2 ? 0 : 255));
            const c = randomGemmCase(seed++, { M: 6, K: 37, N }, { aSigned, bSigned, za, zb, output });
            const got = runGemmCase(k, c);
            const want = referenceGemmCase(c);
            const i = firstMismatch(got, want);
            if (i >= 0) expect.fail(describeMismatch(c, got, want, i));
          }
        }
      }
    }
  });

  it('saturates at both ends of u8 and s8', () => {
    for (const output of ['u8', 's8'] as const) {
      const c = randomGemmCase(9, { M: 9, K: 64, N: 24 }, { output, scale: 0.05, zy: output === 'u8' ? 128 : 0 });
      const got = runGemmCase(k, c);
      const want = referenceGemmCase(c);
      expect(firstMismatch(got, want)).toBe(-1);
      const lo = output === 'u8' ? 0 : -128;
      expect(Array.from(got).filter((v) => v === lo).length).toBeGreaterThan(10);
      expect(Array.from(got).filter((v) => v === lo + 255).length).toBeGreaterThan(10);
    }
  });

  it('rounds exact halves to even (x.5 cases)', () => {
    // one row, K = 1: acc = a·b, scale 0.5 → every odd product lands on a half
    const b = Int8Array.from({ length: 16 }, (_, i) => i - 8);
    const g = k.createQGemm({
      K: 1, N: 16, weights: b, weightZeroPoint: 0, activationSigned: false, activationZeroPoint: 0,
      output: 's8', scale: 0.5, outputZeroPoint: 0,
    });
    const got = g.runArrays(1, Uint8Array.of(1));
    g.dispose();
    expect(Array.from(got)).toEqual([-4, -4, -3, -2, -2, -2, -1, 0, 0, 0, 1, 2, 2, 2, 3, 4]);
  });

  it('transposed weights ([N, K], Gemm transB) match', () => {
    const c = randomGemmCase(31, { M: 7, K: 29, N: 21 }, { transposeB: true });
    const got = runGemmCase(k, c);
    expect(firstMismatch(got, referenceGemmCase(c))).toBe(-1);
  });

  it('per-run activation zero point and scale (dynamic quantization path)', () => {
    const c = randomGemmCase(41, { M: 5, K: 48, N: 16 }, { output: 'f32', aSigned: false, za: 3, biasF32: undefined });
    const g = k.createQGemm({
      K: c.K, N: c.N, weights: c.b, weightZeroPoint: c.zb, activationSigned: false, activationZeroPoint: 0,
      output: 'f32', scale: 1,
    });
    const pa = k.heap.put(c.a);
    const po = k.heap.alloc(c.M * c.N * 4);
    g.run({ M: c.M, a: pa, out: po, activationZeroPoint: 200, scale: 0.125 });
    const got = k.heap.f32.slice(po >> 2, (po >> 2) + c.M * c.N);
    k.heap.free(pa);
    k.heap.free(po);
    g.dispose();
    const want = referenceQGemm({ ...c, aZeroPoint: 200, bZeroPoint: c.zb, scale: 0.125, output: 'f32', bias: undefined });
    expect(firstMismatch(got, want)).toBe(-1);
  });

  it('rejects bad arguments with a message naming the field', () => {
    expect(() =>
      k.createQGemm({ K: 4, N: 2, weights: new Int8Array(7), weightZeroPoint: 0, activationSigned: false, activationZeroPoint: 0, output: 'i32' }),
    ).toThrow(/weights: expected K·N = 8/);
    expect(() =>
      k.createQGemm({ K: 4, N: 2, weights: new Int8Array(8), weightZeroPoint: 300, activationSigned: false, activationZeroPoint: 0, output: 'i32' }),
    ).toThrow(/weight zero point/);
    expect(() =>
      k.createQGemm({ K: 4, N: 2, weights: new Int8Array(8), weightZeroPoint: [0, 1, 2], activationSigned: false, activationZeroPoint: 0, output: 'i32' }),
    ).toThrow(/expected 1 or 2/);
    expect(() =>
      k.createQGemm({ K: 4, N: 2, weights: new Int8Array(8), weightZeroPoint: 0, activationSigned: true, activationZeroPoint: 200, output: 'u8', scale: 1 }),
    ).toThrow(/activation zero point/);
  });

  it('reserve(maxM): runs with M ≤ maxM on every path allocate nothing and stay exact', () => {
    const c = randomGemmCase(777, { M: 41, K: 37, N: 19 }, { output: 'u8' });
    const g = k.createQGemm({
      K: c.K, N: c.N, weights: c.b, weightZeroPoint: c.zb, activationSigned: c.aSigned, activationZeroPoint: c.za,
      output: c.output, scale: c.scale, outputZeroPoint: c.zy, outputMin: c.outputMin, outputMax: c.outputMax, bias: c.bias,
    });
    const pa = k.heap.put(c.a);
    const po = k.heap.alloc(c.M * c.N);
    try {
      g.reserve(40);
      const allocated = k.heap.allocated;
      const bytes = k.memory.buffer.byteLength;
      for (const M of [40, 1, 2, 3, 4, 17, 39]) {
        g.run({ M, a: pa, out: po });
        const want = referenceGemmCase({ ...c, M, a: c.a.subarray(0, M * c.K) });
        expect(firstMismatch(k.heap.u8.subarray(po, po + M * c.N), want)).toBe(-1);
      }
      expect(k.heap.allocated).toBe(allocated);
      expect(k.memory.buffer.byteLength).toBe(bytes);
      // past the reservation the run grows its scratch itself
      g.run({ M: 41, a: pa, out: po });
      expect(k.heap.allocated).toBeGreaterThan(allocated);
      expect(() => g.reserve(0)).toThrow(/maxM/);
    } finally {
      g.dispose();
    }
    // GEMV packing only: M = 2 takes the few-rows kernel, whose tiles pad to 3 rows
    const small = k.createQGemm({
      K: c.K, N: c.N, weights: c.b, weightZeroPoint: c.zb, activationSigned: c.aSigned, activationZeroPoint: c.za,
      output: c.output, scale: c.scale, outputZeroPoint: c.zy, outputMin: c.outputMin, outputMax: c.outputMax, bias: c.bias, rows: 'small',
    });
    try {
      small.reserve(2);
      const allocated = k.heap.allocated;
      for (const M of [2, 1]) {
        small.run({ M, a: pa, out: po });
        expect(firstMismatch(k.heap.u8.subarray(po, po + M * c.N), referenceGemmCase({ ...c, M, a: c.a.subarray(0, M * c.K) }))).toBe(-1);
      }
      expect(k.heap.allocated).toBe(allocated);
    } finally {
      small.dispose();
      k.heap.free(pa);
      k.heap.free(po);
    }
  });

  it('weight packing: row-major and column-major block paths give the bytes and column sums of the element loop', () => {
    // the same [K, N] weights row-major (cs = 1), column-major (rs = 1, Gemm transB) and with
    // stride-2 columns (the element loop), for every packing, both signs, K tails and partial blocks
    let s = 12345;
    for (const [K, N] of [[1, 8], [2, 9], [3, 17], [7, 24], [16, 8], [17, 8], [33, 40], [48, 16], [64, 7], [100, 24]]) {
      const w = Int8Array.from({ length: K * N }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24) - 128);
      const wt = new Int8Array(K * N);
      const w2 = new Int8Array(2 * K * N);
      for (let r = 0; r < K; r++) {
        for (let n = 0; n < N; n++) {
          wt[n * K + r] = w[r * N + n];
          w2[r * 2 * N + 2 * n] = w[r * N + n];
        }
      }
      const layouts = [[k.heap.put(w), N, 1], [k.heap.put(wt), 1, K], [k.heap.put(w2), 2 * N, 2]];
      const Np = (N + 7) & ~7;
      for (const [kc, esize] of [[2, 2], [2, 1], [4, 1]]) {
        for (const xor of [0, 0x80]) {
          const bytes = Np * Math.ceil(K / kc) * kc * esize;
          const packed = layouts.map(([src, rs, cs]) => {
            const d = k.heap.alloc(bytes);
            const c = k.heap.alloc(Np * 4);
            k.exports.qs8_gemm_pack_w(src, K, N, rs, cs, xor, kc, esize, d, c);
            const out = { b: k.heap.u8.slice(d, d + bytes), colsum: k.heap.i32.slice(c >> 2, (c >> 2) + Np) };
            k.heap.free(d);
            k.heap.free(c);
            return out;
          });
          const what = `K=${K} N=${N} kc=${kc} esize=${esize} xor=${xor}`;
          for (const p of packed.slice(0, 2)) {
            expect(p.b, what).toEqual(packed[2].b);
            expect(p.colsum, what).toEqual(packed[2].colsum);
          }
        }
      }
      for (const [src] of layouts) k.heap.free(src);
    }
  });

  it('does not leak heap memory across create/run/dispose', () => {
    const before = k.heap.allocated;
    for (let i = 0; i < 3; i++) runGemmCase(k, randomGemmCase(i, { M: 3, K: 20, N: 9 }));
    expect(k.heap.allocated).toBe(before);
  });
});

afterAll(async () => {
  await k?.dispose();
});
