// Elementwise fp32 activations and unary math, y[i] = f(x[i]) (in place allowed: y == x).
// `op` codes (mirrored by UnaryOp in src/elementwise): p0/p1 are the op's attributes.
import { vexp, verf, vgelu, vtanh, vsigmoid } from './f32-vmath-wasmsimd';

export const UNARY_RELU: i32 = 0;
export const UNARY_CLIP: i32 = 1; // min p0, max p1
export const UNARY_SIGMOID: i32 = 2;
export const UNARY_TANH: i32 = 3;
export const UNARY_GELU: i32 = 4; // 0.5·x·(1 + erf(x/√2))
export const UNARY_HARDSIGMOID: i32 = 5; // max(0, min(1, p0·x + p1))
export const UNARY_HARDSWISH: i32 = 6; // x·max(0, min(1, x/6 + 1/2))
export const UNARY_EXP: i32 = 7;
export const UNARY_ERF: i32 = 8;
export const UNARY_LEAKYRELU: i32 = 9; // x < 0 ? p0·x : x
export const UNARY_NEG: i32 = 10;
export const UNARY_ABS: i32 = 11;
export const UNARY_SQRT: i32 = 12;
export const UNARY_GELU_TANH: i32 = 13; // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
export const UNARY_SILU: i32 = 14; // x·sigmoid(x)

// @ts-ignore: decorator
@inline function apply(op: i32, x: v128, p0: v128, p1: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  const half = f32x4.splat(0.5);
  switch (op) {
    case UNARY_RELU: return f32x4.max(x, zero);
    case UNARY_CLIP: return f32x4.min(f32x4.max(x, p0), p1);
    case UNARY_SIGMOID: return vsigmoid(x);
    case UNARY_TANH: return vtanh(x);
    case UNARY_GELU: return vgelu(x);
    case UNARY_HARDSIGMOID: return f32x4.max(zero, f32x4.min(one, f32x4.add(f32x4.mul(p0, x), p1)));
    case UNARY_HARDSWISH: return f32x4.mul(x, f32x4.max(zero, f32x4.min(one, f32x4.add(f32x4.mul(x, f32x4.splat(1.0 / 6.0)), half))));
    case UNARY_EXP: return vexp(x);
    case UNARY_ERF: return verf(x);
    case UNARY_LEAKYRELU: return v128.bitselect(f32x4.mul(x, p0), x, f32x4.lt(x, zero));
    case UNARY_NEG: return f32x4.neg(x);
    case UNARY_ABS: return f32x4.abs(x);
    case UNARY_SQRT: return f32x4.sqrt(x);
    case UNARY_GELU_TANH: {
      const inner = f32x4.mul(f32x4.splat(0.7978845608028654), f32x4.add(x, f32x4.mul(f32x4.splat(0.044715), f32x4.mul(x, f32x4.mul(x, x)))));
      return f32x4.mul(f32x4.mul(half, x), f32x4.add(one, vtanh(inner)));
    }
    case UNARY_SILU: return f32x4.mul(x, vsigmoid(x));
    default: return x;
  }
}

// @ts-ignore: decorator
@inline function loop(op: i32, x: usize, y: usize, n: i32, p0: f32, p1: f32): void {
  const v0 = f32x4.splat(p0);
  const v1 = f32x4.splat(p1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, apply(op, v128.load(x + o), v0, v1));
  }
  // Tail through the same vector code (identical rounding), one lane at a time.
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, f32x4.extract_lane(apply(op, f32x4.splat(load<f32>(x + o)), v0, v1), 0));
  }
}

export function f32_unary_wasmsimd(op: i32, x: usize, y: usize, n: i32, p0: f32, p1: f32): void {
  // One specialised loop per op (the switch is resolved outside the loop).
  switch (op) {
    case UNARY_RELU: loop(UNARY_RELU, x, y, n, p0, p1); break;
    case UNARY_CLIP: loop(UNARY_CLIP, x, y, n, p0, p1); break;
    case UNARY_SIGMOID: loop(UNARY_SIGMOID, x, y, n, p0, p1); break;
    case UNARY_TANH: loop(UNARY_TANH, x, y, n, p0, p1); break;
    case UNARY_GELU: loop(UNARY_GELU, x, y, n, p0, p1); break;
    case UNARY_HARDSIGMOID: loop(UNARY_HARDSIGMOID, x, y, n, p0, p1); break;
    case UNARY_HARDSWISH: loop(UNARY_HARDSWISH, x, y, n, p0, p1); break;
    case UNARY_EXP: loop(UNARY_EXP, x, y, n, p0, p1); break;
    case UNARY_ERF: loop(UNARY_ERF, x, y, n, p0, p1); break;
    case UNARY_LEAKYRELU: loop(UNARY_LEAKYRELU, x, y, n, p0, p1); break;
    case UNARY_NEG: loop(UNARY_NEG, x, y, n, p0, p1); break;
    case UNARY_ABS: loop(UNARY_ABS, x, y, n, p0, p1); break;
    case UNARY_SQRT: loop(UNARY_SQRT, x, y, n, p0, p1); break;
    case UNARY_GELU_TANH: loop(UNARY_GELU_TANH, x, y, n, p0, p1); break;
    case UNARY_SILU: loop(UNARY_SILU, x, y, n, p0, p1); break;
    default: break;
  }
}
