export { f32_unary_wasmsimd } from './f32-unary-wasmsimd';
export { f32_binary_wasmsimd } from './f32-binary-wasmsimd';
export { f32_softmax_wasmsimd } from './f32-softmax-wasmsimd';
export { f32_layernorm_wasmsimd, f32_layernorm_bits_wasmsimd, f32_layernorm_residual_bits_wasmsimd } from './f32-layernorm-wasmsimd';
export { q8_qlinear_binary_wasmsimd } from './q8-qlinear-binary-wasmsimd';
