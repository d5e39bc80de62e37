// GlobalAveragePool. fp32: mean over the spatial positions (SIMD partial sums, lanes then tail).
// Quantized (QLinearGlobalAveragePool, com.microsoft), bit-exact with ORT's MLAS:
//   acc = Σ x (int32) − x_zp·HW;  scale = x_scale / (y_scale · f32(HW));
//   y = saturate(round_half_even(clamp(f32(acc) · scale, qmin − y_zp, qmax − y_zp)) + y_zp).
// Layout NCHW ([nc, hw]) or, with channelsLast, NHWC ([n, hw, c], the runtime passes nc = N·C, c).
// ORT rejects HW ≥ 2^24 and scale outside [2^-32, 256); the TS wrapper checks that.
import { hsum } from '../elementwise/f32-vmath-wasmsimd';

// @ts-ignore: decorator
@inline function requant(acc: i32, scale: f32, lo: f32, hi: f32, zp: i32): i32 {
  return <i32>nearest(min(max(<f32>acc * scale, lo), hi)) + zp;
}

/** requant on 4 lanes: the same f32 operations, lane by lane (nearest = round half to even). */
// @ts-ignore: decorator
@inline function requant4(acc: v128, bias: v128, scale: v128, lo: v128, hi: v128, zp: v128): v128 {
  const f = f32x4.min(f32x4.max(f32x4.mul(f32x4.convert_i32x4_s(i32x4.add(acc, bias)), scale), lo), hi);
  return i32x4.add(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f)), zp);
}

export function q8_global_avgpool_wasmsimd(
  signed: i32, x: usize, y: usize, nc: i32, hw: i32, channelsLast: i32, c: i32,
  xScale: f32, xZp: i32, yScale: f32, yZp: i32,
): void {
  const scale = xScale / (yScale * <f32>hw);
  const lo = <f32>((signed ? <i32>-128 : <i32>0) - yZp);
  const hi = <f32>((signed ? <i32>127 : <i32>255) - yZp);
  const bias = -xZp * hw;
  if (!channelsLast) {
    let ch = 0;
    // planes of 1, 2 or 4 pixels (the end of a CNN): 16 / hw channels per vector, sums by pairwise adds
    if (hw == 1 || hw == 2 || hw == 4) {
      const per = 16 / hw;
      const sc = f32x4.splat(scale);
      const lov = f32x4.splat(lo);
      const hiv = f32x4.splat(hi);
      const bv = i32x4.splat(bias);
      const zv = i32x4.splat(yZp);
      for (; ch + per <= nc; ch += per) {
        const v = v128.load(x + <usize>ch * <usize>hw);
        const out = y + <usize>ch;
        if (hw == 4) {
          const s16 = signed ? i16x8.extadd_pairwise_i8x16_s(v) : i16x8.extadd_pairwise_i8x16_u(v);
          const q = requant4(i32x4.extadd_pairwise_i16x8_s(s16), bv, sc, lov, hiv, zv);
          const h = i16x8.narrow_i32x4_s(q, q);
          v128.store32_lane(out, signed ? i8x16.narrow_i16x8_s(h, h) : i8x16.narrow_i16x8_u(h, h), 0);
        } else if (hw == 2) {
          const s16 = signed ? i16x8.extadd_pairwise_i8x16_s(v) : i16x8.extadd_pairwise_i8x16_u(v);
          const q0 = requant4(i32x4.extend_low_i16x8_s(s16), bv, sc, lov, hiv, zv);
          const q1 = requant4(i32x4.extend_high_i16x8_s(s16), bv, sc, lov, hiv, zv);
          const h = i16x8.narrow_i32x4_s(q0, q1);
          v128.store64_lane(out, signed ? i8x16.narrow_i16x8_s(h, h) : i8x16.narrow_i16x8_u(h, h), 0);
        } else {
          const lo16 = signed ? i16x8.extend_low_i8x16_s(v) : i16x8.extend_low_i8x16_u(v);
          const hi16 = signed ? i16x8.extend_high_i8x16_s(v) : i16x8.extend_high_i8x16_u(v);
          const q0 = requant4(i32x4.extend_low_i16x8_s(lo16), bv, sc, lov, hiv, zv);
          const q1 = requant4(i32x4.extend_high_i16x8_s(lo16), bv, sc, lov, hiv, zv);
          const q2 = requant4(i32x4.extend_low_i16x8_s(hi16), bv, sc, lov, hiv, zv);
          const q3 = requant4(i32x4.extend_high_i16x8_s(hi16), bv, sc, lov, hiv, zv);
          const h0 = i16x8.narrow_i32x4_s(q0, q1);
          const h1 = i16x8.narrow_i32x4_s(q2, q3);
          v128.store(out, signed ? i8x16.narrow_i16x8_s(h0, h1) : i8x16.narrow_i16x8_u(h0, h1));
        }
      }
    }
    for (; ch < nc; ch++) {
      const p = x + <usize>ch * <usize>hw;
      let acc = i32x4.splat(0);
      let i = 0;
      for (; i + 16 <= hw; i += 16) {
        const v = v128.load(p + <usize>i);
        const s16 = signed ? i16x8.extadd_pairwise_i8x16_s(v) : i16x8.extadd_pairwise_i8x16_u(v);
        acc = i32x4.add(acc, i32x4.extadd_pairwise_i16x8_s(s16));
      }
      let s = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
      for (; i < hw; i++) s += signed ? <i32>load<i8>(p + <usize>i) : <i32>load<u8>(p + <usize>i);
      const q = requant(s + bias, scale, lo, hi, yZp);
      if (signed) store<i8>(y + <usize>ch, <i8>q);
      else store<u8>(y + <usize>ch, <u8>q);
    }
    return;
  }
  const batches = nc / c;
  for (let b = 0; b < batches; b++) {
    const xb = x + <usize>b * <usize>hw * <usize>c;
    const yb = y + <usize>(b * c);
    for (let ch = 0; ch < c; ch++) {
      let s = 0;
      for (let i = 0; i < hw; i++) {
        const p = xb + <usize>(i * c + ch);
        s += signed ? <i32>load<i8>(p) : <i32>load<u8>(p);
      }
      const q = requant(s + bias, scale, lo, hi, yZp);
      if (signed) store<i8>(yb + <usize>ch, <i8>q);
      else store<u8>(yb + <usize>ch, <u8>q);
    }
  }
}

export function f32_global_avgpool_wasmsimd(x: usize, y: usize, nc: i32, hw: i32): void {
  const inv = <f32>hw;
  for (let ch = 0; ch < nc; ch++) {
    const p = x + (<usize>ch * <usize>hw << 2);
    let acc = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= hw; i += 4) acc = f32x4.add(acc, v128.load(p + (<usize>i << 2)));
    let s = hsum(acc);
    for (; i < hw; i++) s += load<f32>(p + (<usize>i << 2));
    store<f32>(y + (<usize>ch << 2), s / inv);
  }
}
