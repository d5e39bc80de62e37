export { f32_matmul_nbits_wasmsimd } from './f32-matmul-nbits-wasmsimd';
