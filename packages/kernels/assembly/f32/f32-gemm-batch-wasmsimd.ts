// Batched fp32 MatMul of two activations (attention: batch × heads products) in one call:
// products [first, end) of the table `offs` (three i32 byte offsets per product, of its A, B and C
// from the bases a, b, c), each packing its B into `scratch` (packedBFloats(K, N) floats) and
// running the 4×8 GEMM. One call per thread share instead of two host calls per product: short
// products (encoder_sentiment: 32×32×32, 128 per node) spent a third of their time crossing into
// WASM. The clamp comes as f32 bit patterns (the thread pool passes integers).
import { f32_gemm_pack_b } from './f32-gemm-pack-b';
import { gemm } from './f32-gemm-4x8-minmax-wasmsimd';

export function f32_gemm_batch_wasmsimd(
  offs: usize, first: i32, end: i32, M: i32, N: i32, K: i32,
  a: usize, lda: i32, b: usize, ldb: i32, transB: i32, c: usize, ldc: i32, scratch: usize, loBits: i32, hiBits: i32,
): void {
  const lo = reinterpret<f32>(loBits);
  const hi = reinterpret<f32>(hiBits);
  for (let t = first; t < end; t++) {
    const o = offs + <usize>t * 12;
    f32_gemm_pack_b(b + load<u32>(o, 4), ldb, K, N, transB, scratch);
    gemm(M, N, K, a + load<u32>(o), lda, scratch, c + load<u32>(o, 8), ldc, 0, 0, lo, hi);
  }
}
