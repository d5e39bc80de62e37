// One Strassen level on the large GEMM path (assembly/gemm/strassen-4x8c2-template.ts): every
// output type bit-identical to the plain TypeScript reference, on edge shapes, extreme values,
// small scratch blocks, two threads, shape changes, and the fused quantize + shared packed A path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { i16PackedBytes, selectGemmConfig, strassenConfig, type GemmConfig, type StrassenConfig } from '../configs/gemm-config.js';
import type { Kernels } from '../kernels.js';
import { loadKernels } from '../load-kernels.js';
import { dynamicQuantizeLinear } from '../quant/quant.js';
import { rng } from '../reference/random.js';
import type { QGemmOptions, QOutputType } from './gemm.js';
import type { KernelContext } from './kernel-context.js';
import { QGemmImpl } from './qgemm-impl.js';
import { describeMismatch, firstMismatch, randomGemmCase, referenceGemmCase, type GemmCase } from './qgemm-tester.js';
import { strassenHalves, strassenWeightBytes } from './strassen.js';

let k: Kernels;
let k2: Kernels;
beforeAll(async () => {
  k = await loadKernels({ variant: 'simd' });
  k2 = await loadKernels({ threads: 2 });
});
afterAll(async () => {
  await k.dispose();
  await k2.dispose();
});

const contexts = new Map<string, KernelContext>();
/** The loaded kernels with Strassen on (strassenConfig() with `over` replaced), or off (null). */
function ctxWith(kk: Kernels, over: Partial<StrassenConfig> | null): KernelContext {
  const key = `${kk === k ? 1 : 2}:${JSON.stringify(over)}`;
  let c = contexts.get(key);
  if (!c) {
    const base = kk.gemmConfig;
    const gemmConfig: GemmConfig = { ...base, strassen: over === null ? null : { ...strassenConfig(), ...over } };
    c = { variant: kk.variant, exports: kk.exports, heap: kk.heap, gemmConfig, pool: kk.pool };
    contexts.set(key, c);
  }
  return c;
}
const ALWAYS = { minM: 1, minK: 1, minN: 1 };

function optionsOf(c: GemmCase, rows: 'large' | 'both' = 'large'): QGemmOptions {
  return {
    K: c.K, N: c.N, weights: c.b, weightZeroPoint: c.zb, activationSigned: c.aSigned, activationZeroPoint: c.za,
    output: c.output, scale: c.scale, outputZeroPoint: c.zy, outputMin: c.outputMin, outputMax: c.outputMax,
    bias: c.bias, biasF32: c.biasF32, rows,
  };
}

/** Runs the case on a QGemm of `ctx` that must take the Strassen level, and checks it bit-exactly. */
function expectExact(ctx: KernelContext, c: GemmCase, rows: 'large' | 'both' = 'large'): void {
  const g = new QGemmImpl(ctx, optionsOf(c, rows));
  try {
    expect(g.usesStrassen(c.M), `M=${c.M} K=${c.K} N=${c.N} takes Strassen`).toBe(true);
    const got = g.runArrays(c.M, c.a);
    const want = referenceGemmCase(c);
    const i = firstMismatch(got, want);
    if (i >= 0) expect.fail(describeMismatch(c, got, want, i));
  } finally {
    g.dispose();
  }
}

/** A case whose activations and weights take only the ends of their ranges. */
function extremeCase(seed: number, M: number, K: number, N: number, output: QOutputType): GemmCase {
  const c = randomGemmCase(seed, { M, K, N }, { output });
  const r = rng(seed + 1);
  const aLo = c.aSigned ? -128 : 0, bLo = c.bSigned ? -128 : 0;
  for (let i = 0; i < c.a.length; i++) c.a[i] = r.int(0, 1) ? aLo : aLo + 255;
  for (let i = 0; i < c.b.length; i++) c.b[i] = r.int(0, 1) ? bLo : bLo + 255;
  return c;
}

