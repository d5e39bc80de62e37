// Vector fp32 transcendental approximations shared by the elementwise, softmax and activation
// kernels. Internal (v128 arguments cannot be exported). Measured maximum relative error against
// float64 references, over the stated ranges (see src/elementwise/elementwise.test.ts):
//   vexp:  ≤ 2e-7 on [-87, 88.7]; overflows to +Inf above 88.72, underflows through denormals to 0.
//   vexpNonPositive (softmax): ≤ 4e-7 on [-87.3, 0], 0 below -87.68 (denormal between).
//   verf:  ≤ 5e-7 on [-4, 4]; ±1 beyond (erfc(4) < 2e-8 is below half an ulp of 1).
//   vtanh: ≤ 5e-7 everywhere.
//   vgelu: ≤ 1e-6 absolute where |Gelu| < 1, relative above (dense grid: 9.8e-7 near x = −5.13,
//          where 1 + erf cancels; 9.6e-7 fused); 0 below −5.25, x·(1 − 8e-8) above 4√2.
//
// Erf, Tanh and Gelu read their coefficients from a table in linear memory (v128.load32_splat,
// one load each) rather than v128.const: V8 (Node 20) rematerialises a v128.const at every use with
// 3–4 instructions once there are more constants than registers. The exp kernels keep literals (in
// the softmax loops V8 holds them in registers; the table's loads cost ~8 % there). Clamps use
// pmin/pmax (one minps/maxps) instead of the NaN-exact f32x4.min/max (~7 instructions): identical
// here, since a bound is never NaN or ±0 and a NaN input stays NaN (pmax(NaN, lo) = NaN, pmin too).
// Measured in one process against the previous kernels: Gelu 1.47×, Exp 1.67×, Tanh 1.45×,
// Sigmoid 1.48× (benchmarks/kernels/README.md).

import { fmadd } from '../f32/f32-fmadd';

const K = memory.data<f32>([
  // 0..3: 1/2, 1, x below which Gelu is 0, erf clamp low
  0.5, 1.0, -5.25, -4.0,
  // 4..10: erf clamp high, numerator x·P(x²)
  4.0, -2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06, -5.69250639462346e-05, -7.34990630326855e-04, -2.95459980854025e-03,
  // 11..16: erf numerator (last), denominator Q(x²)
  -1.60960333262415e-02, -1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03, -7.37332916720468e-03, -1.42647390514189e-02,
  // 17..18: tanh clamp
  -7.90531110763549805, 7.90531110763549805,
  // 19..30: tanh P(x²) (7), Q(x²) (4), |x| below which tanh(x) = x
  -2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-08, 1.48572235717979e-05, 6.37261928875436e-04, 4.89352455891786e-03,
  1.19825839466702e-06, 1.18534705686654e-04, 2.26843463243900e-03, 4.89352518554385e-03, 0.0004,
  // 31..44: Gelu — the erf rational at x/√2 with 1/2^i and 1/(2√2) folded in: clamp ±4√2 (only
  // the upper one is used), P (7), Q (5)
  -5.656854249492381, 5.656854249492381,
  -1.5059950899190544e-12, 3.0611993495632817e-10, -4.6426510635910745e-08, -2.5157562504318776e-06, -6.49646099191159e-05, -0.0005223043845035136, -0.00569080701097846,
  -9.103794695874967e-07, -2.6671756131690927e-05, -0.0004207067540846765, -0.0036866646260023117, -0.014264739118516445,
]);
const K_HALF: i32 = 0, K_ONE: i32 = 1, K_GELU_ZERO: i32 = 2;
const K_ERF_LO: i32 = 3, K_ERF_HI: i32 = 4, K_ERF_P: i32 = 5, K_ERF_Q: i32 = 12;
const K_TANH_LO: i32 = 17, K_TANH_HI: i32 = 18, K_TANH_P: i32 = 19, K_TANH_Q: i32 = 26, K_TANH_TINY: i32 = 30;
const K_GELU_HI: i32 = 32, K_GELU_P: i32 = 33, K_GELU_Q: i32 = 40;

/** Constant i of the table, splat to four lanes. */
// @ts-ignore: decorator
@inline export function vconst(i: i32): v128 {
  return v128.load32_splat(K + (<usize>i << 2));
}

/** a·b + c for the polynomial steps: one relaxed fused multiply-add in the relaxed-SIMD build
 *  (Gelu 1.36×, softmax's exp 1.19× where it fuses), multiply + add elsewhere. Fused or not, the
 *  results stay within the bounds above (src/f32/f32-relaxed.test.ts checks the relaxed build). */
// @ts-ignore: decorator
@inline function muladd(a: v128, b: v128, c: v128): v128 {
  return fmadd(a, b, c);
}

