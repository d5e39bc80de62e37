// Entry of the relaxed-SIMD build: everything in the baseline plus the relaxed kernels.
export * from './index';
export * from './gemm/relaxed';
export * from './conv/qu8-conv-rows-6x8c4';
