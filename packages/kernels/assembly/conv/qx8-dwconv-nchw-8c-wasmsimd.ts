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

/**
 * 8 rows (channels, `rowStride` bytes apart) × 8 bytes (positions) at src → 8 vectors of 8 i16
 * (x ^ xor) − zx, one per position, `dstStride` bytes apart.
 */
@inline
function transpose8x8(src: usize, rowStride: usize, dst: usize, dstStride: usize, x8: v128, z16: v128): void {
  const r0 = v128.load64_zero(src), r1 = v128.load64_zero(src + rowStride);
  const r2 = v128.load64_zero(src + 2 * rowStride), r3 = v128.load64_zero(src + 3 * rowStride);
  const r4 = v128.load64_zero(src + 4 * rowStride), r5 = v128.load64_zero(src + 5 * rowStride);
  const r6 = v128.load64_zero(src + 6 * rowStride), r7 = v128.load64_zero(src + 7 * rowStride);
  // bytes of row pairs interleaved: (r0[p], r1[p]) for p = 0…7
  const a01 = i8x16.shuffle(r0, r1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const a23 = i8x16.shuffle(r2, r3, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const a45 = i8x16.shuffle(r4, r5, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const a67 = i8x16.shuffle(r6, r7, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  // four rows per position: positions 0…3 (lo) and 4…7 (hi)
  const b03l = i16x8.shuffle(a01, a23, 0, 8, 1, 9, 2, 10, 3, 11);
  const b03h = i16x8.shuffle(a01, a23, 4, 12, 5, 13, 6, 14, 7, 15);
  const b47l = i16x8.shuffle(a45, a67, 0, 8, 1, 9, 2, 10, 3, 11);
  const b47h = i16x8.shuffle(a45, a67, 4, 12, 5, 13, 6, 14, 7, 15);
  // eight rows per position, two positions per vector
  const p01 = v128.xor(i32x4.shuffle(b03l, b47l, 0, 4, 1, 5), x8);
  const p23 = v128.xor(i32x4.shuffle(b03l, b47l, 2, 6, 3, 7), x8);
  const p45 = v128.xor(i32x4.shuffle(b03h, b47h, 0, 4, 1, 5), x8);
  const p67 = v128.xor(i32x4.shuffle(b03h, b47h, 2, 6, 3, 7), x8);
  v128.store(dst, i16x8.sub(i16x8.extend_low_i8x16_u(p01), z16));
  v128.store(dst + dstStride, i16x8.sub(i16x8.extend_high_i8x16_u(p01), z16));
  v128.store(dst + 2 * dstStride, i16x8.sub(i16x8.extend_low_i8x16_u(p23), z16));
  v128.store(dst + 3 * dstStride, i16x8.sub(i16x8.extend_high_i8x16_u(p23), z16));
  v128.store(dst + 4 * dstStride, i16x8.sub(i16x8.extend_low_i8x16_u(p45), z16));
  v128.store(dst + 5 * dstStride, i16x8.sub(i16x8.extend_high_i8x16_u(p45), z16));
  v128.store(dst + 6 * dstStride, i16x8.sub(i16x8.extend_low_i8x16_u(p67), z16));
  v128.store(dst + 7 * dstStride, i16x8.sub(i16x8.extend_high_i8x16_u(p67), z16));
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
  const x8 = i8x16.splat(<i8>xorMask);
  const z16 = i16x8.splat(<i16>zx);
  for (let n = n0; n < n1; n++) {
    // 1. channels-last i16 plane of (x − zx): 8×8 blocks (channels × positions) transposed by
    //    shuffles, the leftover channels and positions one by one
    const xn = x + <usize>n * <usize>(C * HW);
    const C8 = C & ~7;
    const HW8 = HW & ~7;
    for (let c = 0; c < C8; c += 8) {
      const src = xn + <usize>(c * HW);
      for (let p = 0; p < HW8; p += 8) transpose8x8(src + <usize>p, <usize>HW, scratch + (<usize>(p * Cp + c) << 1), (<usize>Cp) << 1, x8, z16);
    }
    for (let c = 0; c < C; c++) {
      const src = xn + <usize>(c * HW);
      for (let p = c < C8 ? HW8 : 0; p < HW; p++) {
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
