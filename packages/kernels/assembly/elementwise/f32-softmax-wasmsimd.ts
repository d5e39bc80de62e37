// Softmax (or LogSoftmax when `logOut` != 0) over the last axis of a [rows, n] fp32 tensor
// (opset ≥ 13 semantics; the runtime transposes/reshapes other axes to the last one).
// y may alias x.
import { vexpNonPositive, hsum, hmax } from './f32-vmath-wasmsimd';

export function f32_softmax_wasmsimd(x: usize, y: usize, rows: i32, n: i32, logOut: i32): void {
  const rowBytes = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const yr = y + <usize>r * rowBytes;
    // max
    let mv = f32x4.splat(-Infinity);
    let i = 0;
    for (; i + 4 <= n; i += 4) mv = f32x4.pmax(mv, v128.load(xr + (<usize>i << 2)));
    let m = hmax(mv);
    for (; i < n; i++) m = max(m, load<f32>(xr + (<usize>i << 2)));
    if (logOut) {
      // log-sum-exp: the exps are summed, not stored
      const mvs = f32x4.splat(m);
      let sv = f32x4.splat(0);
      i = 0;
      for (; i + 4 <= n; i += 4) sv = f32x4.add(sv, vexpNonPositive(f32x4.sub(v128.load(xr + (<usize>i << 2)), mvs)));
      let s = hsum(sv);
      for (; i < n; i++) s += f32x4.extract_lane(vexpNonPositive(f32x4.splat(load<f32>(xr + (<usize>i << 2)) - m)), 0);
      const shift = f32x4.splat(m + Mathf.log(s));
      i = 0;
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(yr + o, f32x4.sub(v128.load(xr + o), shift));
      }
      const sh = m + Mathf.log(s);
      for (; i < n; i++) store<f32>(yr + (<usize>i << 2), load<f32>(xr + (<usize>i << 2)) - sh);
      continue;
    }
    scaleRow(yr, n, <f32>1 / expRow(xr, yr, n, m));
  }
}

/** y[t] = e^(x[t] − m) (y may be x); returns their sum (4 lanes, hsum, then the tail in order). */
export function expRow(x: usize, y: usize, n: i32, m: f32): f32 {
  const mvs = f32x4.splat(m);
  let sv = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const e = vexpNonPositive(f32x4.sub(v128.load(x + o), mvs));
    v128.store(y + o, e);
    sv = f32x4.add(sv, e);
  }
  let s = hsum(sv);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const e = f32x4.extract_lane(vexpNonPositive(f32x4.splat(load<f32>(x + o) - m)), 0);
    store<f32>(y + o, e);
    s += e;
  }
  return s;
}

/** y[t] ·= inv in place. */
export function scaleRow(y: usize, n: i32, inv: f32): void {
  const iv = f32x4.splat(inv);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.mul(v128.load(y + o), iv));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) * inv);
  }
}
