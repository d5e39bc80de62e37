export { f32_matmul_nbits_wasmsimd, f32_matmul_nbits_scratch_bytes } from './f32-matmul-nbits-wasmsimd';
