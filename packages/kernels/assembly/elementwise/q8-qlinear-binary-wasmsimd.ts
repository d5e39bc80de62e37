// QLinearAdd / QLinearMul (com.microsoft), u8 or s8, per-tensor scales and zero points,
// bit-exact with ONNX Runtime's x86-64 CPU kernels (MLAS AVX2 for add; checked
// against onnxruntime-node in test/ort-parity.test.ts):
//   add: rA = sA/sC, rB = sB/sC, fixed = f32(zC) − fma(zA, rA, rB·zB) (the compiler's contraction);
//        vector–vector: c = fma(a, rA, fma(b, rB, fixed));
//        a side that is scalar over the span is folded first: fixed' = fma(s, r_s, fixed), then
//        c = fma(v, r_v, fixed'); ORT swaps the operands when A is the scalar, so then
//        fixed = f32(zC) − fma(zB, rB, rA·zA). FMAs are emulated exactly through f64.
//        saturate(round_half_even(c)).
//   mul: ratio = (sA·sB)/sC, c = saturate(round_half_even(f32((a − zA)(b − zB))·ratio + f32(zC)))
//        (multiply, then add the zero point in fp32, then round — matched against onnxruntime-node).
// Broadcasting as f32_binary_wasmsimd: y contiguous [d0, d1, d2, d3], element strides per input and
// dim, innermost stride 0 or 1 (ORT's spans: vector–vector, vector–scalar, scalar–vector).

export const QLINEAR_ADD: i32 = 0;
export const QLINEAR_MUL: i32 = 1;

// @ts-ignore: decorator
@inline function ld8(p: usize, signed: i32): v128 {
  return signed ? v128.load8x8_s(p) : v128.load8x8_u(p);
}

// @ts-ignore: decorator
@inline function lo32(v: v128): v128 {
  return i32x4.extend_low_i16x8_s(v);
}

// @ts-ignore: decorator
@inline function hi32(v: v128): v128 {
  return i32x4.extend_high_i16x8_s(v);
}

// @ts-ignore: decorator
@inline function ldScalar(p: usize, signed: i32): i32 {
  return signed ? <i32>load<i8>(p) : <i32>load<u8>(p);
}

/** Narrows two i32x4 (already rounded) to 8 saturated bytes stored at y. */
// @ts-ignore: decorator
@inline function store8(y: usize, r0: v128, r1: v128, signed: i32): void {
  const h = i16x8.narrow_i32x4_s(r0, r1);
  const b = signed ? i8x16.narrow_i16x8_s(h, h) : i8x16.narrow_i16x8_u(h, h);
  v128.store64_lane(y, b, 0);
}

// @ts-ignore: decorator
@inline function store1(y: usize, r: v128, signed: i32): void {
  const h = i16x8.narrow_i32x4_s(r, r);
  const b = signed ? i8x16.narrow_i16x8_s(h, h) : i8x16.narrow_i16x8_u(h, h);
  v128.store8_lane(y, b, 0);
}

/** f32(x·r + t) for 4 small integers x (i32x4) with one rounding, as an FMA: the product is exact
 *  in f64 (≤ 8 + 24 bits) and so is, in practice, the sum; then one rounding to f32. */
// @ts-ignore: decorator
@inline function fma4(x: v128, r: v128, t: v128): v128 {
  const lo = f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_s(x), r), f64x2.promote_low_f32x4(t));
  const xh = i8x16.shuffle(x, x, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);
  const th = i8x16.shuffle(t, t, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);
  const hi = f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_s(xh), r), f64x2.promote_low_f32x4(th));
  return i8x16.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
}

// @ts-ignore: decorator
@inline function fma1(x: i32, r: f32, t: f32): f32 {
  return <f32>(<f64>x * <f64>r + <f64>t);
}

// @ts-ignore: decorator
@inline function round4(v: v128): v128 {
  return i32x4.trunc_sat_f32x4_s(f32x4.nearest(v));
}

