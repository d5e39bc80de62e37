// Depthwise integer convolution (group = C = M) for small planes, NCHW in and out, vectorised over
// 8 channels instead of 8 output columns: on a 2×2 or 1×1 plane the column-vectorised dwconv fills
// a fraction of each vector, while here every lane is a channel. Per image, the plane is first
// transposed into channels-last i16 (x − zx) in `scratch`, then each output position accumulates
// only the taps that fall inside the image (padding contributes nothing).
//   images [n0, n1); x: [N][C][H][W] u8/s8 (xorMask 0x80 for s8: the kernel works in u8, zx too)
//   w: i16 [kH·kW][Cp] weights minus their zero point, Cp = C rounded up to 8 (host-prepared)
//   bias: i32 [Cp] or 0; scale: f32 [Cp] combined scale; zy, qmin, qmax: output quantization
//   scratch: ≥ 2·H·W·Cp + 32 bytes per calling thread
//   y: [N][C][oH][oW] u8 (qu8) or s8 (qs8), requantized as the gemm/dwconv epilogues do; f32
//      (dequant: float(acc)·scale, plus an f32 bias [Cp] when the zy argument, unused by this
//      epilogue, is a pointer to one); or i32 (the accumulators)
// Written by the runtime engineer (issue 4); reference: packages/runtime integer-conv TypeScript path.

const MAGIC: f32 = 12582912.0;
const MAGIC_BITS: i32 = 0x4b400000;

/** Scatters 8 lanes of 32 bits (two v128) to out + j·step, the first `valid` of them when not full. */
@inline
function store8x32(out: usize, step: usize, full: bool, valid: i32, v0: v128, v1: v128, tmp: usize): void {
  if (full) {
    store<i32>(out, i32x4.extract_lane(v0, 0));
    store<i32>(out + step, i32x4.extract_lane(v0, 1));
    store<i32>(out + 2 * step, i32x4.extract_lane(v0, 2));
    store<i32>(out + 3 * step, i32x4.extract_lane(v0, 3));
    store<i32>(out + 4 * step, i32x4.extract_lane(v1, 0));
    store<i32>(out + 5 * step, i32x4.extract_lane(v1, 1));
    store<i32>(out + 6 * step, i32x4.extract_lane(v1, 2));
    store<i32>(out + 7 * step, i32x4.extract_lane(v1, 3));
  } else {
    v128.store(tmp, v0);
    v128.store(tmp, v1, 16);
    for (let j = 0; j < valid; j++) store<i32>(out + <usize>j * step, load<i32>(tmp + (<usize>j << 2)));
  }
}

