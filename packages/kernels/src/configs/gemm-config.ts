// Picks the integer GEMM kernels for a loaded variant, once. Operators ask this config and never
// name a kernel symbol themselves.
import { isRelaxedVariant, type KernelVariant } from '../engine/capabilities.js';
import type { GemmKernelInfo, QOutputType } from '../gemm/gemm.js';
import { GEMM_KERNELS } from '../gemm/kernel-table.js';

export type WeightPacking = 'c2i16' | 'c2i8' | 'c4i8';

export interface GemmPath {
  readonly kernels: Readonly<Record<QOutputType, GemmKernelInfo>>;
  readonly mr: number;
  /** k-group of the packed layouts (2: dot16x2, 4: relaxed dot8x4). */
  readonly kc: number;
  readonly packing: WeightPacking;
}

export interface GemmConfig {
  /** Used when M > fewMaxM. */
  readonly large: GemmPath;
  /** Used when M ≤ smallMaxM (GEMV: weights stay int8). */
  readonly small: GemmPath;
  readonly smallMaxM: number;
  /** Used when smallMaxM < M ≤ fewMaxM (a few rows sharing the weight loads; same packing as small). */
  readonly few: GemmPath | null;
  readonly fewMaxM: number;
  /** Used when fewMaxM < M ≤ mediumMaxM: the GEMM tile on the small path's int8 packing. */
  readonly medium: GemmPath | null;
  readonly mediumMaxM: number;
  /**
   * mediumMaxM for a weight matrix whose i16 packing (the large path's) exceeds largeWeightBytes:
   * such weights stream from L3 on every run, and halving their bytes pays for more rows.
   */
  readonly mediumMaxMLargeWeights: number;
  readonly largeWeightBytes: number;
  /**
   * One level of Strassen on the large path (baseline builds: strassenConfig(); null on the relaxed
   * ones). Assign null (or other thresholds) before creating QGemms to change it: weights are packed
   * for it at creation.
   */
  strassen: StrassenConfig | null;
}

/**
 * When the large path runs as one level of Strassen (assembly/gemm/strassen-4x8c2-template.ts):
 * 7 half-size products instead of 8, bit-identical outputs. Its weight packing holds 7 operands of
 * a quarter of the padded i16 packing each (1.75× the i16 packing). It replaces the plain i16
 * packing when the QGemm has the int8 one too (runs below minM rows then take the int8 tile).
 */
export interface StrassenConfig {
  readonly kernels: Readonly<Record<QOutputType, GemmKernelInfo>>;
  /** Smallest M, K and N that take it (weights below minK × minN get no Strassen packing). */
  readonly minM: number;
  readonly minK: number;
  readonly minN: number;
  /** Bytes of the 7 A operands of one block of rows (kept in L2 while the B operand panels pass). */
  readonly aBlockBytes: number;
}

function path(op: GemmKernelInfo['op'], tile: string, relaxed: boolean, esize?: number): GemmPath {
  const byOut = {} as Record<QOutputType, GemmKernelInfo>;
  for (const k of GEMM_KERNELS) {
    if (k.op === op && k.tile === tile && k.relaxed === relaxed && (esize === undefined || k.esize === esize)) byOut[k.out] = k;
  }
  const any = byOut.u8;
  if (!any) throw new Error(`no ${op} ${tile} kernels for relaxed=${relaxed}`);
  return { kernels: byOut, mr: any.mr, kc: any.kc, packing: `c${any.kc}i${any.esize * 8}` as WeightPacking };
}

/** Depthwise convolution kernels (baseline SIMD128 in every build). */
export function selectDwconvKernels(): Readonly<Record<QOutputType, GemmKernelInfo>> {
  const byOut = {} as Record<QOutputType, GemmKernelInfo>;
  for (const k of GEMM_KERNELS) if (k.op === 'dwconv') byOut[k.out] = k;
  return byOut;
}

