// DynamicQuantizeLinear fused into the GEMM's activation packing (qu8_gemm_quantize_pack_a,
// QGemm `aQuantize`) and one packed A shared between GEMMs (`packedA`): both bit-identical to
// quantizing to u8 first and packing / running each GEMM on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernels } from '../kernels.js';
import { loadKernels } from '../load-kernels.js';
import { dynamicQuantizeLinear, quantizeLinear } from '../quant/quant.js';
import { referenceDynamicQuantizeLinear, referenceQuantizeLinear } from '../reference/quant.js';
import { rng } from '../reference/random.js';
import type { QGemm, QGemmOptions, QOutputType } from './gemm.js';
import { QGemmImpl } from './qgemm-impl.js';

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

/** Activations with the awkward values: exact half steps (ties), 0, ±Inf, NaN, beyond the range. */
function activations(seed: number, n: number, tieScale?: number): Float32Array {
  const r = rng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = (r.int(0, 2 ** 20) / 2 ** 20) * 8 - 3;
  for (let i = 0; i < n; i += 7) {
    const pick = r.int(0, 5);
    if (pick === 0 && tieScale) x[i] = Math.fround((r.int(-300, 500) + 0.5) * tieScale);
    else if (pick === 1) x[i] = 0;
    else if (pick === 2) x[i] = r.int(0, 1) ? 5 : -4;
  }
  return x;
}

describe('qu8_gemm_quantize_pack_a: f32 quantized straight into the packed A', () => {
  it('equals QuantizeLinear (u8) followed by qu8_gemm_pack_a_c2 / _c4 for every tile height and edge shape', () => {
    let checked = 0;
    let seed = 100;
    for (const [kc, mr] of [[2, 1], [2, 3], [2, 4], [4, 1], [4, 6]] as const) {
      for (const M of [1, 2, 3, 4, 5, 6, 7, 13]) {
        for (const K of [1, 2, 3, 5, 8, 15, 16, 17, 31, 33, 100]) {
          const x = activations(seed++, M * K, 0.03);
          x[0] = NaN;
          if (x.length > 2) x[2] = Infinity;
          const q = dynamicQuantizeLinear(k, x);
          const heap = k.heap;
          const KG = Math.ceil(K / kc);
          const tiles = Math.ceil(M / mr);
          const bytes = tiles * KG * mr * 4;
          const px = heap.put(x);
          const pq = heap.put(q.y);
          const d1 = heap.alloc(bytes), r1 = heap.alloc(tiles * mr * 4);
          const d2 = heap.alloc(bytes), r2 = heap.alloc(tiles * mr * 4);
          heap.u8.fill(0xcd, d1, d1 + bytes);
          heap.u8.fill(0xab, d2, d2 + bytes);
          k.exports[kc === 2 ? 'qu8_gemm_pack_a_c2' : 'qu8_gemm_pack_a_c4'](pq, M, K, K, 1, 0, q.zeroPoint, mr, d1, r1);
          k.exports.qu8_gemm_quantize_pack_a(px, M, K, K, q.scale, q.zeroPoint, kc, mr, d2, r2);
          const what = `kc=${kc} mr=${mr} M=${M} K=${K}`;
          expect([...heap.u8.subarray(d2, d2 + bytes)], what).toEqual([...heap.u8.subarray(d1, d1 + bytes)]);
          expect([...heap.i32.subarray(r2 >> 2, (r2 >> 2) + tiles * mr)], what).toEqual([...heap.i32.subarray(r1 >> 2, (r1 >> 2) + tiles * mr)]);
          for (const p of [px, pq, d1, r1, d2, r2]) heap.free(p);
          checked++;
        }
      }
    }
    expect(checked).toBe(5 * 8 * 11);
  });

  it('the kernels DynamicQuantizeLinear itself matches the TypeScript reference on these inputs (the baseline of the comparison)', () => {
    const x = activations(7, 999, 0.02);
    const got = dynamicQuantizeLinear(k, x);
    const want = referenceDynamicQuantizeLinear(x);
    expect(got.scale).toBe(want.scale);
    expect(got.zeroPoint).toBe(want.zeroPoint);
    expect([...got.y]).toEqual([...want.y]);
  });
});

interface Gemms {
  fused: QGemm;
  plain: QGemm;
  opts: QGemmOptions;
}

