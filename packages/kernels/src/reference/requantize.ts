// Scalar definitions the kernels must reproduce bit for bit.

/** Round half to even, as ONNX QuantizeLinear does. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** fp32 requantization: round_half_even(f32(f32(acc) · scale)) + zy, clamped to [qmin, qmax]. */
export function requantize(acc: number, scale: number, zy: number, qmin: number, qmax: number): number {
  const x = Math.fround(Math.fround(acc) * Math.fround(scale));
  return Math.min(qmax, Math.max(qmin, roundHalfEven(x) + zy));
}

/** Dequantization: f32(f32(acc) · scale) (+ f32 bias). */
export function dequantize(acc: number, scale: number, bias = 0): number {
  return Math.fround(Math.fround(Math.fround(acc) * Math.fround(scale)) + Math.fround(bias));
}
