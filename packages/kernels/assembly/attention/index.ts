// Kernels for products of two activations (attention): run-time B packing, quantized softmax.
export { qs8_gemm_pack_b_c2i16__wasmsimd } from './qs8-gemm-pack-b-c2i16-wasmsimd';
export { x8_qlinear_softmax__wasmsimd } from './x8-qlinear-softmax-wasmsimd';
export { f32_attention_softmax__wasmsimd } from './f32-attention-softmax-wasmsimd';
export { x8_attention_softmax__wasmsimd } from './x8-attention-softmax-wasmsimd';