function gemmPair(kk: Kernels, seed: number, K: number, N: number, output: QOutputType): Gemms {
  const r = rng(seed);
  const w = new Int8Array(K * N);
  for (let i = 0; i < w.length; i++) w[i] = r.int(-128, 127);
  const zb = r.int(0, 1) ? 0 : Array.from({ length: N }, () => r.int(-3, 3));
  const opts: QGemmOptions = { K, N, weights: w, weightZeroPoint: zb, activationSigned: false, activationZeroPoint: 0, output, scale: 0.0007, outputZeroPoint: output === 'u8' ? 128 : 0 };
  return { fused: kk.createQGemm(opts), plain: kk.createQGemm(opts), opts };
}

/** Runs `g` on f32 x quantized in the packing, and `plain` on x quantized first; returns both outputs. */
function runBoth(kk: Kernels, g: Gemms, M: number, x: Float32Array, share?: QGemm): [Uint8Array, Uint8Array] {
  const heap = kk.heap;
  const q = dynamicQuantizeLinear(kk, x);
  const es = g.plain.output === 'u8' || g.plain.output === 's8' ? 1 : 4;
  const bytes = M * g.plain.N * es;
  const px = heap.put(x);
  const pq = heap.put(q.y);
  const o1 = heap.alloc(bytes);
  const o2 = heap.alloc(bytes);
  try {
    g.plain.run({ M, a: pq, out: o1, activationZeroPoint: q.zeroPoint, scale: q.scale * 0.01 });
    if (share) share.run({ M, a: px, out: o2, aQuantize: q, scale: q.scale * 0.01 });
    g.fused.run({ M, a: px, out: o2, aQuantize: q, scale: q.scale * 0.01, packedA: share });
    return [heap.u8.slice(o1, o1 + bytes), heap.u8.slice(o2, o2 + bytes)];
  } finally {
    for (const p of [px, pq, o1, o2]) heap.free(p);
  }
}

describe('QGemm aQuantize: DynamicQuantizeLinear fused into the GEMM', () => {
  for (const output of ['f32', 'u8', 'i32'] as const) {
    it(`every row path (GEMV, few rows, int8-weight and i16-weight GEMM), ${output} output, equals quantize-then-GEMM`, () => {
      let seed = 300;
      for (const M of [1, 2, 3, 4, 5, 12, 13, 17, 64]) {
        for (const [K, N] of [[5, 9], [16, 8], [33, 17], [100, 40]]) {
          const g = gemmPair(k, seed++, K, N, output);
          const [want, got] = runBoth(k, g, M, activations(seed, M * K, 0.01));
          expect(got.every((v, i) => v === want[i]), `${M}×${K}×${N}`).toBe(true);
          g.fused.dispose();
          g.plain.dispose();
        }
      }
    });
  }

  it('rejects a signed-activation GEMM and a non-positive scale', () => {
    const w = new Int8Array(8 * 8);
    const g = k.createQGemm({ K: 8, N: 8, weights: w, weightZeroPoint: 0, activationSigned: true, activationZeroPoint: 0, output: 'f32', scale: 1 });
    expect(() => g.run({ M: 1, a: 0, out: 0, aQuantize: { scale: 1, zeroPoint: 0 } })).toThrow(/activationSigned/);
    g.dispose();
    const u = k.createQGemm({ K: 8, N: 8, weights: w, weightZeroPoint: 0, activationSigned: false, activationZeroPoint: 0, output: 'f32', scale: 1 });
    expect(() => u.run({ M: 1, a: 0, out: 0, aQuantize: { scale: 0, zeroPoint: 0 } })).toThrow(/scale/);
    u.dispose();
  });

  it('2 threads (packing split by row tiles, scale crossing to the worker as f32): equals the one-thread unfused result', () => {
    const M = 130;
    const K = 520;
    const N = 72;
    const x = activations(41, M * K, 0.013);
    const g1 = gemmPair(k, 42, K, N, 'f32');
    const g2 = gemmPair(k2, 42, K, N, 'f32');
    const [want] = runBoth(k, g1, M, x);
    const [want2, got2] = runBoth(k2, g2, M, x);
    expect(M * K).toBeGreaterThanOrEqual(1 << 16);
    expect(got2.every((v, i) => v === want[i])).toBe(true);
    expect(want2.every((v, i) => v === want[i])).toBe(true);
    for (const g of [g1, g2]) {
      g.fused.dispose();
      g.plain.dispose();
    }
  });
});

