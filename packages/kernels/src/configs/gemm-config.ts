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
}

function path(op: 'gemm' | 'gemv', tile: string, relaxed: boolean, esize?: number): GemmPath {
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
    return { large: path('gemm', '6x8c4', true), small: path('gemv', '1x8c4', true), smallMaxM: 1, few: null, fewMaxM: 1, medium: null, mediumMaxM: 1 };
  }
  // M ≤ 12 keeps the weights int8 (half the bytes streamed per row tile; see the 4×8c2 template)
  return {
    large: path('gemm', '4x8c2', false, 2),
    small: path('gemv', '1x8c2', false), smallMaxM: 1,
    few: path('gemv', '3x8c2', false), fewMaxM: 3,
    medium: path('gemm', '4x8c2', false, 1), mediumMaxM: 12,
  };
}

/** The path a GEMM with M rows takes, among those whose weights were packed. */
export function pathForRows(cfg: GemmConfig, M: number, packed: (p: GemmPath) => boolean): GemmPath {
  const order =
    M <= cfg.smallMaxM ? [cfg.small, cfg.few, cfg.medium, cfg.large]
    : M <= cfg.fewMaxM ? [cfg.few, cfg.medium, cfg.large, cfg.small]
    : M <= cfg.mediumMaxM ? [cfg.medium, cfg.large, cfg.few, cfg.small]
    : [cfg.large, cfg.medium, cfg.few, cfg.small];
  for (const p of order) if (p && packed(p)) return p;
  throw new Error('internal: no packed weights for any GEMM path');
}
