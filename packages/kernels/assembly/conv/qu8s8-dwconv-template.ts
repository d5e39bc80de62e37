// Template of the depthwise integer convolution (group = C = M), NCHW, channels [c0, c1).
// Each channel is first copied into an i16 plane of (x − zx), zero padded, so the inner loops need
// no bounds checks and padding contributes nothing; then 8 outputs along the row at a time
// (stride 1 or 2 in width; other strides take the scalar path), i32x4.extmul_*_i16x8_s per tap;
// 3×3 (MobileNet's) with the nine weight splats made once per channel and the taps unrolled.
//   w: i16 [C][kH·kW] weights minus their zero point (prepared by the host)
//   bias: i32 [C] or 0; scale: f32 [C]; params: zy, qmin, qmax and the f32 bias pointer as in gemm-params
//   scratch: ≥ 2·Hp·(Wp + 16) bytes per calling thread
import { P_ZY, P_QMIN, P_QMAX, P_BIAS_F32 } from '../common/gemm-params';

const MAGIC: f32 = 12582912.0;
const MAGIC_BITS: i32 = 0x4b400000;

@inline
function finish8<T>(out: usize, valid: i32, acc0: v128, acc1: v128, scale: f32, fbias: f32, params: usize): void {
  if (isInteger<T>() && sizeof<T>() == 1) {
    const zy = load<i32>(params, P_ZY);
    const lo = f32x4.splat(<f32>(load<i32>(params, P_QMIN) - zy));
    const hi = f32x4.splat(<f32>(load<i32>(params, P_QMAX) - zy));
    const s = f32x4.splat(scale);
    const m = f32x4.splat(MAGIC);
    const zb = i32x4.splat(MAGIC_BITS - zy);
    let f0 = f32x4.pmin(f32x4.pmax(f32x4.mul(f32x4.convert_i32x4_s(acc0), s), lo), hi);
    let f1 = f32x4.pmin(f32x4.pmax(f32x4.mul(f32x4.convert_i32x4_s(acc1), s), lo), hi);
    const q0 = i32x4.sub(f32x4.add(f0, m), zb);
    const q1 = i32x4.sub(f32x4.add(f1, m), zb);
    const w = i16x8.narrow_i32x4_s(q0, q1);
    const b = isSigned<T>() ? i8x16.narrow_i16x8_s(w, w) : i8x16.narrow_i16x8_u(w, w);
    if (valid == 8) {
      v128.store64_lane(out, b, 0);
    } else {
      for (let j = 0; j < valid; j++) store<u8>(out + <usize>j, <u8>i8x16.extract_lane_u(i8x16.swizzle(b, i8x16.splat(<i8>j)), 0));
    }
  } else {
    let v0 = acc0, v1 = acc1;
    if (isFloat<T>()) {
      const s = f32x4.splat(scale);
      v0 = f32x4.mul(f32x4.convert_i32x4_s(acc0), s);
      v1 = f32x4.mul(f32x4.convert_i32x4_s(acc1), s);
      if (load<usize>(params, P_BIAS_F32) != 0) {
        v0 = f32x4.add(v0, f32x4.splat(fbias));
        v1 = f32x4.add(v1, f32x4.splat(fbias));
      }
    }
    if (valid == 8) {
      v128.store(out, v0);
      v128.store(out, v1, 16);
    } else {
      for (let j = 0; j < valid; j++) {
        const v = j < 4 ? v0 : v1;
        store<i32>(out + ((<usize>j) << 2), i32x4.extract_lane(i8x16.swizzle(v, i8x16.add(i8x16.splat(<i8>((j & 3) << 2)), i8x16(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3))), 0));
      }
    }
  }
}

@inline
function finish1<T>(out: usize, acc: i32, scale: f32, fbias: f32, params: usize): void {
  if (isInteger<T>() && sizeof<T>() == 1) {
    const zy = load<i32>(params, P_ZY);
    let f = <f32>acc * scale;
    f = max(f, <f32>(load<i32>(params, P_QMIN) - zy));
    f = min(f, <f32>(load<i32>(params, P_QMAX) - zy));
    const q = reinterpret<i32>(f + MAGIC) - (MAGIC_BITS - zy);
    store<u8>(out, <u8>q);
  } else if (isFloat<T>()) {
    let f = <f32>acc * scale;
    if (load<usize>(params, P_BIAS_F32) != 0) f += fbias;
    store<f32>(out, f);
  } else {
    store<i32>(out, acc);
  }
}

/** Eight i16 lanes at p with a column stride of 1 or 2. */
@inline
function lanes(p: usize, sW: i32): v128 {
  return sW == 1 ? v128.load(p) : i16x8.shuffle(v128.load(p), v128.load(p, 16), 0, 2, 4, 6, 8, 10, 12, 14);
}