describe('QGemm packedA: one packed A shared between GEMMs of the same input', () => {
  it('reuses the A another GEMM packed in its latest run (same result as packing it again)', () => {
    const M = 40;
    const K = 96;
    const x = activations(51, M * K, 0.02);
    const first = gemmPair(k, 52, K, 24, 'f32');
    const second = gemmPair(k, 53, K, 56, 'f32');
    const [want, got] = runBoth(k, second, M, x, first.fused);
    expect(got.every((v, i) => v === want[i])).toBe(true);
    // the shared buffers were used: the second GEMM packed nothing of its own
    expect((second.fused as unknown as { act: { packed: unknown } }).act.packed).toBeNull();
    for (const g of [first, second]) {
      g.fused.dispose();
      g.plain.dispose();
    }
  });

  it('follows a chain: the third GEMM reuses the packing the second one shared from the first (Q, K, V)', () => {
    const M = 40;
    const K = 96;
    const x = activations(57, M * K, 0.02);
    const q = gemmPair(k, 58, K, 24, 'f32');
    const kk = gemmPair(k, 59, K, 32, 'f32');
    const v = gemmPair(k, 60, K, 56, 'f32');
    const heap = k.heap;
    const dq = dynamicQuantizeLinear(k, x);
    const px = heap.put(x);
    const pq = heap.put(dq.y);
    const o = heap.alloc(M * 56 * 4);
    const o1 = heap.alloc(M * 56 * 4);
    q.fused.run({ M, a: px, out: o, aQuantize: dq, scale: dq.scale * 0.01 });
    kk.fused.run({ M, a: px, out: o, aQuantize: dq, scale: dq.scale * 0.01, packedA: q.fused });
    v.fused.run({ M, a: px, out: o, aQuantize: dq, scale: dq.scale * 0.01, packedA: kk.fused });
    v.plain.run({ M, a: pq, out: o1, activationZeroPoint: dq.zeroPoint, scale: dq.scale * 0.01 });
    const got = heap.u8.slice(o, o + M * 56 * 4);
    const want = heap.u8.slice(o1, o1 + M * 56 * 4);
    for (const p of [px, pq, o, o1]) heap.free(p);
    expect(got.every((val, i) => val === want[i])).toBe(true);
    // neither K nor V packed A of its own
    for (const g of [kk, v]) expect((g.fused as unknown as { act: { packed: unknown } }).act.packed).toBeNull();
    for (const g of [q, kk, v]) {
      g.fused.dispose();
      g.plain.dispose();
    }
  });

  it('packs A itself when the other GEMM packed something else (other rows, other path, other input)', () => {
    const K = 64;
    const x = activations(61, 20 * K, 0.02);
    const small = gemmPair(k, 62, K, 16, 'f32');
    const other = gemmPair(k, 63, K, 16, 'f32');
    // other rows: `small` last packed 3 rows (the few-rows path), this run has 20
    const heap = k.heap;
    const px = heap.put(x);
    const po = heap.alloc(3 * 16 * 4);
    small.fused.run({ M: 3, a: px, out: po, aQuantize: { scale: 0.05, zeroPoint: 60 } });
    heap.free(po);
    heap.free(px);
    const [want, got] = runBoth(k, other, 20, x, undefined);
    const [want2, got2] = (() => {
      const q = dynamicQuantizeLinear(k, x);
      const pq = heap.put(q.y);
      const px2 = heap.put(x);
      const o1 = heap.alloc(20 * 16 * 4);
      const o2 = heap.alloc(20 * 16 * 4);
      other.plain.run({ M: 20, a: pq, out: o1, activationZeroPoint: q.zeroPoint, scale: 0.01 });
      other.fused.run({ M: 20, a: px2, out: o2, aQuantize: q, scale: 0.01, packedA: small.fused });
      const r = [heap.u8.slice(o1, o1 + 20 * 64), heap.u8.slice(o2, o2 + 20 * 64)];
      for (const p of [pq, px2, o1, o2]) heap.free(p);
      return r;
    })();
    expect(got.every((v, i) => v === want[i])).toBe(true);
    expect(got2.every((v, i) => v === want2[i])).toBe(true);
    // its latest run multiplied its own packing, not `small`'s (its own was packed already by runBoth above)
    const own = other.fused as unknown as { act: unknown; lastAct: unknown };
    expect(own.lastAct).toBe(own.act);
    expect((small.fused as QGemmImpl).pathFor(3).mr).not.toBe((other.fused as QGemmImpl).pathFor(20).mr);
    for (const g of [small, other]) {
      g.fused.dispose();
      g.plain.dispose();
    }
  });
});

