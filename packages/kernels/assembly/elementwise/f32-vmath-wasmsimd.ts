// Vector fp32 transcendental approximations shared by the elementwise, softmax and activation
// kernels. Internal (v128 arguments cannot be exported). Measured maximum relative error against
// float64 references, over the stated ranges (see src/elementwise/elementwise.test.ts):
//   vexp:  ≤ 2e-7 on [-87, 88.7]; overflows to +Inf above 88.72, underflows through denormals to 0.
//   verf:  ≤ 5e-7 on [-4, 4]; ±1 beyond (erfc(4) < 2e-8 is below half an ulp of 1).
//   vtanh: ≤ 5e-7 everywhere.

/** e^(x − n·ln2) for the integer-valued n (Cody–Waite, degree-7 Taylor): the mantissa factor of e^x. */
// @ts-ignore: decorator
@inline function expOfReduced(x: v128, n: v128): v128 {
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693145751953125)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(1.428606765330187e-6)));
  let p = f32x4.splat(1.0 / 5040.0);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 720.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  return f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
}

// @ts-ignore: decorator
@inline export function vexp(x0: v128): v128 {
  // Cody–Waite range reduction x = n·ln2 + r, |r| ≤ ln2/2, degree-7 Taylor for e^r, and 2^n built
  // as two exponent-field scalings so n can span [-150, 128] (denormal results, no early overflow).
  const x = f32x4.min(f32x4.max(x0, f32x4.splat(-104.0)), f32x4.splat(89.0));
  // n = round_half_even(x·log2e) by the 1.5·2^23 magic add (|x·log2e| < 2^22): the integer sits in
  // the low mantissa bits, so no nearest + trunc_sat (the latter is a long sequence on x64)
  const magic = f32x4.splat(12582912.0);
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(1.4426950408889634)), magic);
  const p = expOfReduced(x, f32x4.sub(t, magic));
  const ni = i32x4.sub(t, i32x4.splat(0x4b400000));
  const n1 = i32x4.shr_s(ni, 1);
  const n2 = i32x4.sub(ni, n1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(n1, bias), 23);
  const s2 = i32x4.shl(i32x4.add(n2, bias), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

/** e^x for x ≤ 0 (softmax's x − max): below −87.33 (where e^x would be denormal) the result is 0,
 *  since denormal products cost ~100 cycles each on x86 and are below 2^-126 of the row's largest
 *  term anyway. One exponent scaling, pmax (one instruction) instead of the NaN-fixing max; a NaN
 *  lane stays NaN. Same polynomial as vexp, so results match it wherever e^x is normal. */
// @ts-ignore: decorator
@inline export function vexpNonPositive(x0: v128): v128 {
  const lo = f32x4.splat(-87.33);
  const x = f32x4.pmax(x0, lo);
  const magic = f32x4.splat(12582912.0);
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(1.4426950408889634)), magic);
  const p = expOfReduced(x, f32x4.sub(t, magic));
  // n ∈ [-126, 0]: 2^n in one exponent field
  const s = i32x4.shl(i32x4.add(i32x4.sub(t, i32x4.splat(0x4b400000)), i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(p, s), f32x4.lt(x0, lo));
}

// @ts-ignore: decorator
@inline export function verf(x0: v128): v128 {
  // Rational minimax approximation x·P(x²)/Q(x²) on [-4, 4] (the one Eigen and TensorFlow use).
  const x = f32x4.min(f32x4.max(x0, f32x4.splat(-4.0)), f32x4.splat(4.0));
  const x2 = f32x4.mul(x, x);
  let p = f32x4.splat(-2.72614225801306e-10);
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(2.77068142495902e-08));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(-2.10102402082508e-06));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(-5.69250639462346e-05));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(-7.34990630326855e-04));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(-2.95459980854025e-03));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(-1.60960333262415e-02));
  p = f32x4.mul(p, x);
  let q = f32x4.splat(-1.45660718464996e-05);
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(-2.13374055278905e-04));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(-1.68282697438203e-03));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(-7.37332916720468e-03));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(-1.42647390514189e-02));
  return f32x4.div(p, q);
}

// @ts-ignore: decorator
@inline export function vtanh(x0: v128): v128 {
  // Rational approximation x·P(x²)/Q(x²) clamped to ±7.905 (where tanh rounds to ±1); below
  // |x| < 4e-4 tanh(x) = x to within half an ulp.
  const x = f32x4.min(f32x4.max(x0, f32x4.splat(-7.90531110763549805)), f32x4.splat(7.90531110763549805));
  const x2 = f32x4.mul(x, x);
  let p = f32x4.splat(-2.76076847742355e-16);
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(2.00018790482477e-13));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(-8.60467152213735e-11));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(5.12229709037114e-08));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(1.48572235717979e-05));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(6.37261928875436e-04));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(4.89352455891786e-03));
  p = f32x4.mul(p, x);
  let q = f32x4.splat(1.19825839466702e-06);
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(1.18534705686654e-04));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(2.26843463243900e-03));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(4.89352518554385e-03));
  const tiny = f32x4.lt(f32x4.abs(x0), f32x4.splat(0.0004));
  return v128.bitselect(x0, f32x4.div(p, q), tiny);
}

// @ts-ignore: decorator
@inline export function vsigmoid(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
}

/** Horizontal sum in a fixed lane order ((l0 + l1) + (l2 + l3)), mirrored by the TS reference. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// @ts-ignore: decorator
@inline export function hmax(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}
