// Entry of the relaxed-SIMD build: everything in the baseline plus the relaxed kernels.
export * from './index';
export * from './gemm/relaxed';
