// The row-range convolution (qu8-conv-rows.ts) on the relaxed-SIMD 6×8c4 GEMM kernels (relaxed builds only).
import { convRows, field, D_OUT } from './qu8-conv-rows';
import { qu8s8_gemm_6x8c4__minmax_fp32_qu8__wasmrelaxedsimd_dot8x4 as gemmU8 } from '../gemm/qu8s8-gemm-6x8c4-minmax-fp32-qu8-wasmrelaxedsimd-dot8x4';
import { qu8s8_gemm_6x8c4__minmax_fp32_qs8__wasmrelaxedsimd_dot8x4 as gemmS8 } from '../gemm/qu8s8-gemm-6x8c4-minmax-fp32-qs8-wasmrelaxedsimd-dot8x4';
import { qu8s8_gemm_6x8c4__dequant_f32__wasmrelaxedsimd_dot8x4 as gemmF32 } from '../gemm/qu8s8-gemm-6x8c4-dequant-f32-wasmrelaxedsimd-dot8x4';
import { qu8s8_gemm_6x8c4__i32__wasmrelaxedsimd_dot8x4 as gemmI32 } from '../gemm/qu8s8-gemm-6x8c4-i32-wasmrelaxedsimd-dot8x4';

export function qu8_conv_rows__6x8c4(d: usize, r0: i32, r1: i32, scratch: usize): void {
  const out = field(d, D_OUT);
  convRows(d, r0, r1, scratch, 6, 4, out == 0 ? gemmU8 : out == 1 ? gemmS8 : out == 2 ? gemmF32 : gemmI32);
}
