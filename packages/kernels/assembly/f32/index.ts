export { f32_gemm_pack_b } from './f32-gemm-pack-b';
export { f32_gemm_4x8_minmax_wasmsimd, f32_gemm_4x8_minmax_bits_wasmsimd } from './f32-gemm-4x8-minmax-wasmsimd';
export { f32_conv2d_wasmsimd, f32_conv2d_scratch_bytes } from './f32-conv2d-wasmsimd';
export { f32_gemm_batch_wasmsimd } from './f32-gemm-batch-wasmsimd';
