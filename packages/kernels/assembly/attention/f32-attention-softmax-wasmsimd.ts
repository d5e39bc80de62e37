// Attention probabilities in one pass over [rows, n] f32 scores (QKᵀ), fusing what exported and
// quantized encoders spell as separate ops:
//   v = x · (mul / div)                                (Div or Mul by the 1/√d constant)
//   v = (clamp(round_half_even(v · (1/qs)) + qz) − qz) · qs (optional Q → DQ round trip, QDQ graphs)
//   v = v + mask[(rowStart + r) / groupRows, t]         (optional additive mask, e.g. [b,1,1,T])
//   p = softmax(v) over the row (e^x via vexpNonPositive, sum in 4 lanes, times 1/sum)
//   y = p (f32) or clamp(round_half_even(p · (1/ys)) + yz) (u8 / s8)
// The divisions of the separate ops (Div, QuantizeLinear) become multiplies by reciprocals (divps
// was a third of the pass): an ulp apart, which moves a rounding only within an ulp of a tie. `params` (f32 unless noted):
//   [0] mul [1] div [2] qs [3] qz [4] qlo [5] qhi [6] ys [7] yz [8] ylo [9] yhi
//   [10] i32 roundTrip [11] i32 groupRows (rows sharing one mask row) [12] i32 outMode (0 f32, 1 u8, 2 s8)
// `tmp` holds n f32 (one row of exps) when the output is 8-bit; the caller gives each thread its own.
import { hmax } from '../elementwise/f32-vmath-wasmsimd';
import { expRow, scaleRow } from '../elementwise/f32-softmax-wasmsimd';

// round_half_even(v) + z, saturated to [lo, hi], as i32 lanes: the 1.5·2^23 magic add leaves the
// rounded integer in the low mantissa bits (|v| clamped below 2^22 first), so no nearest/trunc_sat
// (a long sequence on x64) and the clamp is two integer ops. `zBits` = 0x4b400000 − z.
// @ts-ignore: decorator
@inline export function roundQ(v: v128, zBits: v128, lo: v128, hi: v128): v128 {
  const big = f32x4.splat(4194304.0);
  const c = f32x4.pmin(f32x4.pmax(v, f32x4.neg(big)), big);
  return i32x4.min_s(i32x4.max_s(i32x4.sub(f32x4.add(c, f32x4.splat(12582912.0)), zBits), lo), hi);
}

// @ts-ignore: decorator
@inline function scores(x: v128, m: v128, scale: v128, qsInv: v128, qs: v128, qzBits: v128, qz: v128, qlo: v128, qhi: v128, rt: bool, hasMask: bool): v128 {
  let v = f32x4.mul(x, scale);
  if (rt) v = f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(roundQ(f32x4.mul(v, qsInv), qzBits, qlo, qhi), qz)), qs);
  return hasMask ? f32x4.add(v, m) : v;
}

/** er[t] = scores of xr[t] (mask row mr), returns their max. `rt`/`hasMask` are constants after
 *  inlining: one loop per combination, no per-vector branches (V8 does not unswitch loops). */
// @ts-ignore: decorator
@inline function scoresRow(xr: usize, mr: usize, er: usize, n: i32, scale: v128, qsInv: v128, qs: v128, qzBits: v128, qz: v128, qlo: v128, qhi: v128, rt: bool, hasMask: bool): f32 {
  let mv = f32x4.splat(-Infinity);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = scores(v128.load(xr + o), hasMask ? v128.load(mr + o) : f32x4.splat(0), scale, qsInv, qs, qzBits, qz, qlo, qhi, rt, hasMask);
    v128.store(er + o, v);
    mv = f32x4.pmax(mv, v);
  }
  let m = hmax(mv);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = f32x4.extract_lane(scores(f32x4.splat(load<f32>(xr + o)), f32x4.splat(hasMask ? load<f32>(mr + o) : 0), scale, qsInv, qs, qzBits, qz, qlo, qhi, rt, hasMask), 0);
    store<f32>(er + o, v);
    m = max(m, v);
  }
  return m;
}

