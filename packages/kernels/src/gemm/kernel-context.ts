import type { GemmConfig } from '../configs/gemm-config.js';
import type { KernelVariant } from '../engine/capabilities.js';
import type { KernelExports } from '../kernels.js';
import type { WasmHeap } from '../memory/heap.js';
import type { ThreadPool } from '../threads/pool.js';

/** What the typed wrappers need from a loaded kernel module. */
export interface KernelContext {
  readonly variant: KernelVariant;
  readonly exports: KernelExports;
  readonly heap: WasmHeap;
  readonly gemmConfig: GemmConfig;
  readonly pool: ThreadPool | null;
}

/** Work below this many multiply-adds runs on the calling thread only. */
export const PARALLEL_MIN_MACS = 1 << 18;

/** Packing (and im2col) below this many elements runs on the calling thread only. */
export const PARALLEL_MIN_PACK = 1 << 16;
