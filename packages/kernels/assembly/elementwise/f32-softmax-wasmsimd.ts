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
    // exp(x - max) and its sum
    const mvs = f32x4.splat(m);
    let sv = f32x4.splat(0);
    i = 0;
    if (logOut) {
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
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const e = vexpNonPositive(f32x4.sub(v128.load(xr + o), mvs));
      v128.store(yr + o, e);
      sv = f32x4.add(sv, e);
    }
    let s = hsum(sv);
    for (; i < n; i++) {
      const o = <usize>i << 2;
      const e = f32x4.extract_lane(vexpNonPositive(f32x4.splat(load<f32>(xr + o) - m)), 0);
      store<f32>(yr + o, e);
      s += e;
    }
    const inv = <f32>1 / s;
    const iv = f32x4.splat(inv);
    i = 0;
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(yr + o, f32x4.mul(v128.load(yr + o), iv));
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      store<f32>(yr + o, load<f32>(yr + o) * inv);
    }
  }
}
