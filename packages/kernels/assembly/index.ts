// Entry of the baseline (SIMD128) and threads builds. Families append their exports here.
export { octet_heap_base } from './common/memory';
export * from './gemm/index';
export * from './conv/index';
export * from './quant/index';
export * from './elementwise/index';
export * from './pool/index';
export * from './weight-only/index';
export * from './f32/index';
export * from './attention/index';
export * from './lookup/index';
export * from './conv/qx8-dwconv-nchw-8c-wasmsimd';
export * from './conv/qu8-conv-rows-4x8c2';
export * from './conv/qu8s8-dwconv-images';
