/** Small seeded PRNG for reproducible randomised tests and benchmarks. */
export function rng(seed: number): { int(lo: number, hi: number): number; float(): number; pick<T>(xs: readonly T[]): T } {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  return {
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    float: next,
    pick: (xs) => xs[Math.floor(next() * xs.length)],
  };
}
