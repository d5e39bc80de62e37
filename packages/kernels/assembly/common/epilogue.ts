// Fused GEMM epilogues, shared by every integer GEMM/conv kernel (inlined at each use).
// The output element type selects the epilogue at compile time:
//   u8 / i8 → requantize (fp32 scale, round half to even by magic bias, + zy, clamp [qmin, qmax])
//   f32     → dequantize (acc · scale + optional f32 bias)
//   i32     → raw accumulator (zero points folded, optional i32 bias)
import { P_ZA, P_BIAS_I32, P_SCALE, P_ZY, P_QMIN, P_QMAX, P_BIAS_F32 } from './gemm-params';

// 1.5·2^23: adding it to |x| < 2^22 leaves round-half-to-even(x) in the low mantissa bits.
const MAGIC: f32 = 12582912.0;
const MAGIC_BITS: i32 = 0x4b400000;

// The GEMM tiles hoist the column-side terms (zero-point fold, bias, scales) out of the row tiles:
// they are loaded once per 8-column panel, and the output-range constants once per call, so a row's
// epilogue is add, (mul, sub when the weight zero points are not all 0), convert, mul, clamp, round.
// V8 spills the hoisted values outside the K loop and reloads them per tile, which costs loads
// only (the former per-row fold spent two i32x4.mul and six splats per row: ~4 % at K = 384).

/** bias − za·colsum for the 4 columns starting at column n: the column half of the zero-point fold. */
@inline
export function colTerm4(n: i32, colsum: usize, params: usize): v128 {
  const za = load<i32>(params, P_ZA);
  const bias = load<usize>(params, P_BIAS_I32);
  const off = (<usize>n) << 2;
  const t = i32x4.mul(i32x4.splat(za), v128.load(colsum + off));
  return i32x4.sub(bias != 0 ? v128.load(bias + off) : i32x4.splat(0), t);
}

/** Lower clamp of the requantizing epilogue, as f32 relative to the output zero point. */
@inline
export function requantLo(params: usize): v128 {
  return f32x4.splat(<f32>(load<i32>(params, P_QMIN) - load<i32>(params, P_ZY)));
}

/** Upper clamp of the requantizing epilogue, as f32 relative to the output zero point. */
@inline
export function requantHi(params: usize): v128 {
  return f32x4.splat(<f32>(load<i32>(params, P_QMAX) - load<i32>(params, P_ZY)));
}

/** Bits to subtract from (x + MAGIC) to get round-half-to-even(x) + zy as i32. */
@inline
export function requantBits(params: usize): v128 {
  return i32x4.splat(MAGIC_BITS - load<i32>(params, P_ZY));
}

/** f32 bias of the dequantizing epilogue for the 4 columns from n (0 when there is none). */
@inline
export function biasF32x4(n: i32, params: usize): v128 {
  const bias = load<usize>(params, P_BIAS_F32);
  return bias != 0 ? v128.load(bias + ((<usize>n) << 2)) : f32x4.splat(0);
}

/**
 * Finishes one output row segment of 8 columns and stores `valid` of them (valid ≤ 8) at
 * out + j·cs elements; cs == 1 with valid == 8 takes the vector store. The column terms come from
 * the caller's panel: ct = colTerm4, zb = weight zero points, zbAny = some zb ≠ 0, sc = scales,
 * bf = biasF32x4; lo/hi/bits = requantLo/Hi/Bits (only read for 8-bit outputs).
 */
@inline
export function storeRow8p<T>(
  out: usize, cs: i32, valid: i32, acc0: v128, acc1: v128, rowTerm: i32,
  ct0: v128, ct1: v128, zb0: v128, zb1: v128, zbAny: bool, sc0: v128, sc1: v128, bf0: v128, bf1: v128,
  lo: v128, hi: v128, bits: v128,
): void {
  // acc + bias − za·colsum − zb·(rowsum − K·za)
  let v0 = i32x4.add(acc0, ct0);
  let v1 = i32x4.add(acc1, ct1);
  if (zbAny) {
    const r = i32x4.splat(rowTerm);
    v0 = i32x4.sub(v0, i32x4.mul(zb0, r));
    v1 = i32x4.sub(v1, i32x4.mul(zb1, r));
  }
  if (isInteger<T>() && sizeof<T>() == 1) {
    // fp32 requantization: scale, clamp to [qmin, qmax] − zy, round half to even by magic bias, + zy
    let f0 = f32x4.mul(f32x4.convert_i32x4_s(v0), sc0);
    let f1 = f32x4.mul(f32x4.convert_i32x4_s(v1), sc1);
    f0 = f32x4.add(f32x4.pmin(f32x4.pmax(f0, lo), hi), f32x4.splat(MAGIC));
    f1 = f32x4.add(f32x4.pmin(f32x4.pmax(f1, lo), hi), f32x4.splat(MAGIC));
    const w = i16x8.narrow_i32x4_s(i32x4.sub(f0, bits), i32x4.sub(f1, bits));
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
      v0 = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(v0), sc0), bf0);
      v1 = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(v1), sc1), bf1);
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

/** storeRow8p with the column terms loaded here: for kernels that finish one row per panel (GEMV). */
@inline
export function storeRow8<T>(
  out: usize, cs: i32, valid: i32, acc0: v128, acc1: v128, n: i32,
  rowTerm: i32, colsum: usize, zb: usize, params: usize,
): void {
  const off = (<usize>n) << 2;
  const zb0 = v128.load(zb + off);
  const zb1 = v128.load(zb + off, 16);
  const scale = load<usize>(params, P_SCALE);
  storeRow8p<T>(
    out, cs, valid, acc0, acc1, rowTerm,
    colTerm4(n, colsum, params), colTerm4(n + 4, colsum, params), zb0, zb1, v128.any_true(v128.or(zb0, zb1)),
    v128.load(scale + off), v128.load(scale + off, 16), biasF32x4(n, params), biasF32x4(n + 4, params),
    requantLo(params), requantHi(params), requantBits(params),
  );
}
