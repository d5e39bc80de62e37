// Fused GEMM epilogues, shared by every integer GEMM/conv kernel (inlined at each use).
// The output element type selects the epilogue at compile time:
//   u8 / i8 → requantize (fp32 scale, round half to even by magic bias, + zy, clamp [qmin, qmax])
//   f32     → dequantize (acc · scale + optional f32 bias)
//   i32     → raw accumulator (zero points folded, optional i32 bias)
import { P_ZA, P_BIAS_I32, P_SCALE, P_ZY, P_QMIN, P_QMAX, P_BIAS_F32 } from './gemm-params';

// 1.5·2^23: adding it to |x| < 2^22 leaves round-half-to-even(x) in the low mantissa bits.
const MAGIC: f32 = 12582912.0;
const MAGIC_BITS: i32 = 0x4b400000;

/** Adds the zero-point fold and int32 bias for 4 columns starting at column n. */
@inline
export function foldColumns4(acc: v128, n: i32, rowTerm: i32, colsum: usize, zb: usize, params: usize): v128 {
  const za = load<i32>(params, P_ZA);
  const bias = load<usize>(params, P_BIAS_I32);
  const off = (<usize>n) << 2;
  // acc + bias - za·colsum - zb·(rowsum - K·za)
  let t = i32x4.sub(acc, i32x4.mul(i32x4.splat(za), v128.load(colsum + off)));
  t = i32x4.sub(t, i32x4.mul(v128.load(zb + off), i32x4.splat(rowTerm)));
  if (bias != 0) t = i32x4.add(t, v128.load(bias + off));
  return t;
}

/** fp32 requantization of 4 accumulators to i32 values already clamped to [qmin, qmax]. */
@inline
export function requant4(acc: v128, n: i32, params: usize): v128 {
  const zy = load<i32>(params, P_ZY);
  const lo = <f32>(load<i32>(params, P_QMIN) - zy);
  const hi = <f32>(load<i32>(params, P_QMAX) - zy);
  const scale = load<usize>(params, P_SCALE);
  let f = f32x4.mul(f32x4.convert_i32x4_s(acc), v128.load(scale + ((<usize>n) << 2)));
  f = f32x4.pmax(f, f32x4.splat(lo));
  f = f32x4.pmin(f, f32x4.splat(hi));
  f = f32x4.add(f, f32x4.splat(MAGIC));
  return i32x4.sub(f, i32x4.splat(MAGIC_BITS - zy));
}

@inline
export function dequant4(acc: v128, n: i32, params: usize): v128 {
  const scale = load<usize>(params, P_SCALE);
  const off = (<usize>n) << 2;
  let f = f32x4.mul(f32x4.convert_i32x4_s(acc), v128.load(scale + off));
  const bias = load<usize>(params, P_BIAS_F32);
  if (bias != 0) f = f32x4.add(f, v128.load(bias + off));
  return f;
}

/**
 * Finishes one output row segment of 8 columns [n, n+8) and stores `valid` of them
 * (valid ≤ 8) at out + j·cs elements. cs == 1 with valid == 8 takes the vector store.
 */
@inline
export function storeRow8<T>(
  out: usize, cs: i32, valid: i32, acc0: v128, acc1: v128, n: i32,
  rowTerm: i32, colsum: usize, zb: usize, params: usize,
): void {
  let v0 = foldColumns4(acc0, n, rowTerm, colsum, zb, params);
  let v1 = foldColumns4(acc1, n + 4, rowTerm, colsum, zb, params);
  if (isInteger<T>() && sizeof<T>() == 1) {
    v0 = requant4(v0, n, params);
    v1 = requant4(v1, n + 4, params);
    const w = i16x8.narrow_i32x4_s(v0, v1);
    const b = isSigned<T>() ? i8x16.narrow_i16x8_s(w, w) : i8x16.narrow_i16x8_u(w, w);
    if (cs == 1 && valid == 8) {
      v128.store64_lane(out, b, 0);
    } else {
      const s = <usize>cs;
      v128.store8_lane(out, b, 0);
      if (valid > 1) v128.store8_lane(out + s, b, 1);
      if (valid > 2) v128.store8_lane(out + 2 * s, b, 2);
      if (valid > 3) v128.store8_lane(out + 3 * s, b, 3);
      if (valid > 4) v128.store8_lane(out + 4 * s, b, 4);
      if (valid > 5) v128.store8_lane(out + 5 * s, b, 5);
      if (valid > 6) v128.store8_lane(out + 6 * s, b, 6);
      if (valid > 7) v128.store8_lane(out + 7 * s, b, 7);
    }
  } else {
    if (isFloat<T>()) {
      v0 = dequant4(v0, n, params);
      v1 = dequant4(v1, n + 4, params);
    }
    if (cs == 1 && valid == 8) {
      v128.store(out, v0);
      v128.store(out, v1, 16);
    } else {
      const s = (<usize>cs) << 2;
      v128.store32_lane(out, v0, 0);
      if (valid > 1) v128.store32_lane(out + s, v0, 1);
      if (valid > 2) v128.store32_lane(out + 2 * s, v0, 2);
      if (valid > 3) v128.store32_lane(out + 3 * s, v0, 3);
      if (valid > 4) v128.store32_lane(out + 4 * s, v1, 0);
      if (valid > 5) v128.store32_lane(out + 5 * s, v1, 1);
      if (valid > 6) v128.store32_lane(out + 6 * s, v1, 2);
      if (valid > 7) v128.store32_lane(out + 7 * s, v1, 3);
    }
  }
}