/** Values whose quotient by s lands on, or a few ulps around, every half-integer in range (the hard cases). */
function nearTies(s: number, seed: number): Float32Array {
  const r = rng(seed);
  const out: number[] = [];
  const f32 = new Float32Array(1);
  const bits = new Int32Array(f32.buffer);
  for (let n = -300; n <= 300; n++) {
    f32[0] = (n + 0.5) * s;
    const b = bits[0];
    for (let d = -3; d <= 3; d++) {
      bits[0] = b + d;
      out.push(f32[0]);
    }
    out.push(Math.fround(n * s), Math.fround((n + r.float()) * s));
  }
  out.push(NaN, Infinity, -Infinity, 0, -0, 1e30, -1e30, 3000 * s, -3000 * s, 1024.5 * s);
  while (out.length % 16) out.push(r.float() * 100 * s);
  return Float32Array.from(out);
}

describe('u8 rounding by the magic-number trick, s8 by nearest: exact on values around every tie', () => {
  for (const s of [0.0123, 1 / 255, 0.1, 3, 7e-5, 1e-30, 2e-38, 1e37, 2e38]) {
    it(`scale ${s}: u8 and s8 QuantizeLinear and the fused packing equal the dividing reference`, () => {
      const x = nearTies(Math.fround(s), 77);
      const layout = { outer: 1, axisDim: 1, inner: x.length, block: 0 };
      const scale = Float32Array.of(s);
      for (const [t, zp] of [['u8', Uint8Array.of(131)], ['s8', Int8Array.of(-7)]] as const) {
        const y = quantizeLinear(k, x, scale, zp, t, layout);
        const want = referenceQuantizeLinear(x, scale, zp, t, layout);
        const bad = [...y].findIndex((v, i) => v !== want[i]);
        expect(bad, bad >= 0 ? `${t} x=${x[bad]} got ${y[bad]} want ${want[bad]}` : '').toBe(-1);
      }
      // the packing (u8, zero point 131), c2 and c4, against the reference quantized then packed
      const M = 4;
      const K = x.length / M;
      const q = referenceQuantizeLinear(x, scale, Uint8Array.of(131), 'u8', layout);
      const heap = k.heap;
      for (const [kc, mr] of [[2, 4], [4, 6]] as const) {
        const bytes = Math.ceil(M / mr) * Math.ceil(K / kc) * mr * 4;
        const px = heap.put(x);
        const pq = heap.put(Uint8Array.from(q));
        const d1 = heap.alloc(bytes), r1 = heap.alloc(64), d2 = heap.alloc(bytes), r2 = heap.alloc(64);
        k.exports[kc === 2 ? 'qu8_gemm_pack_a_c2' : 'qu8_gemm_pack_a_c4'](pq, M, K, K, 1, 0, 131, mr, d1, r1);
        k.exports.qu8_gemm_quantize_pack_a(px, M, K, K, Math.fround(s), 131, kc, mr, d2, r2);
        expect(heap.u8.subarray(d2, d2 + bytes).every((v, i) => v === heap.u8[d1 + i])).toBe(true);
        expect(heap.u8.subarray(r2, r2 + 4 * M).every((v, i) => v === heap.u8[r1 + i])).toBe(true);
        for (const p of [px, pq, d1, r1, d2, r2]) heap.free(p);
      }
    });
  }
});

describe('QGemm per-run per-column scales', () => {
  it('each run uses its own scales (the staging array is reused, the result is not stale)', () => {
    const M = 5;
    const K = 24;
    const N = 12;
    const x = activations(71, M * K, 0.02);
    const q = dynamicQuantizeLinear(k, x);
    const g = gemmPair(k, 72, K, N, 'f32');
    const heap = k.heap;
    const px = heap.put(x);
    const o1 = heap.alloc(M * N * 4);
    const o2 = heap.alloc(M * N * 4);
    try {
      for (const base of [0.001, 0.004, 0.002]) {
        const scales = Array.from({ length: N }, (_, n) => base * (1 + n / 7));
        const fresh = k.createQGemm({ ...g.opts, scale: scales });
        g.fused.run({ M, a: px, out: o1, aQuantize: q, scale: scales });
        fresh.run({ M, a: px, out: o2, aQuantize: q });
        expect(heap.u8.subarray(o1, o1 + M * N * 4).every((v, i) => v === heap.u8[o2 + i]), `scales from ${base}`).toBe(true);
        fresh.dispose();
      }
    } finally {
      for (const p of [px, o1, o2]) heap.free(p);
      g.fused.dispose();
      g.plain.dispose();
    }
  });
});
