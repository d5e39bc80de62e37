// The row-range convolution (qu8-conv-rows.ts) on the baseline 4×8c2 GEMM kernels.
import { convRows, field, D_OUT } from './qu8-conv-rows';
import { qu8s8_gemm_4x8c2__minmax_fp32_qu8__wasmsimd_dot16x2 as gemmU8 } from '../gemm/qu8s8-gemm-4x8c2-minmax-fp32-qu8-wasmsimd-dot16x2';
import { qu8s8_gemm_4x8c2__minmax_fp32_qs8__wasmsimd_dot16x2 as gemmS8 } from '../gemm/qu8s8-gemm-4x8c2-minmax-fp32-qs8-wasmsimd-dot16x2';
import { qu8s8_gemm_4x8c2__dequant_f32__wasmsimd_dot16x2 as gemmF32 } from '../gemm/qu8s8-gemm-4x8c2-dequant-f32-wasmsimd-dot16x2';
import { qu8s8_gemm_4x8c2__i32__wasmsimd_dot16x2 as gemmI32 } from '../gemm/qu8s8-gemm-4x8c2-i32-wasmsimd-dot16x2';

export function qu8_conv_rows__4x8c2(d: usize, r0: i32, r1: i32, scratch: usize): void {
  const out = field(d, D_OUT);
  convRows(d, r0, r1, scratch, 4, 2, out == 0 ? gemmU8 : out == 1 ? gemmS8 : out == 2 ? gemmF32 : gemmI32);
}