describe('Strassen level of the integer GEMM (baseline SIMD128) against the TypeScript reference', () => {
  it('edge shapes (odd M, K, N; partial tiles in every quadrant), every output and sign combination, one row tile per block and the default blocks', () => {
    let seed = 7000;
    let checked = 0;
    for (const blocks of [{ aBlockBytes: 1 }, { aBlockBytes: 192 * 1024 }]) {
      const ctx = ctxWith(k, { ...ALWAYS, ...blocks });
      for (const M of [1, 4, 5, 8, 9, 13, 17, 33, 70]) {
        for (const K of [1, 2, 3, 4, 5, 17, 63, 100]) {
          const N = [1, 7, 8, 9, 16, 17, 33, 40][(M * 3 + K) % 8];
          const c = randomGemmCase(seed++, { M, K, N });
          expectExact(ctx, c);
          checked += M * N;
        }
      }
    }
    expect(checked).toBeGreaterThan(10000);
  });

  it('extreme values (0/255, −128/127 and extreme zero points) at depths up to 20 000: block sums and i32 accumulators exact', () => {
    const ctx = ctxWith(k, { ...ALWAYS, aBlockBytes: 1 });
    let seed = 8000;
    for (const output of ['i32', 'f32', 'u8', 's8'] as const) {
      for (const [M, K, N] of [[9, 4001, 17], [16, 20000, 16], [12, 1023, 40]]) expectExact(ctx, extremeCase(seed++, M, K, N, output));
    }
    // the largest products of every block sum: A at its maximum, B at its minimum, zero points 0
    const M = 8, K = 20000, N = 16;
    const c = randomGemmCase(8100, { M, K, N }, {
      aSigned: false, bSigned: true, output: 'i32', za: 0, zb: 0, bias: undefined,
      a: new Uint8Array(M * K).fill(255), b: new Int8Array(K * N).fill(-128),
    });
    expectExact(ctx, c);
    expect(referenceGemmCase(c)[0]).toBe(-255 * 128 * K);
  });

  it('default configuration: the MiniLM shapes take Strassen, exact; small M, K or N keep the plain kernel', () => {
    const ctx: KernelContext = k;
    const cfg = ctx.gemmConfig.strassen!;
    let seed = 8200;
    for (const [K, N, output] of [[384, 384, 'u8'], [384, 1536, 'f32'], [1536, 384, 's8']] as const) {
      expectExact(ctx, randomGemmCase(seed++, { M: 128, K, N }, { output }), 'both');
    }
    const small = new QGemmImpl(ctx, optionsOf(randomGemmCase(seed++, { M: 128, K: cfg.minK - 1, N: 384 }), 'both'));
    const narrow = new QGemmImpl(ctx, optionsOf(randomGemmCase(seed++, { M: 128, K: 384, N: cfg.minN - 1 }), 'both'));
    const wide = new QGemmImpl(ctx, optionsOf(randomGemmCase(seed++, { M: 128, K: 384, N: 384 }), 'both'));
    expect([small.usesStrassen(128), narrow.usesStrassen(128), wide.usesStrassen(cfg.minM - 1), wide.usesStrassen(cfg.minM)]).toEqual([false, false, false, true]);
    for (const g of [small, narrow, wide]) g.dispose();
  });

  it('weights with both packings keep int8 + Strassen only: M below minM takes the int8 tile, every M exact', () => {
    const ctx = ctxWith(k, { minM: 32, minK: 1, minN: 1 });
    const base = randomGemmCase(8700, { M: 40, K: 90, N: 50 }, { output: 's8' });
    const create = (c: KernelContext, rows: 'large' | 'both'): [QGemmImpl, number] => {
      const before = k.heap.allocated;
      const q = new QGemmImpl(c, optionsOf(base, rows));
      return [q, k.heap.allocated - before];
    };
    const [g, withStrassen] = create(ctx, 'both');
    const [plain, withoutStrassen] = create(ctxWith(k, null), 'both');
    // the large-only QGemm keeps its i16 packing: nothing else would serve its small M
    const [only] = create(ctx, 'large');
    try {
      expect(withStrassen - withoutStrassen).toBe(strassenWeightBytes(90, 50) - i16PackedBytes(90, 50));
      expect(only.pathFor(20).packing).toBe('c2i16');
      const r = rng(8701);
      for (const M of [13, 20, 31, 32, 40, 1, 12]) {
        const a = base.aSigned ? new Int8Array(M * 90) : new Uint8Array(M * 90);
        for (let i = 0; i < a.length; i++) a[i] = r.int(base.aSigned ? -128 : 0, base.aSigned ? 127 : 255);
        const cm: GemmCase = { ...base, M, a };
        expect(g.usesStrassen(M), `M=${M}`).toBe(M >= 32);
        if (M > 12 && M < 32) expect(g.pathFor(M).packing).toBe('c2i8');
        for (const q of [g, only, plain]) {
          const got = q.runArrays(M, a);
          const want = referenceGemmCase(cm);
          const i = firstMismatch(got, want);
          if (i >= 0) expect.fail(describeMismatch(cm, got, want, i));
        }
      }
    } finally {
      for (const q of [g, only, plain]) q.dispose();
    }
  });

  it('on by default in the baseline builds, off in the relaxed ones; strassen: null packs no Strassen operands', () => {
    expect(['simd', 'threads', 'relaxed', 'relaxed-threads'].map((v) => selectGemmConfig(v as 'simd').strassen !== null)).toEqual([true, true, false, false]);
    expect(k.gemmConfig.strassen).toEqual(strassenConfig());
    const g = new QGemmImpl(ctxWith(k, null), { K: 384, N: 384, weights: new Int8Array(384 * 384), weightZeroPoint: 0, activationSigned: false, activationZeroPoint: 0, output: 'i32' });
    expect((g as QGemmImpl).usesStrassen(128)).toBe(false);
    expect((g as unknown as { strassenB: number }).strassenB).toBe(0);
    g.dispose();
    // opted in on the relaxed configuration, its int8 k-quad packing still gets no Strassen operands
    const relaxed: KernelContext = { variant: 'relaxed', exports: k.exports, heap: k.heap, gemmConfig: { ...selectGemmConfig('relaxed'), strassen: strassenConfig() }, pool: null };
    const r = new QGemmImpl(relaxed, { K: 384, N: 384, weights: new Int8Array(384 * 384), weightZeroPoint: 0, activationSigned: false, activationZeroPoint: 0, output: 'i32' });
    expect([r.usesStrassen(128), (r as unknown as { strassenB: number }).strassenB]).toEqual([false, 0]);
    r.dispose();
  });

  it('weight operands take 1.75× the i16 packing of the padded weights', () => {
    expect(strassenWeightBytes(384, 1536)).toBe(1.75 * 384 * 1536 * 2);
    // padded to k-pairs of 2 and 16 columns: 7 × ⌈⌈99/2⌉/2⌉ pairs × 32 bytes × 16 half-width panels of 8
    expect(strassenWeightBytes(99, 250)).toBe(7 * 25 * 32 * 16);
  });

  it('2 threads (dynamic chunks, per-thread scratch): exact, one row tile per block and the default blocks', () => {
    // 301×299×40: 3 half panels for 8 chunks, so the rows split too
    let seed = 8300;
    for (const [over, M, K, N] of [[{ ...ALWAYS, aBlockBytes: 1 }, 70, 100, 40], [{ ...ALWAYS, aBlockBytes: 1 }, 9, 333, 300], [{}, 128, 384, 384], [{}, 260, 256, 264], [ALWAYS, 301, 299, 40]] as const) {
      for (const output of ['u8', 'f32'] as const) expectExact(ctxWith(k2, over), randomGemmCase(seed++, { M, K, N }, { output }));
    }
  });

  it('one packed weight, changing M between runs (Strassen, plain, Strassen again): every run exact', () => {
    const ctx = ctxWith(k, { minM: 64, minK: 1, minN: 1, aBlockBytes: 1000 });
    const base = randomGemmCase(8400, { M: 130, K: 77, N: 45 }, { output: 'f32' });
    const g = new QGemmImpl(ctx, optionsOf(base, 'both'));
    try {
      const r = rng(8401);
      const lo = base.aSigned ? -128 : 0;
      for (const M of [70, 13, 130, 64, 1, 66]) {
        const a = base.aSigned ? new Int8Array(M * 77) : new Uint8Array(M * 77);
        for (let i = 0; i < a.length; i++) a[i] = r.int(lo, lo + 255);
        const cm: GemmCase = { ...base, M, a };
        expect(g.usesStrassen(M)).toBe(M >= 64);
        const got = g.runArrays(M, a);
        const want = referenceGemmCase(cm);
        const i = firstMismatch(got, want);
        if (i >= 0) expect.fail(describeMismatch(cm, got, want, i));
      }
    } finally {
      g.dispose();
    }
  });

  it('reserve(maxM) covers the Strassen operands and scratch: runs with M ≤ maxM allocate nothing and stay exact', () => {
    const ctx = ctxWith(k, { minM: 64, minK: 1, minN: 1 });
    const c = randomGemmCase(8600, { M: 150, K: 70, N: 33 }, { output: 'u8' });
    const g = new QGemmImpl(ctx, optionsOf(c, 'both'));
    const pa = k.heap.put(c.a);
    const po = k.heap.alloc(c.M * c.N);
    try {
      g.reserve(150);
      const allocated = k.heap.allocated;
      const bytes = k.memory.buffer.byteLength;
      for (const M of [150, 64, 20, 99]) {
        expect(g.usesStrassen(M)).toBe(M >= 64);
        g.run({ M, a: pa, out: po });
        const want = referenceGemmCase({ ...c, M, a: c.a.subarray(0, M * c.K) });
        expect(firstMismatch(k.heap.u8.subarray(po, po + M * c.N), want)).toBe(-1);
      }
      expect(k.heap.allocated).toBe(allocated);
      expect(k.memory.buffer.byteLength).toBe(bytes);
    } finally {
      g.dispose();
      k.heap.free(pa);
      k.heap.free(po);
    }
  });

  it('reserve(maxM) after a run: a GEMM sharing that packed A repacks instead of reading the regrown buffers', () => {
    const ctx = ctxWith(k, { minM: 32, minK: 1, minN: 1 });
    const M = 40, K = 90;
    const q = randomGemmCase(8700, { M, K, N: 48 }, { output: 'i32' });
    const kc = randomGemmCase(8701, { M, K, N: 40 }, { output: 'i32', a: q.a, aSigned: q.aSigned, za: q.za });
    const gq = new QGemmImpl(ctx, optionsOf(q)), gk = new QGemmImpl(ctx, optionsOf(kc));
    const pa = k.heap.put(q.a);
    const oq = k.heap.alloc(M * q.N * 4), ok = k.heap.alloc(M * kc.N * 4);
    try {
      expect(gq.usesStrassen(M) && gk.usesStrassen(M)).toBe(true);
      gq.run({ M, a: pa, out: oq });
      gq.reserve(400); // regrows Q's packed A, row terms and Strassen operands
      gk.run({ M, a: pa, out: ok, packedA: gq });
      const got = k.heap.i32.slice(ok >> 2, (ok >> 2) + M * kc.N), want = referenceGemmCase(kc);
      const i = firstMismatch(got, want);
      if (i >= 0) expect.fail(describeMismatch(kc, got, want, i));
    } finally {
      gq.dispose();
      gk.dispose();
      for (const p of [pa, oq, ok]) k.heap.free(p);
    }
  });

  it('fused quantize + packed A shared by three GEMMs (Q, K, V): equals the plain kernel on the quantized A', () => {
    const M = 72, K = 200, Ns = [24, 56, 40];
    const on = ctxWith(k, { ...ALWAYS, aBlockBytes: 1000 });
    const off = ctxWith(k, null);
    const r = rng(8500);
    const x = Float32Array.from({ length: M * K }, () => r.float() * 8 - 3);
    const dq = dynamicQuantizeLinear(k, x);
    const heap = k.heap;
    const px = heap.put(x), pq = heap.put(dq.y);
    const outs: number[] = [];
    let prev: QGemmImpl | undefined;
    const made: QGemmImpl[] = [];
    try {
      for (const [i, N] of Ns.entries()) {
        const w = Int8Array.from({ length: K * N }, () => r.int(-128, 127));
        const opts: QGemmOptions = { K, N, weights: w, weightZeroPoint: 0, activationSigned: false, activationZeroPoint: 0, output: 'f32', scale: 0.01, rows: 'large' };
        const fused = new QGemmImpl(on, opts), plain = new QGemmImpl(off, opts);
        made.push(fused, plain);
        expect(fused.usesStrassen(M)).toBe(true);
        const o1 = heap.alloc(M * N * 4), o2 = heap.alloc(M * N * 4);
        outs.push(o1, o2);
        fused.run({ M, a: px, out: o1, aQuantize: dq, scale: dq.scale * 0.01, packedA: prev });
        plain.run({ M, a: pq, out: o2, activationZeroPoint: dq.zeroPoint, scale: dq.scale * 0.01 });
        const got = heap.u8.slice(o1, o1 + M * N * 4), want = heap.u8.slice(o2, o2 + M * N * 4);
        expect(got.every((v, j) => v === want[j]), `GEMM ${i}`).toBe(true);
        // the second and third GEMMs packed no A of their own (shared, Strassen operands included)
        if (i > 0) expect((fused as unknown as { act: { packed: unknown; strassenReady: boolean } }).act).toMatchObject({ packed: null, strassenReady: false });
        prev = fused;
      }
    } finally {
      for (const g of made) g.dispose();
      for (const p of [px, pq, ...outs]) heap.free(p);
    }
  });
});