// @ts-ignore: decorator
@inline function rowsLoop(x: usize, y: usize, rows: i32, n: i32, rowStart: i32, mask: usize, params: usize, tmp: usize, rt: bool, hasMask: bool): void {
  const groupRows = load<i32>(params, 44);
  const outMode = load<i32>(params, 48);
  const magicBits = i32x4.splat(0x4b400000);
  // scores: x · (mul / div) in one multiply; Q steps multiply by the reciprocal scale
  const scale = f32x4.splat(load<f32>(params) / load<f32>(params, 4));
  const qs = f32x4.splat(load<f32>(params, 8));
  const qsInv = f32x4.splat(<f32>1 / load<f32>(params, 8));
  const qz = i32x4.splat(<i32>load<f32>(params, 12));
  const qzBits = i32x4.sub(magicBits, qz);
  const qlo = i32x4.splat(<i32>load<f32>(params, 16));
  const qhi = i32x4.splat(<i32>load<f32>(params, 20));
  const rowBytes = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    // f32 output: the exps go straight to y; 8-bit output: through tmp
    const er = outMode == 0 ? y + <usize>r * rowBytes : tmp;
    const mr = hasMask ? mask + <usize>((rowStart + r) / groupRows) * rowBytes : 0;
    const m = scoresRow(xr, mr, er, n, scale, qsInv, qs, qzBits, qz, qlo, qhi, rt, hasMask);
    const inv = <f32>1 / expRow(er, er, n, m);
    if (outMode == 0) scaleRow(er, n, inv);
    else storeProbs8Row(er, y + <usize>r * <usize>n, n, f32x4.splat(inv), params, outMode);
  }
}

export function f32_attention_softmax__wasmsimd(x: usize, y: usize, rows: i32, n: i32, rowStart: i32, mask: usize, params: usize, tmp: usize): void {
  const rt = load<i32>(params, 40) != 0;
  if (mask != 0) {
    if (rt) rowsLoop(x, y, rows, n, rowStart, mask, params, tmp, true, true);
    else rowsLoop(x, y, rows, n, rowStart, mask, params, tmp, false, true);
  } else {
    if (rt) rowsLoop(x, y, rows, n, rowStart, mask, params, tmp, true, false);
    else rowsLoop(x, y, rows, n, rowStart, mask, params, tmp, false, false);
  }
}

/** y[t] = quantize(e[t] · iv) for a row of n terms: u8 (outMode 1) or s8 (2), with the output's
 *  scale, zero point and clamp from `params` ([6]..[9]). */
function storeProbs8Row(e: usize, yr: usize, n: i32, iv: v128, params: usize, outMode: i32): void {
  const ysInv = f32x4.splat(<f32>1 / load<f32>(params, 24));
  const yzBits = i32x4.sub(i32x4.splat(0x4b400000), i32x4.splat(<i32>load<f32>(params, 28)));
  const ylo = i32x4.splat(<i32>load<f32>(params, 32));
  const yhi = i32x4.splat(<i32>load<f32>(params, 36));
  storeProbs8(e, yr, n, iv, ysInv, yzBits, ylo, yhi, outMode);
}

/** y[t] = quantize(e[t] · iv) for a row of n terms: u8 (outMode 1) or s8 (2). */
// @ts-ignore: decorator
@inline export function storeProbs8(e: usize, yr: usize, n: i32, iv: v128, ysInv: v128, yzBits: v128, ylo: v128, yhi: v128, outMode: i32): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    const a = roundQ(f32x4.mul(f32x4.mul(v128.load(e + o), iv), ysInv), yzBits, ylo, yhi);
    const b = roundQ(f32x4.mul(f32x4.mul(v128.load(e + o, 16), iv), ysInv), yzBits, ylo, yhi);
    const w = i16x8.narrow_i32x4_s(a, b);
    v128.store64_lane(yr + <usize>i, outMode == 1 ? i8x16.narrow_i16x8_u(w, w) : i8x16.narrow_i16x8_s(w, w), 0);
  }
  for (; i < n; i++) {
    const q = i32x4.extract_lane(roundQ(f32x4.mul(f32x4.splat(load<f32>(e + (<usize>i << 2)) * f32x4.extract_lane(iv, 0)), ysInv), yzBits, ylo, yhi), 0);
    store<u8>(yr + <usize>i, <u8>q);
  }
}
