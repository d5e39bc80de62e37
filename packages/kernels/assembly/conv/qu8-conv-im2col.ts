import { im2colRows } from './qu8-conv-rows';

// im2col for the integer convolution: one group's channels [C, H, W] (u8 or s8 bytes, raw) →
// dst [oH·oW, C·kH·kW] row-major, k ordered (c, kh, kw) like ONNX weights [M, C/g, kH, kW].
// Padding takes the activation zero point `padValue`, so it contributes nothing after the fold.
export function qu8_conv_im2col(
  x: usize, C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  pT: i32, pL: i32, oH: i32, oW: i32, padValue: i32, dst: usize,
): void {
  const K = C * kH * kW;
  for (let oh = 0; oh < oH; oh++) {
    for (let ow = 0; ow < oW; ow++) {
      let d = dst + <usize>(oh * oW + ow) * <usize>K;
      const ih0 = oh * sH - pT;
      const iw0 = ow * sW - pL;
      for (let c = 0; c < C; c++) {
        const plane = x + <usize>c * <usize>(H * W);
        for (let kh = 0; kh < kH; kh++) {
          const ih = ih0 + kh * dH;
          if (<u32>ih >= <u32>H) {
            memory.fill(d, <u8>padValue, <usize>kW);
            d += <usize>kW;
            continue;
          }
          const row = plane + <usize>(ih * W);
          for (let kw = 0; kw < kW; kw++) {
            const iw = iw0 + kw * dW;
            store<u8>(d, <u32>iw < <u32>W ? load<u8>(row + <usize>iw) : <u8>padValue);
            d++;
          }
        }
      }
    }
  }
}

// Transposed im2col of the whole plane: dst [C·kH·kW, oH·oW] (one row per k, spatial positions
// contiguous), the layout the column-major packer (qu8_gemm_pack_a_* with rs = 1) reads fastest.
export function qu8_conv_im2col_t(
  x: usize, C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  pT: i32, pL: i32, oH: i32, oW: i32, padValue: i32, dst: usize,
): void {
  im2colRows(x, C, H, W, kH, kW, sH, sW, dH, dW, pT, pL, oW, <u8>padValue, 0, oH * oW, dst);
}