/** c0·t⁶ + c1·t⁵ + … + c6 with the seven coefficients at table index c (Horner). */
// @ts-ignore: decorator
@inline function horner7(t: v128, c: i32): v128 {
  let p = vconst(c);
  p = muladd(p, t, vconst(c + 1));
  p = muladd(p, t, vconst(c + 2));
  p = muladd(p, t, vconst(c + 3));
  p = muladd(p, t, vconst(c + 4));
  p = muladd(p, t, vconst(c + 5));
  return muladd(p, t, vconst(c + 6));
}

/** The same with five coefficients (the erf denominators). */
// @ts-ignore: decorator
@inline function horner5(t: v128, c: i32): v128 {
  let p = vconst(c);
  p = muladd(p, t, vconst(c + 1));
  p = muladd(p, t, vconst(c + 2));
  p = muladd(p, t, vconst(c + 3));
  return muladd(p, t, vconst(c + 4));
}

/** e^(x − n·ln2) for the integer-valued n (Cody–Waite): the mantissa factor of e^x. `short`
 *  (softmax, bound 5e-6): a degree-5 minimax polynomial (≤ 1.8e-7 relative in fp32 Horner, fitted
 *  on |r| ≤ ln2/2 with 1 + r kept exact), two multiply-adds fewer; else the degree-7 Taylor
 *  (vexp, bound 3e-7). Literal constants here: in the softmax loops V8 keeps them in registers
 *  (the table's loads cost ~8 % there), while Erf/Gelu, with more constants than registers, read
 *  the table. */
// @ts-ignore: decorator
@inline function expOfReduced(x: v128, n: v128, short: bool): v128 {
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693145751953125)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(1.428606765330187e-6)));
  let p: v128;
  if (short) {
    p = f32x4.splat(0.008312559686601162);
    p = muladd(p, r, f32x4.splat(0.041890162974596024));
    p = muladd(p, r, f32x4.splat(0.16667114198207855));
    p = muladd(p, r, f32x4.splat(0.499992311000824));
  } else {
    p = f32x4.splat(1.0 / 5040.0);
    p = muladd(p, r, f32x4.splat(1.0 / 720.0));
    p = muladd(p, r, f32x4.splat(1.0 / 120.0));
    p = muladd(p, r, f32x4.splat(1.0 / 24.0));
    p = muladd(p, r, f32x4.splat(1.0 / 6.0));
    p = muladd(p, r, f32x4.splat(0.5));
  }
  p = muladd(p, r, f32x4.splat(1.0));
  return muladd(p, r, f32x4.splat(1.0));
}

