// @octet/kernels — WebAssembly SIMD kernels with a typed TypeScript API. See README.md.
export type { EngineCapabilities, KernelVariant } from './engine/capabilities.js';
export { detectCapabilities } from './engine/capabilities-impl.js';
export type { Kernels, KernelExports, KernelCapabilities, LoadKernelsOptions, WasmSource } from './kernels.js';
export { loadKernels, KernelLoadError, wasmFileName, MAX_THREADS } from './load-kernels.js';
export type { WasmHeap } from './memory/heap.js';
export type { GemmConfig, GemmPath, StrassenConfig, WeightPacking } from './configs/gemm-config.js';
export { selectGemmConfig, strassenConfig } from './configs/gemm-config.js';
export type { QOutputType, QEpilogue, QGemm, QGemmOptions, QGemmRunArgs, GemmKernelInfo } from './gemm/gemm.js';
export { KernelArgumentError } from './gemm/qgemm-impl.js';
export { KernelMemoryError } from './memory/kernel-memory-error.js';
export { PARAMS_BYTES, writeParams } from './gemm/gemm-params.js';
export type { QConv, QConvOptions, QConvRunArgs } from './conv/conv.js';
export type { ThreadPool, ThreadPoolInit, ChunkOptions, ThreadPoolFailure } from './threads/pool.js';
export { ThreadPoolError } from './threads/pool.js';
export { runChunks, chunkCount, KeyedPlan, runPlan, elementwiseChunks } from './threads/split.js';
export type { ChunkPlan } from './threads/split.js';
export { createNodeThreadPool } from './threads/node-pool.js';
export { createWebThreadPool } from './threads/web-pool.js';
export { NODE_WORKER_SOURCE, WEB_WORKER_SOURCE } from './threads/worker-source.js';
export { referenceQGemm, referenceAccumulators, referenceEpilogue } from './reference/qgemm.js';
export type { ReferenceQGemm } from './reference/qgemm.js';
export { roundHalfEven, requantize, dequantize } from './reference/requantize.js';
export type { KernelHost } from './elementwise/host.js';
export type { QuantType, QuantLayout, DequantInputType, QuantArray, QuantizeLinearArgs, DequantizeLinearArgs, DynamicQuantParams } from './quant/quant.js';
export {
  QUANT_DTYPE, QuantizeState, quantLayout, scaleCount, quantByteLength, packInt4, unpackInt4,
  quantizeLinearInto, dequantizeLinearInto, dynamicQuantizeLinearInto, dynamicQuantizeParamsInto, dynamicQuantizeParamsBytes, quantizeLinear, dequantizeLinear, dynamicQuantizeLinear,
} from './quant/quant.js';
export type { BroadcastPlan } from './elementwise/broadcast.js';
export { planBroadcast, broadcastShape } from './elementwise/broadcast.js';
export { lutInto, lutColumnsInto, lutBroadcastInto } from './elementwise/lookup.js';
export type { AttentionSoftmaxParams, AttentionSoftmaxIntoArgs, X8AttentionSoftmaxParams } from './elementwise/attention-softmax.js';
export {
  attentionSoftmaxInto, attentionSoftmax, writeAttentionSoftmaxParams, ATTENTION_SOFTMAX_PARAMS_BYTES,
  x8AttentionSoftmaxInto, x8AttentionSoftmax, writeX8AttentionSoftmaxParams, X8_ATTENTION_SOFTMAX_PARAMS_BYTES, attentionExpTable,
} from './elementwise/attention-softmax.js';
export { referenceAttentionSoftmax, referenceX8AttentionSoftmax } from './reference/attention.js';
export type { UnaryOpName, BinaryOpName, QLinearParams, LayerNormArgs } from './elementwise/elementwise.js';
export {
  UNARY_OP, BINARY_OP, unaryInto, unary, binaryInto, binary, softmaxInto, softmax, layerNormInto, layerNorm, qlinearBinaryInto, qlinearBinary,
} from './elementwise/elementwise.js';
export type { Pool2dOptions, Pool2dGeometry, PoolType, QPoolParams } from './pool/pool.js';
export {
  poolOutputSize, poolGeometry, isGlobalPool, maxPool2dInto, averagePool2dInto, qlinearAveragePool2dInto, globalAveragePoolInto,
  qlinearGlobalAveragePoolInto, maxPool2d, averagePool2d, qlinearAveragePool2d, globalAveragePool, qlinearGlobalAveragePool,
} from './pool/pool.js';
export type { MatMulNBits, MatMulNBitsOptions } from './weight-only/matmul-nbits.js';
export { createMatMulNBits } from './weight-only/matmul-nbits.js';
export type { Sgemm, SgemmOptions, SgemmBias, MatMulIntoArgs, MatMulBatchIntoArgs, MatMulBatch, MatMulBatchSpec } from './f32/sgemm.js';
export { createSgemm, packBInto, packedBFloats, matmulInto, matmulBatchInto, createMatMulBatch, matMulBatchTableBytes, f32Bits } from './f32/sgemm.js';
export type { Conv2d, Conv2dOptions } from './f32/conv2d.js';
export { createConv2d } from './f32/conv2d.js';
export type { QuantType as ReferenceQuantType } from './reference/quant.js';
export { quantRange, quantizeValue, referenceQuantizeLinear, referenceDequantizeLinear, referenceDynamicQuantizeLinear } from './reference/quant.js';