// @ts-ignore: decorator
@inline function addSpan(
  signed: i32, a: usize, sa: i32, b: usize, sb: i32, y: usize, n: i32,
  rA: f32, rB: f32, fixed: f32, fixedBA: f32,
): void {
  let i = 0;
  if (sa == 1 && sb == 1) {
    // ORT AVX2: t = fma(b, rB, fixed); c = fma(a, rA, t)
    const fx = f32x4.splat(fixed);
    const ra = f64x2.splat(<f64>rA);
    const rb = f64x2.splat(<f64>rB);
    for (; i + 8 <= n; i += 8) {
      const va = ld8(a + <usize>i, signed);
      const vb = ld8(b + <usize>i, signed);
      const r0 = fma4(lo32(va), ra, fma4(lo32(vb), rb, fx));
      const r1 = fma4(hi32(va), ra, fma4(hi32(vb), rb, fx));
      store8(y + <usize>i, round4(r0), round4(r1), signed);
    }
    for (; i < n; i++) {
      const r = fma1(ldScalar(a + <usize>i, signed), rA, fma1(ldScalar(b + <usize>i, signed), rB, fixed));
      store1(y + <usize>i, round4(f32x4.splat(r)), signed);
    }
    return;
  }
  // One side is a scalar over the span (both: A is taken as the scalar, as ORT's broadcaster does,
  // which then swaps the operands): fold it, fixed' = fma(s, r_s, fixed), then c = fma(v, r_v, fixed').
  const aIsScalar = sa == 0;
  const v = aIsScalar ? b : a;
  const rv = aIsScalar ? rB : rA;
  const fx1: f32 = aIsScalar ? fma1(ldScalar(a, signed), rA, fixedBA) : fma1(ldScalar(b, signed), rB, fixed);
  const vstride = aIsScalar ? sb : sa;
  if (vstride == 1) {
    const fx = f32x4.splat(fx1);
    const rvv = f64x2.splat(<f64>rv);
    for (; i + 8 <= n; i += 8) {
      const vv = ld8(v + <usize>i, signed);
      store8(y + <usize>i, round4(fma4(lo32(vv), rvv, fx)), round4(fma4(hi32(vv), rvv, fx)), signed);
    }
  }
  for (; i < n; i++) {
    const r = fma1(ldScalar(v + <usize>(i * vstride), signed), rv, fx1);
    store1(y + <usize>i, round4(f32x4.splat(r)), signed);
  }
}

// @ts-ignore: decorator
@inline function mulSpan(
  signed: i32, a: usize, sa: i32, b: usize, sb: i32, y: usize, n: i32,
  zA: i32, zB: i32, ratio: f32, zC: i32,
): void {
  // ORT x64: c = saturate(round_half_even(f32(f32((a − zA)(b − zB))·ratio) + f32(zC)))
  const za = i32x4.splat(zA);
  const zb = i32x4.splat(zB);
  const rv = f32x4.splat(ratio);
  const zcf = f32x4.splat(<f32>zC);
  let i = 0;
  if (sa == 1 || sb == 1) {
    const sca = sa == 0 ? i32x4.splat(ldScalar(a, signed) - zA) : i32x4.splat(0);
    const scb = sb == 0 ? i32x4.splat(ldScalar(b, signed) - zB) : i32x4.splat(0);
    for (; i + 8 <= n; i += 8) {
      let a0 = sca, a1 = sca, b0 = scb, b1 = scb;
      if (sa == 1) {
        const va = ld8(a + <usize>i, signed);
        a0 = i32x4.sub(lo32(va), za);
        a1 = i32x4.sub(hi32(va), za);
      }
      if (sb == 1) {
        const vb = ld8(b + <usize>i, signed);
        b0 = i32x4.sub(lo32(vb), zb);
        b1 = i32x4.sub(hi32(vb), zb);
      }
      const r0 = round4(f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.mul(a0, b0)), rv), zcf));
      const r1 = round4(f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.mul(a1, b1)), rv), zcf));
      store8(y + <usize>i, r0, r1, signed);
    }
  }
  for (; i < n; i++) {
    const p = (ldScalar(a + <usize>(i * sa), signed) - zA) * (ldScalar(b + <usize>(i * sb), signed) - zB);
    store1(y + <usize>i, round4(f32x4.splat(<f32>p * ratio + <f32>zC)), signed);
  }
}

export function q8_qlinear_binary_wasmsimd(
  op: i32, signed: i32, a: usize, b: usize, y: usize, d0: i32, d1: i32, d2: i32, d3: i32,
  sa0: i32, sa1: i32, sa2: i32, sa3: i32, sb0: i32, sb1: i32, sb2: i32, sb3: i32,
  sA: f32, zA: i32, sB: f32, zB: i32, sC: f32, zC: i32,
): void {
  const rA = sA / sC;
  const rB = sB / sC;
  // ORT's x64 build contracts rA·zA + rB·zB into an FMA on the first product; with the operands
  // swapped (A scalar) the first product is B's.
  const fixed = <f32>zC - fma1(zA, rA, rB * <f32>zB);
  const fixedBA = <f32>zC - fma1(zB, rB, rA * <f32>zA);
  const ratio = sA * sB / sC;
  let out = y;
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      for (let i2 = 0; i2 < d2; i2++) {
        const ao = a + <usize>(i0 * sa0 + i1 * sa1 + i2 * sa2);
        const bo = b + <usize>(i0 * sb0 + i1 * sb1 + i2 * sb2);
        if (op == QLINEAR_ADD) addSpan(signed, ao, sa3, bo, sb3, out, d3, rA, rB, fixed, fixedBA);
        else mulSpan(signed, ao, sa3, bo, sb3, out, d3, zA, zB, ratio, zC);
        out += <usize>d3;
      }
    }
  }
}