// @ts-ignore: decorator
@inline export function vexp(x0: v128): v128 {
  // Cody–Waite range reduction x = n·ln2 + r, |r| ≤ ln2/2, degree-7 Taylor for e^r, and 2^n built
  // as two exponent-field scalings so n can span [-150, 128] (denormal results, no early overflow).
  const x = f32x4.pmin(f32x4.pmax(x0, f32x4.splat(-104.0)), f32x4.splat(89.0));
  // n = round_half_even(x·log2e) by the 1.5·2^23 magic add (|x·log2e| < 2^22): the integer sits in
  // the low mantissa bits, so no nearest + trunc_sat (the latter is a long sequence on x64)
  const magic = f32x4.splat(12582912.0);
  const t = muladd(x, f32x4.splat(1.4426950408889634), magic);
  const p = expOfReduced(x, f32x4.sub(t, magic), false);
  const ni = i32x4.sub(t, magic);
  const n1 = i32x4.shr_s(ni, 1);
  const n2 = i32x4.sub(ni, n1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(n1, bias), 23);
  const s2 = i32x4.shl(i32x4.add(n2, bias), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

/** e^x for x ≤ 0 (softmax's x − max): x is clamped at −87.9, where n = −127 makes the exponent
 *  field 0, so the scaling itself yields 0 from −87.68 down (masked terms, −Inf): no compare and
 *  mask. Between −87.68 and −87.33 the result is e^x as a denormal (their products cost ~100
 *  cycles each on x86; such terms are below 2^-126 of the row's largest and rare). One exponent
 *  scaling, pmax (one instruction) instead of the NaN-fixing max; a NaN lane stays NaN (its bits
 *  shift out to a 0 scale, and NaN · 0 is NaN). The short polynomial of expOfReduced (softmax's
 *  bound leaves room). */
// @ts-ignore: decorator
@inline export function vexpNonPositive(x0: v128): v128 {
  const x = f32x4.pmax(x0, f32x4.splat(-87.9));
  // 1.5·2^23 + 127: t's low mantissa bits hold n + 127 (n ∈ [-126, 0] adds no carry), so 2^n is
  // one shift of t's bits into the exponent field (the bits above shift out)
  const magic = f32x4.splat(12582912.0 + 127.0);
  const t = muladd(x, f32x4.splat(1.4426950408889634), magic);
  const p = expOfReduced(x, f32x4.sub(t, magic), true);
  return f32x4.mul(p, i32x4.shl(t, 23));
}

// @ts-ignore: decorator
@inline export function verf(x0: v128): v128 {
  // Rational minimax approximation x·P(x²)/Q(x²) on [-4, 4] (the one Eigen and TensorFlow use).
  const x = f32x4.pmin(f32x4.pmax(x0, vconst(K_ERF_LO)), vconst(K_ERF_HI));
  const x2 = f32x4.mul(x, x);
  let p = horner7(x2, K_ERF_P);
  p = f32x4.mul(p, x);
  const q = horner5(x2, K_ERF_Q);
  return f32x4.div(p, q);
}

// @ts-ignore: decorator
@inline export function vtanh(x0: v128): v128 {
  // Rational approximation x·P(x²)/Q(x²) clamped to ±7.905 (where tanh rounds to ±1); below
  // |x| < 4e-4 tanh(x) = x to within half an ulp.
  const x = f32x4.pmin(f32x4.pmax(x0, vconst(K_TANH_LO)), vconst(K_TANH_HI));
  const x2 = f32x4.mul(x, x);
  let p = horner7(x2, K_TANH_P);
  p = f32x4.mul(p, x);
  let q = vconst(K_TANH_Q);
  q = muladd(q, x2, vconst(K_TANH_Q + 1));
  q = muladd(q, x2, vconst(K_TANH_Q + 2));
  q = muladd(q, x2, vconst(K_TANH_Q + 3));
  const tiny = f32x4.lt(f32x4.abs(x0), vconst(K_TANH_TINY));
  return v128.bitselect(x0, f32x4.div(p, q), tiny);
}

// @ts-ignore: decorator
@inline export function vsigmoid(x: v128): v128 {
  const one = vconst(K_ONE);
  return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
}

/** 0.5·x·(1 + erf(x/√2)) = x/2 + x·(erf(x/√2)/2), the erf rational evaluated at x with the
 *  scalings folded into its coefficients (two operations fewer than through verf), its polynomials
 *  in Estrin's form: the Gelu loop is bound by each vector's dependency chain (the scheduler fills
 *  with waiting operations), which Estrin shortens from 6 to 3 multiply-add steps (1.15×; the
 *  relaxed build's fused steps keep Horner). */
// @ts-ignore: decorator
@inline export function vgelu(x: v128): v128 {
  // clamped above only: below −5.25 the result is masked to 0 whatever the rational gives there
  // (a huge or NaN quotient included), so the lower clamp was a wasted operation (1.09×)
  const xc = f32x4.pmin(x, vconst(K_GELU_HI));
  const t = f32x4.mul(xc, xc);
  const c = K_GELU_P;
  const d = K_GELU_Q;
  let p: v128, q: v128;
  if (ASC_FEATURE_RELAXED_SIMD) {
    // fused multiply-adds halve the chain: Horner wins there (Estrin 0.96×)
    p = f32x4.mul(horner7(t, c), xc);
    q = horner5(t, d);
  } else {
    const t2 = f32x4.mul(t, t);
    const t4 = f32x4.mul(t2, t2);
    // P = c0·t⁶ + … + c6 = ((c5·t + c6) + t²·(c3·t + c4)) + t⁴·((c1·t + c2) + t²·c0)
    const pLo = muladd(t2, muladd(vconst(c + 3), t, vconst(c + 4)), muladd(vconst(c + 5), t, vconst(c + 6)));
    const pHi = muladd(t2, vconst(c), muladd(vconst(c + 1), t, vconst(c + 2)));
    p = f32x4.mul(muladd(t4, pHi, pLo), xc);
    // Q = d0·t⁴ + … + d4 = (d3·t + d4) + t²·(d1·t + d2) + t⁴·d0
    q = muladd(t4, vconst(d), muladd(t2, muladd(vconst(d + 1), t, vconst(d + 2)), muladd(vconst(d + 3), t, vconst(d + 4))));
  }
  // 0 below −5.25 (|Gelu| < 4e-7 there): x·(erf(x/√2)/2 + 1/2) is all rounding residue of the
  // rational from there on (1.02e-6 near −5.30, 1.06e-6 near −5.63 fused), and below the clamp
  // it would grow with |x| (Gelu(−1e30) came out 7.6e22). NaN stays NaN.
  const y = muladd(x, f32x4.div(p, q), f32x4.mul(x, vconst(K_HALF)));
  return v128.andnot(y, f32x4.lt(x, vconst(K_GELU_ZERO)));
}

/** Horizontal sum in a fixed lane order ((l0 + l1) + (l2 + l3)), mirrored by the TS reference. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** The largest lane by two shuffles and pmax: V8 lowers the scalar f32 max to compares and
 *  data-dependent jumps (mispredicted on random scores; 1.08× on attention softmax rows). A NaN
 *  lane may be dropped: the softmax rows that use it propagate NaN through their sum. */
// @ts-ignore: decorator
@inline export function hmax(v: v128): f32 {
  const a = f32x4.pmax(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.pmax(a, v128.shuffle<f32>(a, a, 1, 0, 3, 2)), 0);
}
