import type { EngineCapabilities, KernelVariant } from './engine/capabilities.js';
import type { GemmConfig } from './configs/gemm-config.js';
import type { QGemm, QGemmOptions } from './gemm/gemm.js';
import type { QConv, QConvOptions } from './conv/conv.js';
import type { WasmHeap } from './memory/heap.js';
import type { ThreadPool, ThreadPoolInit } from './threads/pool.js';

/** Raw exports of the kernel module: numbers in, numbers out (pointers are byte offsets). */
export type KernelExports = Readonly<Record<string, (...args: number[]) => number>>;

/** Bytes, a compiled module, a URL, or a fetch Response (promise) of one .wasm variant. */
export type WasmSource = BufferSource | WebAssembly.Module | URL | string | Response | Promise<Response>;

export interface LoadKernelsOptions {
  /**
   * 'auto' (default): the relaxed-SIMD build when it validates and the numeric probe passes, else
   * the baseline; with `threads` > 1 the same choice between the relaxed-threads and threads builds
   * (both on a shared memory). A relaxed build is skipped when `sources` is given without it.
   */
  readonly variant?: 'auto' | KernelVariant;
  /** Threads including the caller; > 1 selects the threads build on a shared memory. Default 1. */
  readonly threads?: number;
  /** Where each variant's .wasm comes from. Default: files next to the package (Node) or fetched from `baseUrl`. */
  readonly sources?: Partial<Record<KernelVariant, WasmSource>>;
  /** Base URL of octet-kernels-*.wasm in browsers (default: ./wasm/ next to this module). */
  readonly baseUrl?: string | URL;
  /** Starts the worker pool for `threads` > 1; default: worker_threads in Node, Web Workers elsewhere. */
  readonly createPool?: (init: ThreadPoolInit) => Promise<ThreadPool>;
  /** Maximum memory in 64 KiB pages for the shared memory of the threads build (default 16384 = 1 GiB). */
  readonly maximumMemoryPages?: number;
}

export interface KernelCapabilities extends EngineCapabilities {
  /** Result of the relaxed dot probe; null when the relaxed build was not tried. */
  readonly relaxedDotExact: boolean | null;
}

export interface Kernels {
  readonly variant: KernelVariant;
  readonly capabilities: KernelCapabilities;
  readonly module: WebAssembly.Module;
  readonly instance: WebAssembly.Instance;
  readonly memory: WebAssembly.Memory;
  readonly heap: WasmHeap;
  readonly exports: KernelExports;
  readonly gemmConfig: GemmConfig;
  /** Worker pool of the threads or relaxed-threads build, or null. */
  readonly pool: ThreadPool | null;
  /** Integer matrix multiplication (QLinearMatMul, MatMulInteger, MatMulIntegerToFloat, QGemm). */
  createQGemm(options: QGemmOptions): QGemm;
  /** Integer convolution (QLinearConv, ConvInteger), depthwise included. */
  createQConv(options: QConvOptions): QConv;
  /** Stops the worker pool, if any. */
  dispose(): Promise<void>;
}