export function selectGemmConfig(variant: KernelVariant): GemmConfig {
  if (isRelaxedVariant(variant)) {
    // GEMM and GEMV share the int8 k-quad packing: weights are packed once for every M.
    // Strassen needs 9-bit block sums, which the i8 dot of the relaxed kernels cannot take.
    return { large: path('gemm', '6x8c4', true), small: path('gemv', '1x8c4', true), smallMaxM: 1, few: null, fewMaxM: 1, medium: null, mediumMaxM: 1, mediumMaxMLargeWeights: 1, largeWeightBytes: Infinity, strassen: null };
  }
  // M ≤ 12 keeps the weights int8 (half the bytes streamed per row tile; see the 4×8c2 template).
  // Above 2 MiB of i16 weights (the L2 of the x86 cores measured; weights come from L3) the int8
  // tile wins up to M = 24 — paired, i16 ÷ int8 time, hot / L2 evicted before each run:
  // 16×768×3072 0.99–1.05 / 1.04–1.09, 16×768×2048 1.04 / 1.05, 24×768×3072 0.98–1.03 / 1.01–1.10,
  // 28×768×3072 1.01 / 1.02, 32×768×3072 0.98 / 1.01; at 2 MiB (1024×1024) 1.00–1.02 for M = 16…24,
  // and 0.94 at 64×1024×1024 (so not a rule for every M: with 16+ row tiles per weight panel the
  // two extra shuffles per k-pair cost more than the halved weight bytes save). Weights that fit
  // in L2 keep the i16 path from M = 13 (16×384×1536: 0.96 / 1.00; 32×384×1536: 0.95 / 0.96).
  return {
    large: path('gemm', '4x8c2', false, 2),
    small: path('gemv', '1x8c2', false), smallMaxM: 1,
    few: path('gemv', '3x8c2', false), fewMaxM: 3,
    medium: path('gemm', '4x8c2', false, 1), mediumMaxM: 12,
    mediumMaxMLargeWeights: 24, largeWeightBytes: 2 << 20,
    strassen: strassenConfig(),
  };
}

/**
 * The Strassen level of the baseline builds (never the relaxed ones, whose i8 dot cannot take the
 * 9-bit block sums). Measured on a Xeon (Sapphire Rapids class, 2 shared cores, Node 20.20,
 * 2026-11-28, load 2–5), paired in one process, plain ÷ Strassen time:
 * - kernel (benchmarks/kernels/strassen-paired.mjs, weights hot): 128×384×384 ~1.06–1.09,
 *   128×384×1536 ~1.05–1.07, 128×1536×384 ~1.06–1.13 (the products alone 0.86–0.89 of the
 *   plain time; operand sums, combination and epilogue take the rest);
 * - kernel at M = 4096: 4096×384×384 0.97, 4096×384×1536 1.03, 4096×1536×384 1.04 (row blocks of
 *   256 instead of 128: 0.94–1.01, the 57 KiB of product scratch leaves L1);
 * - end to end (strassen-model-paired.mjs, 1 thread): MiniLM-L6 dynamic b1 1.04–1.06 (3 runs),
 *   dynamic b32 0.96–1.07 (3 runs: neutral), qdq b1 1.07, qdq b32 1.16, qop b1 1.05;
 *   encoder_sentiment (hidden 128, FFN 512: below minK / minN) unaffected.
 * The product tile must be inlined: as a called function V8 spills around each call and the
 * level lost 5 % (0.95). aBlockBytes: 768 KiB (the 7 A operands of 16 row tiles at K = 1536;
 * 192 KiB, the plain kernel's budget, split them into 4-tile blocks and lost 6 % there).
 * minK / minN 256: the half depth must keep the 4×8 tile's fixed cost small (encoder_sentiment
 * with minK = minN = 128: 0.93 end to end). minM 32: kernel hot / weights evicted, 32×384×1536
 * 1.05 / 1.04, 48×384×1536 1.06, 64×384×1536 1.08 / 1.08, but 16×384×1536 1.02 / 0.98.
 */
export function strassenConfig(): StrassenConfig {
  return { kernels: path('strassen', '4x8c2', false).kernels, minM: 32, minK: 256, minN: 256, aBlockBytes: 768 * 1024 };
}

/** Bytes of a K×N weight matrix packed as i16 k-pairs in 8-column panels (the large path's layout). */
export function i16PackedBytes(K: number, N: number): number {
  return ((N + 7) & ~7) * (K + (K & 1)) * 2;
}

/** The medium path's row limit for a K×N weight matrix (fixed once the weights are packed). */
export function mediumMaxMFor(cfg: GemmConfig, K: number, N: number): number {
  return i16PackedBytes(K, N) > cfg.largeWeightBytes ? cfg.mediumMaxMLargeWeights : cfg.mediumMaxM;
}

/** The path a GEMM with M rows takes, among those whose weights were packed. */
export function pathForRows(cfg: GemmConfig, M: number, packed: (p: GemmPath) => boolean, mediumMaxM = cfg.mediumMaxM): GemmPath {
  const order =
    M <= cfg.smallMaxM ? [cfg.small, cfg.few, cfg.medium, cfg.large]
    : M <= cfg.fewMaxM ? [cfg.few, cfg.medium, cfg.large, cfg.small]
    : M <= mediumMaxM ? [cfg.medium, cfg.large, cfg.few, cfg.small]
    : [cfg.large, cfg.medium, cfg.few, cfg.small];
  for (const p of order) if (p && packed(p)) return p;
  throw new Error('internal: no packed weights for any GEMM path');
}
