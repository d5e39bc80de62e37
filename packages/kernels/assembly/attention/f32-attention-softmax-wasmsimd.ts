// Attention probabilities in one pass over [rows, n] f32 scores (QKᵀ), fusing what exported and
// quantized encoders spell as separate ops:
//   v = x · mul / div                                  (Div or Mul by the 1/√d constant)
//   v = (clamp(round_half_even(v / qs) + qz) − qz) · qs (optional Q → DQ round trip, QDQ graphs)
//   v = v + mask[(rowStart + r) / groupRows, t]         (optional additive mask, e.g. [b,1,1,T])
//   p = softmax(v) over the row (e^x via vexpNonPositive, sum in 4 lanes, times 1/sum)
//   y = p (f32) or clamp(round_half_even(p / ys) + yz) (u8 / s8)
// Each step rounds to f32 exactly as the separate ops do, so only the exp and the sum order differ
// from the unfused graph. `params` (f32 unless noted):
//   [0] mul [1] div [2] qs [3] qz [4] qlo [5] qhi [6] ys [7] yz [8] ylo [9] yhi
//   [10] i32 roundTrip [11] i32 groupRows (rows sharing one mask row) [12] i32 outMode (0 f32, 1 u8, 2 s8)
// `tmp` holds n f32 (one row of exps) when the output is 8-bit; the caller gives each thread its own.
import { vexpNonPositive, hsum, hmax } from '../elementwise/f32-vmath-wasmsimd';

// @ts-ignore: decorator
@inline function scores(x: v128, m: v128, mul: v128, div: v128, qs: v128, qz: v128, qlo: v128, qhi: v128, rt: bool): v128 {
  let v = f32x4.div(f32x4.mul(x, mul), div);
  if (rt) v = f32x4.mul(f32x4.sub(f32x4.pmin(f32x4.pmax(f32x4.add(f32x4.nearest(f32x4.div(v, qs)), qz), qlo), qhi), qz), qs);
  return f32x4.add(v, m);
}

// @ts-ignore: decorator
@inline function quantize(v: v128, ys: v128, yz: v128, lo: v128, hi: v128): v128 {
  return i32x4.trunc_sat_f32x4_s(f32x4.pmin(f32x4.pmax(f32x4.add(f32x4.nearest(f32x4.div(v, ys)), yz), lo), hi));
}

export function f32_attention_softmax__wasmsimd(x: usize, y: usize, rows: i32, n: i32, rowStart: i32, mask: usize, params: usize, tmp: usize): void {
  const rt = load<i32>(params, 40) != 0;
  const groupRows = load<i32>(params, 44);
  const outMode = load<i32>(params, 48);
  const ys = f32x4.splat(load<f32>(params, 24));
  const yz = f32x4.splat(load<f32>(params, 28));
  const ylo = f32x4.splat(load<f32>(params, 32));
  const yhi = f32x4.splat(load<f32>(params, 36));
  const rowBytes = <usize>n << 2;
  const zero = f32x4.splat(0);
  const mul = f32x4.splat(load<f32>(params));
  const div = f32x4.splat(load<f32>(params, 4));
  const qs = f32x4.splat(load<f32>(params, 8));
  const qz = f32x4.splat(load<f32>(params, 12));
  const qlo = f32x4.splat(load<f32>(params, 16));
  const qhi = f32x4.splat(load<f32>(params, 20));
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    // f32 output: the exps go straight to y; 8-bit output: through tmp
    const er = outMode == 0 ? y + <usize>r * rowBytes : tmp;
    const mr = mask != 0 ? mask + <usize>((rowStart + r) / groupRows) * rowBytes : 0;
    // scores (kept in er) and their max
    let mv = f32x4.splat(-Infinity);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const v = scores(v128.load(xr + o), mr != 0 ? v128.load(mr + o) : zero, mul, div, qs, qz, qlo, qhi, rt);
      v128.store(er + o, v);
      mv = f32x4.pmax(mv, v);
    }
    let m = hmax(mv);
    for (; i < n; i++) {
      const o = <usize>i << 2;
      const v = f32x4.extract_lane(scores(f32x4.splat(load<f32>(xr + o)), f32x4.splat(mr != 0 ? load<f32>(mr + o) : 0), mul, div, qs, qz, qlo, qhi, rt), 0);
      store<f32>(er + o, v);
      m = max(m, v);
    }
    // exps and their sum
    const mvs = f32x4.splat(m);
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    i = 0;
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 2;
      const e0 = vexpNonPositive(f32x4.sub(v128.load(er + o), mvs));
      const e1 = vexpNonPositive(f32x4.sub(v128.load(er + o, 16), mvs));
      v128.store(er + o, e0);
      v128.store(er + o, e1, 16);
      s0 = f32x4.add(s0, e0);
      s1 = f32x4.add(s1, e1);
    }
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const e = vexpNonPositive(f32x4.sub(v128.load(er + o), mvs));
      v128.store(er + o, e);
      s0 = f32x4.add(s0, e);
    }
    let s = hsum(f32x4.add(s0, s1));
    for (; i < n; i++) {
      const o = <usize>i << 2;
      const e = f32x4.extract_lane(vexpNonPositive(f32x4.splat(load<f32>(er + o) - m)), 0);
      store<f32>(er + o, e);
      s += e;
    }
    const iv = f32x4.splat(<f32>1 / s);
    i = 0;
    if (outMode == 0) {
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(er + o, f32x4.mul(v128.load(er + o), iv));
      }
      for (; i < n; i++) {
        const o = <usize>i << 2;
        store<f32>(er + o, load<f32>(er + o) * f32x4.extract_lane(iv, 0));
      }
      continue;
    }
    const yr = y + <usize>r * <usize>n;
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 2;
      const a = quantize(f32x4.mul(v128.load(er + o), iv), ys, yz, ylo, yhi);
      const b = quantize(f32x4.mul(v128.load(er + o, 16), iv), ys, yz, ylo, yhi);
      const w = i16x8.narrow_i32x4_s(a, b);
      v128.store64_lane(yr + <usize>i, outMode == 1 ? i8x16.narrow_i16x8_u(w, w) : i8x16.narrow_i16x8_s(w, w), 0);
    }
    for (; i < n; i++) {
      const q = i32x4.extract_lane(quantize(f32x4.splat(load<f32>(er + (<usize>i << 2)) * f32x4.extract_lane(iv, 0)), ys, yz, ylo, yhi), 0);
      store<u8>(yr + <usize>i, <u8>q);
    }
  }
}
