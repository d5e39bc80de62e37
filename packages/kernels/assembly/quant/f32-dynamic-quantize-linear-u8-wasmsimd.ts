// ONNX DynamicQuantizeLinear (uint8), with ORT's parameters:
//   min = min(0, min(x)), max = max(0, max(x)), scale = max == min ? 1 : (max - min) / 255,
//   zp = round_half_even(clamp(0 - min / scale, 0, 255)), y = QuantizeLinear(x, scale, zp).
// (ONNX's Python reference differs only for an all-zero input, where it gives scale 1/255.)
// The range scan ignores NaN inputs (pmin/pmax: one instruction each on x86, unlike min/max).
// Writes scale (f32) at params+0 and the zero point (i32) at params+4; params+8 is scratch (12 bytes in all).
import { f32_quantize_linear_wasmsimd } from './f32-quantize-linear-wasmsimd';
import { DT_UINT8 } from './int-codec';

/** min(0, min(x)) and max(0, max(x)) of n f32 at x, written as two f32 at out (one share of a threaded scan). */
export function f32_range_wasmsimd(x: usize, n: i32, out: usize): void {
  let mn: f32 = 0;
  let mx: f32 = 0;
  let i = 0;
  if (n >= 4) {
    let vmn = f32x4.splat(0);
    let vmx = f32x4.splat(0);
    // four independent min/max chains: one chain waits on pmin/pmax's latency every step (~4× slower)
    let mn1 = vmn, mx1 = vmx, mn2 = vmn, mx2 = vmx, mn3 = vmn, mx3 = vmx;
    for (; i + 16 <= n; i += 16) {
      const p = x + (<usize>i << 2);
      const a = v128.load(p), b = v128.load(p, 16), c = v128.load(p, 32), d = v128.load(p, 48);
      vmn = f32x4.pmin(vmn, a);
      vmx = f32x4.pmax(vmx, a);
      mn1 = f32x4.pmin(mn1, b);
      mx1 = f32x4.pmax(mx1, b);
      mn2 = f32x4.pmin(mn2, c);
      mx2 = f32x4.pmax(mx2, c);
      mn3 = f32x4.pmin(mn3, d);
      mx3 = f32x4.pmax(mx3, d);
    }
    // pmin(acc, v) keeps acc when v is NaN; combining accumulators (never NaN: they start at 0) is exact
    vmn = f32x4.pmin(f32x4.pmin(vmn, mn1), f32x4.pmin(mn2, mn3));
    vmx = f32x4.pmax(f32x4.pmax(vmx, mx1), f32x4.pmax(mx2, mx3));
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      vmn = f32x4.pmin(vmn, v);
      vmx = f32x4.pmax(vmx, v);
    }
    mn = min(min(f32x4.extract_lane(vmn, 0), f32x4.extract_lane(vmn, 1)), min(f32x4.extract_lane(vmn, 2), f32x4.extract_lane(vmn, 3)));
    mx = max(max(f32x4.extract_lane(vmx, 0), f32x4.extract_lane(vmx, 1)), max(f32x4.extract_lane(vmx, 2), f32x4.extract_lane(vmx, 3)));
  }
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  store<f32>(out, mn);
  store<f32>(out, mx, 4);
}

/** Scale and zero point (the params layout above) from `count` (min, max) pairs at `ranges` (may alias params). */
export function f32_dynamic_quantize_params_u8_wasmsimd(ranges: usize, count: i32, params: usize): void {
  let mn: f32 = 0;
  let mx: f32 = 0;
  for (let t = 0; t < count; t++) {
    mn = min(mn, load<f32>(ranges + (<usize>t << 3)));
    mx = max(mx, load<f32>(ranges + (<usize>t << 3), 4));
  }
  const scale: f32 = mx == mn ? 1 : (mx - mn) / <f32>255;
  let zf: f32 = <f32>0 - mn / scale;
  zf = min(max(zf, <f32>0), <f32>255);
  const zp = <i32>nearest(zf);
  store<f32>(params, scale);
  store<i32>(params, zp, 4);
  store<u8>(params + 8, <u8>zp);
}

export function f32_dynamic_quantize_linear_u8_wasmsimd(x: usize, y: usize, n: i32, params: usize): void {
  f32_range_wasmsimd(x, n, params);
  f32_dynamic_quantize_params_u8_wasmsimd(params, 1, params);
  f32_quantize_linear_wasmsimd(x, y, params, params + 8, 1, 1, n, 0, DT_UINT8);
}
