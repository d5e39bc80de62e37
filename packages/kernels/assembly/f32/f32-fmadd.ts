// a·b + c for the fp32 accumulation loops (GEMM, convolution, MatMulNBits): one relaxed fused
// multiply-add in the relaxed-SIMD build (FMA where the engine has it), multiply + add elsewhere.
// Only float accumulations use it — results stay within the fp32 tolerances the tests check, and
// the bit-exact integer/requantization kernels never do.

// @ts-ignore: decorator
@inline export function fmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
