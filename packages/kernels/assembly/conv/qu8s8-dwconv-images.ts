// Depthwise convolution over a range of images [n0, n1) in one call (the thread pool gives each
// thread whole images of a batch in one round trip): the per-image kernels, channels [0, C).
import { qu8s8_dwconv_8x1__minmax_fp32_qu8__wasmsimd as dwU8 } from './qu8s8-dwconv-8x1-minmax-fp32-qu8-wasmsimd';
import { qu8s8_dwconv_8x1__minmax_fp32_qs8__wasmsimd as dwS8 } from './qu8s8-dwconv-8x1-minmax-fp32-qs8-wasmsimd';
import { qu8s8_dwconv_8x1__dequant_f32__wasmsimd as dwF32 } from './qu8s8-dwconv-8x1-dequant-f32-wasmsimd';
import { qu8s8_dwconv_8x1__i32__wasmsimd as dwI32 } from './qu8s8-dwconv-8x1-i32-wasmsimd';

/** out: 0 u8, 1 s8, 2 f32, 3 i32; x and y advance by C·H·W bytes and C·oH·oW elements per image. */
export function qu8s8_dwconv_images(
  out: i32, n0: i32, n1: i32, C: i32, x: usize, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  pT: i32, pL: i32, oH: i32, oW: i32, zx: i32, xorMask: i32,
  w: usize, bias: usize, scale: usize, params: usize, scratch: usize, y: usize,
): void {
  const xStep = <usize>(C * H * W);
  const yStep = <usize>(C * oH * oW) * (out < 2 ? 1 : 4);
  for (let n = n0; n < n1; n++) {
    const xn = x + <usize>n * xStep;
    const yn = y + <usize>n * yStep;
    if (out == 0) dwU8(0, C, xn, H, W, kH, kW, sH, sW, dH, dW, pT, pL, oH, oW, zx, xorMask, w, bias, scale, params, scratch, yn);
    else if (out == 1) dwS8(0, C, xn, H, W, kH, kW, sH, sW, dH, dW, pT, pL, oH, oW, zx, xorMask, w, bias, scale, params, scratch, yn);
    else if (out == 2) dwF32(0, C, xn, H, W, kH, kW, sH, sW, dH, dW, pT, pL, oH, oW, zx, xorMask, w, bias, scale, params, scratch, yn);
    else dwI32(0, C, xn, H, W, kH, kW, sH, sW, dH, dW, pT, pL, oH, oW, zx, xorMask, w, bias, scale, params, scratch, yn);
  }
}
