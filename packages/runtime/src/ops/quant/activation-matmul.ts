// Integer matmul of two activations (attention: Q·Kᵀ, P·V) on the WASM GEMM kernels: per batch,
// A is packed with the kernels' activation packer, B is packed at run time (SIMD packer for
// rows- or columns-contiguous B), then the large-tile GEMM runs with the fused epilogue. Operands
// and output are addressed by per-batch offsets and row/column strides, so transposed inputs and a
// transposed output need no copy.

import type { Kernels, QOutputType } from '@octet/kernels';
import { PARAMS_BYTES, writeParams } from '@octet/kernels';
import type { OpContext } from '../../op-registry.js';
import { scratchOf } from './wasm-bridge.js';

/** Where one operand's elements are: batch t, row r, column c at off[t] + r·rs + c·cs (elements). */
export interface StridedOperand {
  readonly off: Int32Array;
  readonly rs: number;
  readonly cs: number;
  readonly signed: boolean;
}

export interface ActivationMatMulSpec {
  readonly batches: number;
  readonly M: number;
  readonly K: number;
  readonly N: number;
  readonly a: StridedOperand;
  readonly b: StridedOperand;
  /** Output batch offsets, row and column strides (elements). */
  readonly outOff: Int32Array;
  readonly ldo: number;
  readonly cso: number;
  readonly output: QOutputType;
  /** u8/s8: sA·sB/sY; f32: sA·sB (one value: activations are per-tensor). */
  readonly scale: number;
  readonly outputZeroPoint?: number;
  readonly outputMin?: number;
  readonly outputMax?: number;
}

export interface ActivationMatMul {
  /** a, b, out: byte addresses in the kernels' memory of element 0 of each tensor. */
  run(a: number, b: number, out: number, za: number, zb: number, scale?: number): void;
}

const elementBytes = (t: QOutputType) => (t === 'u8' || t === 's8' ? 1 : 4);

/** Multiply-adds per product from which products run side by side on the pool's threads. */
const PARALLEL_MIN_PRODUCT = 1 << 18;