@inline
function dwconvNchw8c<T>(
  n0: i32, n1: i32, x: usize, C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  pT: i32, pL: i32, oH: i32, oW: i32, zx: i32, xorMask: i32,
  w: usize, bias: usize, scale: usize, zy: i32, qmin: i32, qmax: i32, scratch: usize, y: usize,
): void {
  const HW = H * W;
  const oHW = oH * oW;
  const Cp = (C + 7) & ~7;
  const tmp = scratch + (<usize>(HW * Cp) << 1); // 32 bytes for partial stores
  const lo = f32x4.splat(<f32>(qmin - zy));
  const hi = f32x4.splat(<f32>(qmax - zy));
  const m = f32x4.splat(MAGIC);
  const zb = i32x4.splat(MAGIC_BITS - zy);
  for (let n = n0; n < n1; n++) {
    // 1. channels-last i16 plane of (x − zx)
    const xn = x + <usize>n * <usize>(C * HW);
    for (let c = 0; c < C; c++) {
      const src = xn + <usize>(c * HW);
      for (let p = 0; p < HW; p++) {
        store<i16>(scratch + (<usize>(p * Cp + c) << 1), <i16>((<i32>(load<u8>(src + <usize>p) ^ <u8>xorMask)) - zx));
      }
    }
    const yn = y + <usize>n * <usize>(C * oHW) * <usize>sizeof<T>();
    // 2. each output position, 8 channels at a time
    for (let oh = 0; oh < oH; oh++) {
      for (let ow = 0; ow < oW; ow++) {
        const p = oh * oW + ow;
        for (let cb = 0; cb < C; cb += 8) {
          let acc0 = i32x4.splat(0), acc1 = i32x4.splat(0);
          if (bias != 0) {
            acc0 = v128.load(bias + (<usize>cb << 2));
            acc1 = v128.load(bias + (<usize>cb << 2), 16);
          }
          for (let kh = 0; kh < kH; kh++) {
            const ih = oh * sH - pT + kh * dH;
            if (<u32>ih >= <u32>H) continue;
            for (let kw = 0; kw < kW; kw++) {
              const iw = ow * sW - pL + kw * dW;
              if (<u32>iw >= <u32>W) continue;
              const v = v128.load(scratch + (<usize>((ih * W + iw) * Cp + cb) << 1));
              const wv = v128.load(w + (<usize>((kh * kW + kw) * Cp + cb) << 1));
              acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(v, wv));
              acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(v, wv));
            }
          }
          const out = yn + <usize>(cb * oHW + p) * <usize>sizeof<T>();
          const step = <usize>oHW * <usize>sizeof<T>();
          const full = cb + 8 <= C;
          if (isInteger<T>() && sizeof<T>() == 4) {
            store8x32(out, step, full, C - cb, acc0, acc1, tmp);
            continue;
          }
          const s0 = v128.load(scale + (<usize>cb << 2));
          const s1 = v128.load(scale + (<usize>cb << 2), 16);
          if (isFloat<T>()) {
            let v0 = f32x4.mul(f32x4.convert_i32x4_s(acc0), s0);
            let v1 = f32x4.mul(f32x4.convert_i32x4_s(acc1), s1);
            if (zy != 0) {
              v0 = f32x4.add(v0, v128.load(<usize>zy + (<usize>cb << 2)));
              v1 = f32x4.add(v1, v128.load(<usize>zy + (<usize>cb << 2), 16));
            }
            store8x32(out, step, full, C - cb, v0, v1, tmp);
            continue;
          }
          const f0 = f32x4.pmin(f32x4.pmax(f32x4.mul(f32x4.convert_i32x4_s(acc0), s0), lo), hi);
          const f1 = f32x4.pmin(f32x4.pmax(f32x4.mul(f32x4.convert_i32x4_s(acc1), s1), lo), hi);
          const q0 = i32x4.sub(f32x4.add(f0, m), zb);
          const q1 = i32x4.sub(f32x4.add(f1, m), zb);
          const h = i16x8.narrow_i32x4_s(q0, q1);
          const b = isSigned<T>() ? i8x16.narrow_i16x8_s(h, h) : i8x16.narrow_i16x8_u(h, h);
          // scatter: channel cb + j of this position is at y + (cb + j)·oHW + p
          if (full) {
            store<u8>(out, i8x16.extract_lane_u(b, 0));
            store<u8>(out + step, i8x16.extract_lane_u(b, 1));
            store<u8>(out + 2 * step, i8x16.extract_lane_u(b, 2));
            store<u8>(out + 3 * step, i8x16.extract_lane_u(b, 3));
            store<u8>(out + 4 * step, i8x16.extract_lane_u(b, 4));
            store<u8>(out + 5 * step, i8x16.extract_lane_u(b, 5));
            store<u8>(out + 6 * step, i8x16.extract_lane_u(b, 6));
            store<u8>(out + 7 * step, i8x16.extract_lane_u(b, 7));
          } else {
            v128.store64_lane(tmp, b, 0);
            for (let j = 0; j < C - cb; j++) store<u8>(out + <usize>j * step, load<u8>(tmp + <usize>j));
          }
        }
      }
    }
  }
}

export function qx8_dwconv_nchw_8c__minmax_fp32_qu8__wasmsimd(
  n0: i32, n1: i32, x: usize, C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  pT: i32, pL: i32, oH: i32, oW: i32, zx: i32, xorMask: i32,
  w: usize, bias: usize, scale: usize, zy: i32, qmin: i32, qmax: i32, scratch: usize, y: usize,
): void {
  dwconvNchw8c<u8>(n0, n1, x, C, H, W, kH, kW, sH, sW, dH, dW, pT, pL, oH, oW, zx, xorMask, w, bias, scale, zy, qmin, qmax, scratch, y);
}

export function qx8_dwconv_nchw_8c__minmax_fp32_qs8__wasmsimd(
  n0: i32, n1: i32, x: usize, C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  pT: i32, pL: i32, oH: i32, oW: i32, zx: i32, xorMask: i32,
  w: usize, bias: usize, scale: usize, zy: i32, qmin: i32, qmax: i32, scratch: usize, y: usize,
): void {
  dwconvNchw8c<i8>(n0, n1, x, C, H, W, kH, kW, sH, sW, dH, dW, pT, pL, oH, oW, zx, xorMask, w, bias, scale, zy, qmin, qmax, scratch, y);
}

export function qx8_dwconv_nchw_8c__dequant_f32__wasmsimd(
  n0: i32, n1: i32, x: usize, C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  pT: i32, pL: i32, oH: i32, oW: i32, zx: i32, xorMask: i32,
  w: usize, bias: usize, scale: usize, zy: i32, qmin: i32, qmax: i32, scratch: usize, y: usize,
): void {
  dwconvNchw8c<f32>(n0, n1, x, C, H, W, kH, kW, sH, sW, dH, dW, pT, pL, oH, oW, zx, xorMask, w, bias, scale, zy, qmin, qmax, scratch, y);
}

export function qx8_dwconv_nchw_8c__i32__wasmsimd(
  n0: i32, n1: i32, x: usize, C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  pT: i32, pL: i32, oH: i32, oW: i32, zx: i32, xorMask: i32,
  w: usize, bias: usize, scale: usize, zy: i32, qmin: i32, qmax: i32, scratch: usize, y: usize,
): void {
  dwconvNchw8c<i32>(n0, n1, x, C, H, W, kH, kW, sH, sW, dH, dW, pT, pL, oH, oW, zx, xorMask, w, bias, scale, zy, qmin, qmax, scratch, y);
}
