export { f32_quantize_linear_wasmsimd } from './f32-quantize-linear-wasmsimd';
export { f32_dequantize_linear_wasmsimd } from './f32-dequantize-linear-wasmsimd';
export { f32_dynamic_quantize_linear_u8_wasmsimd, f32_range_wasmsimd, f32_dynamic_quantize_params_u8_wasmsimd } from './f32-dynamic-quantize-linear-u8-wasmsimd';
export { qu8_gemm_quantize_pack_a } from './f32-quantize-pack-a-u8-wasmsimd';
