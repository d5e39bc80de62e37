/**
 * `max` indices spread evenly over [0, n): i·n/max rounded down. Deterministic, so the same data
 * always draws the same points; all indices when n ≤ max.
 */
export function subsampleIndices(n: number, max: number): number[] {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${max}`);
  const m = Math.min(n, max);
  return Array.from({ length: m }, (_, i) => (m === n ? i : Math.floor((i * n) / m)));
}