export function createActivationMatMul(ctx: OpContext, k: Kernels, s: ActivationMatMulSpec): ActivationMatMul {
  const { M, K, N } = s;
  const path = k.gemmConfig.large;
  const gemm = k.exports[path.kernels[s.output].symbol];
  const packA = k.exports[path.kc === 2 ? 'qu8_gemm_pack_a_c2' : 'qu8_gemm_pack_a_c4'];
  const fastPackB = path.packing === 'c2i16' ? k.exports['qs8_gemm_pack_b_c2i16__wasmsimd'] : undefined;
  const packW = k.exports['qs8_gemm_pack_w'];
  const Np = (N + 7) & ~7;
  const mt = Math.ceil(M / path.mr);
  const Kg = Math.ceil(K / path.kc);
  const esize = path.packing === 'c2i16' ? 2 : 1;
  // One block per node: packed A, row terms, packed B, column sums, zero points, scales, params.
  const sizes = [mt * Kg * path.mr * 4, mt * path.mr * 4, Np * Kg * path.kc * esize, Np * 4, Np * 4, Np * 4, PARAMS_BYTES];
  const offsets: number[] = [];
  let total = 0;
  for (const b of sizes) {
    offsets.push(total);
    total += (b + 63) & ~63;
  }
  // One block per thread that runs products side by side (threads build, products of some size:
  // a pool round per step of T products costs a few microseconds).
  const T = k.pool && s.batches > 1 && M * N * K >= PARALLEL_MIN_PRODUCT ? Math.min(k.pool.size, s.batches) : 1;
  const blocks = Array.from({ length: T }, (_, i) => scratchOf(ctx, k, i === 0 ? 'act-matmul' : `act-matmul-t${i}`));
  for (const b of blocks) b.ensure(total);
  const rt = s.output === 'u8' ? [0, 255] : s.output === 's8' ? [-128, 127] : [0, 0];
  const qmin = Math.max(rt[0], s.outputMin ?? rt[0]);
  const qmax = Math.min(rt[1], s.outputMax ?? rt[1]);
  const ob = elementBytes(s.output);
  const xa = s.a.signed ? 0x80 : 0;
  const xb = s.b.signed ? 0 : 0x80;
  const last = blocks.map(() => ({ zb: NaN, scale: NaN, base: -1 }));
  const at = (base: number) => ({
    pa: base + offsets[0], rowTerm: base + offsets[1], pb: base + offsets[2], colsum: base + offsets[3],
    zbp: base + offsets[4], scp: base + offsets[5], params: base + offsets[6],
  });
  type Region = ReturnType<typeof at>;
  const regions: Region[] = blocks.map((blk) => at(blk.ptr));
  // one epilogue-parameter object, updated in place (run() allocates nothing)
  const epilogue = { za: 0, biasI32: 0, scale: 0, zy: s.outputZeroPoint ?? 0, qmin, qmax, biasF32: 0 };
  /** Block i's region with this run's zero points, scale and epilogue parameters written. */
  const ready = (i: number, zaU: number, zb: number, scale: number): Region => {
    const heap = k.heap;
    const base = blocks[i].ptr;
    const l = last[i];
    if (zb !== l.zb || scale !== l.scale || base !== l.base) {
      if (base !== l.base) regions[i] = at(base);
      const r = regions[i];
      // Zero points in the s8 domain the packed B is in; one scale for every column.
      heap.i32.fill(s.b.signed ? zb : zb - 128, r.zbp >> 2, (r.zbp >> 2) + Np);
      heap.f32.fill(scale, r.scp >> 2, (r.scp >> 2) + Np);
      l.zb = zb;
      l.scale = scale;
      l.base = base;
    }
    const r = regions[i];
    epilogue.za = zaU;
    epilogue.scale = r.scp;
    writeParams(heap, r.params, epilogue);
    return r;
  };
  const packBSymbol = fastPackB ? 'qs8_gemm_pack_b_c2i16__wasmsimd' : 'qs8_gemm_pack_w';
  const packASymbol = path.kc === 2 ? 'qu8_gemm_pack_a_c2' : 'qu8_gemm_pack_a_c4';
  // The threaded path's argument rows (the kernels' argument lists; the slots marked 0 are set per
  // round, in place): share i of a round is row i, and a round of c < T products passes the first
  // c rows (views made here, once per round size), so run() allocates nothing.
  const packARows = blocks.map(() => [0, M, K, s.a.rs, s.a.cs, xa, 0, path.mr, 0, 0]);
  const packBRows = blocks.map(() => (fastPackB ? [0, K, N, s.b.rs, s.b.cs, xb, 0, 0] : [0, K, N, s.b.rs, s.b.cs, xb, path.kc, esize, 0, 0]));
  const gemmRows = blocks.map(() => [0, M, 0, N, K, 0, 0, 0, 0, 0, 0, s.ldo, s.cso, 0]);
  const roundViews = new Map<number, [number[][], number[][], number[][]]>();
  for (const c of new Set([T, s.batches % T || T])) roundViews.set(c, [packARows.slice(0, c), packBRows.slice(0, c), gemmRows.slice(0, c)]);
  return {
    run(a, b, o, za, zb, scale = s.scale) {
      const zaU = s.a.signed ? za + 128 : za;
      if (T === 1) {
        // the steady single-thread path allocates nothing
        const r = ready(0, zaU, zb, scale);
        for (let t = 0; t < s.batches; t++) {
          packA(a + s.a.off[t], M, K, s.a.rs, s.a.cs, xa, zaU, path.mr, r.pa, r.rowTerm);
          if (fastPackB) fastPackB(b + s.b.off[t], K, N, s.b.rs, s.b.cs, xb, r.pb, r.colsum);
          else packW(b + s.b.off[t], K, N, s.b.rs, s.b.cs, xb, path.kc, esize, r.pb, r.colsum);
          gemm(0, M, 0, N, K, r.pa, r.rowTerm, r.pb, r.colsum, r.zbp, o + s.outOff[t] * ob, s.ldo, s.cso, r.params);
        }
        return;
      }
      for (let i = 0; i < T; i++) ready(i, zaU, zb, scale);
      const pool = k.pool!;
      for (let t0 = 0; t0 < s.batches; t0 += T) {
        const count = Math.min(T, s.batches - t0);
        for (let i = 0; i < count; i++) {
          const t = t0 + i;
          const r = regions[i];
          const pa = packARows[i];
          pa[0] = a + s.a.off[t];
          pa[6] = zaU;
          pa[8] = r.pa;
          pa[9] = r.rowTerm;
          const pb = packBRows[i];
          pb[0] = b + s.b.off[t];
          pb[pb.length - 2] = r.pb;
          pb[pb.length - 1] = r.colsum;
          const pg = gemmRows[i];
          pg[5] = r.pa;
          pg[6] = r.rowTerm;
          pg[7] = r.pb;
          pg[8] = r.colsum;
          pg[9] = r.zbp;
          pg[10] = o + s.outOff[t] * ob;
          pg[13] = r.params;
        }
        const [aRows, bRows, gRows] = roundViews.get(count)!;
        pool.run(packASymbol, aRows);
        pool.run(packBSymbol, bRows);
        pool.run(path.kernels[s.output].symbol, gRows);
      }
    },
  };
}