@inline
export function dwconv<T>(
  c0: i32, c1: i32, x: usize, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  pT: i32, pL: i32, oH: i32, oW: i32, zx: i32, xorMask: i32,
  w: usize, bias: usize, scale: usize, params: usize, scratch: usize, y: usize,
): void {
  const Hp = (oH - 1) * sH + (kH - 1) * dH + 1;
  const Wr = (oW - 1) * sW + (kW - 1) * dW + 1;
  const Wp = Wr + 16;
  const taps = kH * kW;
  const zero = i16x8.splat(0);
  const es = <usize>sizeof<T>();
  const x8 = i8x16.splat(<i8>xorMask);
  const z16 = i16x8.splat(<i16>zx);
  for (let c = c0; c < c1; c++) {
    // 1. padded i16 plane of (x − zx); only the real width Wr: the 16 columns of slack past it are
    //    read by the lanes of a last partial vector only, whose outputs are never stored
    const src = x + <usize>c * <usize>(H * W);
    for (let ih = 0; ih < Hp; ih++) {
      const prow = scratch + ((<usize>(ih * Wp)) << 1);
      const sh = ih - pT;
      if (<u32>sh >= <u32>H) {
        for (let iw = 0; iw < Wr; iw += 8) v128.store(prow + ((<usize>iw) << 1), zero);
        continue;
      }
      const srow = src + <usize>(sh * W);
      let iw = 0;
      for (; iw < Wr && iw < pL; iw++) store<i16>(prow + ((<usize>iw) << 1), 0);
      for (; iw + 8 <= Wr && iw - pL + 8 <= W; iw += 8) {
        const v = i16x8.extend_low_i8x16_u(v128.xor(v128.load64_zero(srow + <usize>(iw - pL)), x8));
        v128.store(prow + ((<usize>iw) << 1), i16x8.sub(v, z16));
      }
      for (; iw < Wr; iw++) {
        const sw = iw - pL;
        store<i16>(prow + ((<usize>iw) << 1), sw < W ? <i16>((<i32>(load<u8>(srow + <usize>sw) ^ <u8>xorMask)) - zx) : 0);
      }
    }
    // 2. taps
    const wc = w + <usize>(c * taps) * 2;
    const b = bias != 0 ? load<i32>(bias + ((<usize>c) << 2)) : 0;
    const s = load<f32>(scale + ((<usize>c) << 2));
    const fb = load<usize>(params, P_BIAS_F32);
    const fbias: f32 = fb != 0 ? load<f32>(fb + ((<usize>c) << 2)) : 0;
    const yc = y + <usize>c * <usize>(oH * oW) * es;
    let w0 = zero, w1 = zero, w2 = zero, w3 = zero, w4 = zero, w5 = zero, w6 = zero, w7 = zero, w8 = zero;
    if (taps == 9) {
      w0 = i16x8.splat(load<i16>(wc)); w1 = i16x8.splat(load<i16>(wc, 2)); w2 = i16x8.splat(load<i16>(wc, 4));
      w3 = i16x8.splat(load<i16>(wc, 6)); w4 = i16x8.splat(load<i16>(wc, 8)); w5 = i16x8.splat(load<i16>(wc, 10));
      w6 = i16x8.splat(load<i16>(wc, 12)); w7 = i16x8.splat(load<i16>(wc, 14)); w8 = i16x8.splat(load<i16>(wc, 16));
    }
    for (let oh = 0; oh < oH; oh++) {
      const yrow = yc + <usize>(oh * oW) * es;
      let ow = 0;
      if (kH == 3 && kW == 3 && sW <= 2) {
        // 3×3: the nine weight splats made once per channel (below), three rows of three taps
        for (; ow < oW; ow += 8) {
          const r0 = scratch + ((<usize>((oh * sH) * Wp + ow * sW)) << 1);
          const r1 = r0 + ((<usize>(dH * Wp)) << 1);
          const r2 = r1 + ((<usize>(dH * Wp)) << 1);
          const d1 = (<usize>dW) << 1;
          const d2 = d1 << 1;
          let acc0 = i32x4.splat(b), acc1 = i32x4.splat(b);
          let v = lanes(r0, sW);
          acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(v, w0));
          acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(v, w0));
          v = lanes(r0 + d1, sW);
          acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(v, w1));
          acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(v, w1));
          v = lanes(r0 + d2, sW);
          acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(v, w2));
          acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(v, w2));
          v = lanes(r1, sW);
          acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(v, w3));
          acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(v, w3));
          v = lanes(r1 + d1, sW);
          acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(v, w4));
          acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(v, w4));
          v = lanes(r1 + d2, sW);
          acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(v, w5));
          acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(v, w5));
          v = lanes(r2, sW);
          acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(v, w6));
          acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(v, w6));
          v = lanes(r2 + d1, sW);
          acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(v, w7));
          acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(v, w7));
          v = lanes(r2 + d2, sW);
          acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(v, w8));
          acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(v, w8));
          finish8<T>(yrow + <usize>ow * es, min(8, oW - ow), acc0, acc1, s, fbias, params);
        }
      } else if (sW <= 2) {
        for (; ow < oW; ow += 8) {
          let acc0 = i32x4.splat(b), acc1 = i32x4.splat(b);
          for (let kh = 0; kh < kH; kh++) {
            const prow = scratch + ((<usize>((oh * sH + kh * dH) * Wp + ow * sW)) << 1);
            for (let kw = 0; kw < kW; kw++) {
              const p = prow + ((<usize>(kw * dW)) << 1);
              let v: v128;
              if (sW == 1) v = v128.load(p);
              else v = i16x8.shuffle(v128.load(p), v128.load(p, 16), 0, 2, 4, 6, 8, 10, 12, 14);
              const wv = i16x8.splat(load<i16>(wc + ((<usize>(kh * kW + kw)) << 1)));
              acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(v, wv));
              acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(v, wv));
            }
          }
          finish8<T>(yrow + <usize>ow * es, min(8, oW - ow), acc0, acc1, s, fbias, params);
        }
      } else {
        for (; ow < oW; ow++) {
          let acc = b;
          for (let kh = 0; kh < kH; kh++) {
            const prow = scratch + ((<usize>((oh * sH + kh * dH) * Wp + ow * sW)) << 1);
            for (let kw = 0; kw < kW; kw++) {
              acc += <i32>load<i16>(prow + ((<usize>(kw * dW)) << 1)) * <i32>load<i16>(wc + ((<usize>(kh * kW + kw)) << 1));
            }
          }
          finish1<T>(yrow + <usize>ow * es, acc, s, fbias, params);
        }
      }
    }
  }
}
