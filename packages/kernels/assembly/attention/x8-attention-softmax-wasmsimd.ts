// Attention probabilities from uint8 scores (QKᵀ requantized by the integer GEMM): per row
//   v_t = (x_t − xz)·xs + mask[(rowStart + r) / groupRows, t],  p = softmax(v),
//   y = p (f32) or clamp(round_half_even(p · (1/ys)) + yz) (u8 / s8),
// with e^(v_t − c) = table[x_t + 255 − max(x)] · E[t]: `table` holds e^((i − 255)·xs) for the 256
// bytes (built once per scale) and E[t] = e^(m_t − max(m)) is computed once per mask row, so the row
// costs a table gather and a multiply per element instead of an exponential. The offset
// c = (max(x) − xz)·xs + max(m) is at least the row's max, so every term is ≤ 1; should all terms
// underflow (scores spanning more than ~87 with the mask's peak elsewhere) the row is recomputed
// with e^x from the floats. `params`:
//   [0] i32 table pointer  [1] xs  [2] xz  [3] ys  [4] yz  [5] ylo  [6] yhi (f32)
//   [7] i32 groupRows  [8] i32 outMode (0 f32, 1 u8, 2 s8)
// `tmp` holds 2·n f32 (E and the row's terms); the caller gives each thread its own.
import { vexpNonPositive, hsum, hmax } from '../elementwise/f32-vmath-wasmsimd';
import { storeProbs8 } from './f32-attention-softmax-wasmsimd';

// @ts-ignore: decorator
@inline function gather4(table: usize, x: usize, adj: i32): v128 {
  const t0 = load<f32>(table + (<usize>(adj + <i32>load<u8>(x)) << 2));
  const t1 = load<f32>(table + (<usize>(adj + <i32>load<u8>(x, 1)) << 2));
  const t2 = load<f32>(table + (<usize>(adj + <i32>load<u8>(x, 2)) << 2));
  const t3 = load<f32>(table + (<usize>(adj + <i32>load<u8>(x, 3)) << 2));
  return f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(t0), 1, t1), 2, t2), 3, t3);
}

/** e^(m_t − max m) over one mask row into E. */
function maskExps(m: usize, E: usize, n: i32): void {
  let mv = f32x4.splat(-Infinity);
  let i = 0;
  for (; i + 4 <= n; i += 4) mv = f32x4.pmax(mv, v128.load(m + (<usize>i << 2)));
  let mx = hmax(mv);
  for (; i < n; i++) mx = max(mx, load<f32>(m + (<usize>i << 2)));
  const ms = f32x4.splat(mx);
  for (i = 0; i + 4 <= n; i += 4) v128.store(E + (<usize>i << 2), vexpNonPositive(f32x4.sub(v128.load(m + (<usize>i << 2)), ms)));
  for (; i < n; i++) store<f32>(E + (<usize>i << 2), f32x4.extract_lane(vexpNonPositive(f32x4.splat(load<f32>(m + (<usize>i << 2)) - mx)), 0));
}

/** The row's terms from the floats (the fallback): e^(v_t − max v); returns their sum. */
function exactTerms(xr: usize, mr: usize, e: usize, n: i32, xs: f32, xz: f32): f32 {
  let mx: f32 = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = (<f32>load<u8>(xr + <usize>i) - xz) * xs + (mr != 0 ? load<f32>(mr + (<usize>i << 2)) : 0);
    store<f32>(e + (<usize>i << 2), v);
    mx = max(mx, v);
  }
  let s: f32 = 0;
  for (let i = 0; i < n; i++) {
    const t = f32x4.extract_lane(vexpNonPositive(f32x4.splat(load<f32>(e + (<usize>i << 2)) - mx)), 0);
    store<f32>(e + (<usize>i << 2), t);
    s += t;
  }
  return s;
}

export function x8_attention_softmax__wasmsimd(x: usize, y: usize, rows: i32, n: i32, rowStart: i32, mask: usize, params: usize, tmp: usize): void {
  const table = <usize>load<i32>(params);
  const xs = load<f32>(params, 4);
  const xz = load<f32>(params, 8);
  const ysInv = f32x4.splat(<f32>1 / load<f32>(params, 12));
  const yzBits = i32x4.sub(i32x4.splat(0x4b400000), i32x4.splat(<i32>load<f32>(params, 16)));
  const ylo = i32x4.splat(<i32>load<f32>(params, 20));
  const yhi = i32x4.splat(<i32>load<f32>(params, 24));
  const groupRows = load<i32>(params, 28);
  const outMode = load<i32>(params, 32);
  const E = tmp;
  const e = tmp + (<usize>n << 2);
  let group = -1;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * <usize>n;
    const g = (rowStart + r) / groupRows;
    const mr = mask != 0 ? mask + <usize>g * (<usize>n << 2) : 0;
    if (mask != 0 && g != group) {
      maskExps(mr, E, n);
      group = g;
    }
    // row max of the bytes
    let vmax = i8x16.splat(0);
    let i = 0;
    for (; i + 16 <= n; i += 16) vmax = i8x16.max_u(vmax, v128.load(xr + <usize>i));
    vmax = i8x16.max_u(vmax, i8x16.shuffle(vmax, vmax, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
    vmax = i8x16.max_u(vmax, i8x16.shuffle(vmax, vmax, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3));
    vmax = i8x16.max_u(vmax, i8x16.shuffle(vmax, vmax, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1));
    vmax = i8x16.max_u(vmax, i8x16.shuffle(vmax, vmax, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0));
    let xmax = <i32>i8x16.extract_lane_u(vmax, 0);
    for (; i < n; i++) xmax = max(xmax, <i32>load<u8>(xr + <usize>i));
    const adj = 255 - xmax;
    // terms and their sum
    let sv = f32x4.splat(0);
    i = 0;
    for (; i + 4 <= n; i += 4) {
      let t = gather4(table, xr + <usize>i, adj);
      if (mask != 0) t = f32x4.mul(t, v128.load(E + (<usize>i << 2)));
      v128.store(e + (<usize>i << 2), t);
      sv = f32x4.add(sv, t);
    }
    let s = hsum(sv);
    for (; i < n; i++) {
      let t = load<f32>(table + (<usize>(adj + <i32>load<u8>(xr + <usize>i)) << 2));
      if (mask != 0) t *= load<f32>(E + (<usize>i << 2));
      store<f32>(e + (<usize>i << 2), t);
      s += t;
    }
    if (!(s >= <f32>1e-30)) s = exactTerms(xr, mr, e, n, xs, xz);
    const iv = f32x4.splat(<f32>1 / s);
    i = 0;
    if (outMode == 0) {
      const yr = y + <usize>r * (<usize>n << 2);
      for (; i + 4 <= n; i += 4) v128.store(yr + (<usize>i << 2), f32x4.mul(v128.load(e + (<usize>i << 2)), iv));
      for (; i < n; i++) store<f32>(yr + (<usize>i << 2), load<f32>(e + (<usize>i << 2)) * f32x4.extract_lane(iv, 0));
      continue;
    }
    storeProbs8(e, y + <usize>r * <usize>n, n, iv, ysInv, yzBits, ylo, yhi, outMode);
  }
}
