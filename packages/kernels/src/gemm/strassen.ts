// Host side of one Strassen level on the large (i16) GEMM path: operand sizes, the weight side
// packed once, the activation side per run, and the split of a run into chunks for the pool.
// The kernels are in assembly/gemm/strassen-4x8c2-template.ts.
import type { StrassenConfig } from '../configs/gemm-config.js';
import { chunkCount, runChunks } from '../threads/split.js';
import type { QOutputType } from './gemm.js';
import type { KernelContext } from './kernel-context.js';
import { PARALLEL_MIN_MACS } from './kernel-context.js';

/** Half sizes of one level: rows (multiple of 4), k-pairs, columns (multiple of 8). */
export function strassenHalves(M: number, K: number, N: number): { Mh: number; Kgh: number; Nh: number } {
  return { Mh: Math.ceil(M / 8) * 4, Kgh: Math.ceil(Math.ceil(K / 2) / 2), Nh: Math.ceil(N / 16) * 8 };
}

/** Bytes of the 7 right operands (i16): 1.75× the i16 packing of the K × N weights padded to 4 × 16. */
export function strassenWeightBytes(K: number, N: number): number {
  const { Kgh, Nh } = strassenHalves(1, K, N);
  return 7 * Kgh * 32 * (Nh / 8);
}

/** Bytes of the 7 left operands (i16) of an M × K activation. */
export function strassenActivationBytes(M: number, K: number): number {
  const { Mh, Kgh } = strassenHalves(M, K, 1);
  return 7 * (Mh / 4) * Kgh * 16;
}

/** Whether K × N weights get the Strassen packing under `cfg`. */
export function strassenFits(cfg: StrassenConfig | null, K: number, N: number): cfg is StrassenConfig {
  return cfg !== null && K >= cfg.minK && N >= cfg.minN;
}

/** Packs the 7 right operands from the plain i16 packing at `b`; returns their address. */
export function packStrassenWeights(ctx: KernelContext, K: number, N: number, b: number): number {
  const dst = ctx.heap.alloc(strassenWeightBytes(K, N));
  ctx.exports.qs8_strassen_pack_w(b, K, N, dst);
  return dst;
}

/** Per-thread scratch of the product tiles, one set per kernel context: runs are synchronous, never nested. */
const scratchByContext = new WeakMap<KernelContext, number[]>();
/** 7 products × 128 rows (the kernel's largest block) × 8 columns of i32. */
const SCRATCH_BYTES = 7 * 128 * 32;

/** The per-thread product-tile scratch of `ctx` (allocated once, on its own cache lines). */
export function strassenScratch(ctx: KernelContext): number[] {
  const threads = ctx.pool ? ctx.pool.size : 1;
  let s = scratchByContext.get(ctx);
  if (!s || s.length < threads) {
    for (const p of s ?? []) ctx.heap.free(p);
    s = Array.from({ length: threads }, () => ctx.heap.alloc(SCRATCH_BYTES, 64));
    scratchByContext.set(ctx, s);
  }
  return s;
}

/** Argument index of the scratch pointer in the Strassen kernels (replaced per thread). */
const TMP_ARG = 16;

/**
 * Runs C = A·B for [0, M) × [0, N) as one Strassen level: aS/bS are the operands, rowTerm, colsum,
 * zb and params the plain kernel's. Split across the pool by half-size 8-column panels, then by
 * half-size row tiles when there are fewer panels than chunks.
 */
export function runStrassen(
  ctx: KernelContext, cfg: StrassenConfig, out: QOutputType, M: number, N: number, K: number,
  aS: number, rowTerm: number, bS: number, colsum: number, zb: number, params: number,
  outPtr: number, ldo: number, cso: number,
): void {
  const symbol = cfg.kernels[out].symbol;
  const tmp = strassenScratch(ctx);
  const { Mh, Nh } = strassenHalves(M, K, N);
  const pool = ctx.pool;
  const T = pool && M * N * K >= PARALLEL_MIN_MACS ? pool.size : 1;
  if (T === 1) {
    // the steady single-thread path allocates nothing (no argument array)
    ctx.exports[symbol](0, Mh, 0, Nh, M, N, K, aS, rowTerm, bS, colsum, zb, outPtr, ldo, cso, params, tmp[0], cfg.aBlockBytes);
    return;
  }
  const args = (h0: number, h1: number, c0: number, c1: number, t: number) =>
    [h0, h1, c0, c1, M, N, K, aS, rowTerm, bS, colsum, zb, outPtr, ldo, cso, params, t, cfg.aBlockBytes];
  const tiles = Mh / 4;
  const panels = Nh / 8;
  const n = chunkCount(tiles * panels, T, M * N * K, PARALLEL_MIN_MACS);
  // by half panels first (each B operand panel is then read by one chunk only), by row tiles when
  // there are fewer panels than chunks
  const colParts = Math.min(panels, n);
  const rowParts = Math.min(tiles, Math.ceil(n / colParts));
  const chunks: number[][] = [];
  for (let c = 0; c < colParts; c++) {
    const p0 = Math.floor((panels * c) / colParts), p1 = Math.floor((panels * (c + 1)) / colParts);
    for (let r = 0; r < rowParts; r++) {
      const t0 = Math.floor((tiles * r) / rowParts), t1 = Math.floor((tiles * (r + 1)) / rowParts);
      if (t1 > t0 && p1 > p0) chunks.push(args(t0 * 4, t1 * 4, p0 * 8, p1 * 8, 0));
    }
  }
  runChunks(pool!, symbol, chunks, { threadArg: TMP_ARG, threadValues: tmp });
}
