// Picks the integer GEMM kernels for a loaded variant, once. Operators ask this config and never
// name a kernel symbol themselves.
import type { KernelVariant } from '../engine/capabilities.js';
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
  /** Used when M > smallMaxM. */
  readonly large: GemmPath;
  /** Used when M ≤ smallMaxM (GEMV-style: weights stay int8). */
  readonly small: GemmPath;
  readonly smallMaxM: number;
}

function path(op: 'gemm' | 'gemv', relaxed: boolean): GemmPath {
  const byOut = {} as Record<QOutputType, GemmKernelInfo>;
  for (const k of GEMM_KERNELS) if (k.op === op && k.relaxed === relaxed) byOut[k.out] = k;
  const any = byOut.u8;
  if (!any) throw new Error(`no ${op} kernels for relaxed=${relaxed}`);
  return { kernels: byOut, mr: any.mr, kc: any.kc, packing: `c${any.kc}i${any.esize * 8}` as WeightPacking };
}

/** Depthwise convolution kernels (baseline SIMD128 in every build). */
export function selectDwconvKernels(): Readonly<Record<QOutputType, GemmKernelInfo>> {
  const byOut = {} as Record<QOutputType, GemmKernelInfo>;
  for (const k of GEMM_KERNELS) if (k.op === 'dwconv') byOut[k.out] = k;
  return byOut;
}

export function selectGemmConfig(variant: KernelVariant): GemmConfig {
  if (variant === 'relaxed') {
    // GEMM and GEMV share the int8 k-quad packing: weights are packed once for every M.
    return { large: path('gemm', true), small: path('gemv', true), smallMaxM: 1 };
  }
  return { large: path('gemm', false), small: path('gemv', false), smallMaxM: 1 };
}
