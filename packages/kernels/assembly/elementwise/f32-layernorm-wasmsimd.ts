// LayerNormalization over the last axis of a [rows, n] fp32 tensor:
// y = (x - mean) / sqrt(var + eps) · gamma + beta, var the biased (population) variance,
// two passes for accuracy. gamma/beta are [n] or null (1 / 0). Also writes per-row mean and
// inverse std-dev when `meanOut` / `invStdOut` are non-null (LayerNormalization's optional outputs).
// The residual form normalises x + res (a residual Add fused in: the sum is written to y by the
// first pass, which the others read, so the row is read from memory once; bit-identical to Add
// then LayerNormalization).
import { hsum } from './f32-vmath-wasmsimd';

export function f32_layernorm_wasmsimd(
  x: usize, y: usize, rows: i32, n: i32, gamma: usize, beta: usize, eps: f32, meanOut: usize, invStdOut: usize,
): void {
  layerNormRows(x, 0, y, rows, n, gamma, beta, eps, meanOut, invStdOut, false);
}

/** y = LayerNorm(x + res) (res [rows, n]; y may be x or res), epsilon as its f32 bits (pool arguments are integers). */
export function f32_layernorm_residual_bits_wasmsimd(
  x: usize, res: usize, y: usize, rows: i32, n: i32, gamma: usize, beta: usize, epsBits: i32, meanOut: usize, invStdOut: usize,
): void {
  layerNormRows(x, res, y, rows, n, gamma, beta, reinterpret<f32>(epsBits), meanOut, invStdOut, true);
}

// @ts-ignore: decorator
@inline function layerNormRows(
  x: usize, res: usize, y: usize, rows: i32, n: i32, gamma: usize, beta: usize, eps: f32, meanOut: usize, invStdOut: usize, hasRes: bool,
): void {
  const rowBytes = <usize>n << 2;
  const invN = <f32>1 / <f32>n;
  for (let r = 0; r < rows; r++) {
    const x0 = x + <usize>r * rowBytes;
    const rr = res + <usize>r * rowBytes;
    const yr = y + <usize>r * rowBytes;
    // with a residual, the later passes read the sums the first one wrote to y
    const xr = hasRes ? yr : x0;
    // two accumulators per reduction: a single chain of f32x4.add is latency-bound (4 cycles per
    // vector); two chains of 8-element steps halve that (1.3× the whole kernel at n = 384)
    let sv = f32x4.splat(0);
    let sw = f32x4.splat(0);
    let i = 0;
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 2;
      let a = v128.load(x0 + o);
      let b = v128.load(x0 + o, 16);
      if (hasRes) {
        a = f32x4.add(a, v128.load(rr + o));
        b = f32x4.add(b, v128.load(rr + o, 16));
        v128.store(yr + o, a);
        v128.store(yr + o, b, 16);
      }
      sv = f32x4.add(sv, a);
      sw = f32x4.add(sw, b);
    }
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      let a = v128.load(x0 + o);
      if (hasRes) {
        a = f32x4.add(a, v128.load(rr + o));
        v128.store(yr + o, a);
      }
      sv = f32x4.add(sv, a);
    }
    let s = hsum(f32x4.add(sv, sw));
    for (; i < n; i++) {
      const o = <usize>i << 2;
      let a = load<f32>(x0 + o);
      if (hasRes) {
        a += load<f32>(rr + o);
        store<f32>(yr + o, a);
      }
      s += a;
    }
    const mean = s * invN;
    const mv = f32x4.splat(mean);
    let qv = f32x4.splat(0);
    let qw = f32x4.splat(0);
    i = 0;
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 2;
      const d = f32x4.sub(v128.load(xr + o), mv);
      const e = f32x4.sub(v128.load(xr + o, 16), mv);
      qv = f32x4.add(qv, f32x4.mul(d, d));
      qw = f32x4.add(qw, f32x4.mul(e, e));
    }
    for (; i + 4 <= n; i += 4) {
      const d = f32x4.sub(v128.load(xr + (<usize>i << 2)), mv);
      qv = f32x4.add(qv, f32x4.mul(d, d));
    }
    let q = hsum(f32x4.add(qv, qw));
    for (; i < n; i++) {
      const d = load<f32>(xr + (<usize>i << 2)) - mean;
      q += d * d;
    }
    const inv = <f32>1 / Mathf.sqrt(q * invN + eps);
    if (meanOut) store<f32>(meanOut + (<usize>r << 2), mean);
    if (invStdOut) store<f32>(invStdOut + (<usize>r << 2), inv);
    const iv = f32x4.splat(inv);
    const one = f32x4.splat(1);
    const zero = f32x4.splat(0);
    i = 0;
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const g = gamma ? v128.load(gamma + o) : one;
      const b = beta ? v128.load(beta + o) : zero;
      v128.store(yr + o, f32x4.add(f32x4.mul(f32x4.mul(f32x4.sub(v128.load(xr + o), mv), iv), g), b));
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      const g: f32 = gamma ? load<f32>(gamma + o) : 1;
      const b: f32 = beta ? load<f32>(beta + o) : 0;
      store<f32>(yr + o, (load<f32>(xr + o) - mean) * inv * g + b);
    }
  }
}

/** The same with epsilon as its f32 bit pattern: every argument an integer, as the thread pool passes them. */
export function f32_layernorm_bits_wasmsimd(
  x: usize, y: usize, rows: i32, n: i32, gamma: usize, beta: usize, epsBits: i32, meanOut: usize, invStdOut: usize,
): void {
  f32_layernorm_wasmsimd(x, y, rows, n, gamma, beta, reinterpret<f32>(epsBits), meanOut, invStdOut);
}
