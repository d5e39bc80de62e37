/** Round half to even (numpy.round / ONNX QuantizeLinear), for any finite double. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x); // rounds half up
  // Math.round(-2.5) = -2, Math.round(2.5) = 3: fix exact halves toward the even neighbour.
  if (Math.abs(x - Math.trunc(x)) === 0.5) {
    const f = Math.floor(x);
    return (f % 2 === 0 ? f : f + 1) + 0;
  }
  return r + 0; // no negative zero
}
