// Elementwise fp32 binary ops with broadcasting, y = a ∘ b, y contiguous of shape [d0, d1, d2, d3].
// The runtime collapses any NumPy broadcast into ≤ 4 dims and passes element strides for a and b
// per dim (0 where that input is broadcast). The innermost strides sa3/sb3 must be 0 or 1:
// (1,1) vector–vector, (1,0) vector–scalar, (0,1) scalar–vector — all SIMD.
// y may alias a or b when that input is not broadcast.

export const BINARY_ADD: i32 = 0;
export const BINARY_SUB: i32 = 1;
export const BINARY_MUL: i32 = 2;
export const BINARY_DIV: i32 = 3;
export const BINARY_MAX: i32 = 4;
export const BINARY_MIN: i32 = 5;
export const BINARY_PRELU: i32 = 6; // a < 0 ? a·b : a

// @ts-ignore: decorator
@inline function apply(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case BINARY_ADD: return f32x4.add(a, b);
    case BINARY_SUB: return f32x4.sub(a, b);
    case BINARY_MUL: return f32x4.mul(a, b);
    case BINARY_DIV: return f32x4.div(a, b);
    case BINARY_MAX: return f32x4.max(a, b);
    case BINARY_MIN: return f32x4.min(a, b);
    case BINARY_PRELU: return v128.bitselect(f32x4.mul(a, b), a, f32x4.lt(a, f32x4.splat(0)));
    default: return a;
  }
}

// @ts-ignore: decorator
@inline function span(op: i32, a: usize, sa: i32, b: usize, sb: i32, y: usize, n: i32): void {
  let i = 0;
  if (sa == 1 && sb == 1) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, apply(op, v128.load(a + o), v128.load(b + o)));
    }
  } else if (sa == 1) {
    const bv = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, apply(op, v128.load(a + o), bv));
    }
  } else if (sb == 1) {
    const av = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, apply(op, av, v128.load(b + o)));
    }
  }
  for (; i < n; i++) {
    const va = f32x4.splat(load<f32>(a + ((<usize>(i * sa)) << 2)));
    const vb = f32x4.splat(load<f32>(b + ((<usize>(i * sb)) << 2)));
    store<f32>(y + (<usize>i << 2), f32x4.extract_lane(apply(op, va, vb), 0));
  }
}

// @ts-ignore: decorator
@inline function run(
  op: i32, a: usize, b: usize, y: usize, d0: i32, d1: i32, d2: i32, d3: i32,
  sa0: i32, sa1: i32, sa2: i32, sa3: i32, sb0: i32, sb1: i32, sb2: i32, sb3: i32,
): void {
  let out = y;
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      for (let i2 = 0; i2 < d2; i2++) {
        const ao = a + (<usize>(i0 * sa0 + i1 * sa1 + i2 * sa2) << 2);
        const bo = b + (<usize>(i0 * sb0 + i1 * sb1 + i2 * sb2) << 2);
        span(op, ao, sa3, bo, sb3, out, d3);
        out += <usize>d3 << 2;
      }
    }
  }
}

export function f32_binary_wasmsimd(
  op: i32, a: usize, b: usize, y: usize, d0: i32, d1: i32, d2: i32, d3: i32,
  sa0: i32, sa1: i32, sa2: i32, sa3: i32, sb0: i32, sb1: i32, sb2: i32, sb3: i32,
): void {
  switch (op) {
    case BINARY_ADD: run(BINARY_ADD, a, b, y, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3); break;
    case BINARY_SUB: run(BINARY_SUB, a, b, y, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3); break;
    case BINARY_MUL: run(BINARY_MUL, a, b, y, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3); break;
    case BINARY_DIV: run(BINARY_DIV, a, b, y, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3); break;
    case BINARY_MAX: run(BINARY_MAX, a, b, y, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3); break;
    case BINARY_MIN: run(BINARY_MIN, a, b, y, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3); break;
    case BINARY_PRELU: run(BINARY_PRELU, a, b, y, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3); break;
    default: break;
  }
}
