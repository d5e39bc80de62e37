// @octet/kernels — WebAssembly SIMD kernels with a typed TypeScript API. See README.md.
export type { EngineCapabilities, KernelVariant } from './engine/capabilities.js';
export { detectCapabilities } from './engine/capabilities-impl.js';
export type { Kernels, KernelExports, KernelCapabilities, LoadKernelsOptions, WasmSource } from './kernels.js';
export { loadKernels, KernelLoadError, wasmFileName } from './load-kernels.js';
export type { WasmHeap } from './memory/heap.js';
export type { GemmConfig, GemmPath, WeightPacking } from './configs/gemm-config.js';
export { selectGemmConfig } from './configs/gemm-config.js';
export type { QOutputType, QEpilogue, QGemm, QGemmOptions, QGemmRunArgs, GemmKernelInfo } from './gemm/gemm.js';
export { KernelArgumentError } from './gemm/qgemm-impl.js';
export type { QConv, QConvOptions, QConvRunArgs } from './conv/conv.js';
export type { ThreadPool, ThreadPoolInit } from './threads/pool.js';
export { createNodeThreadPool } from './threads/node-pool.js';
export { createWebThreadPool } from './threads/web-pool.js';
export { NODE_WORKER_SOURCE, WEB_WORKER_SOURCE } from './threads/worker-source.js';
export { referenceQGemm, referenceAccumulators, referenceEpilogue } from './reference/qgemm.js';
export type { ReferenceQGemm } from './reference/qgemm.js';
export { roundHalfEven, requantize, dequantize } from './reference/requantize.js';
