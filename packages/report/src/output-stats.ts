export interface OutputStats {
  count: number;
  /** 10·log10(Σf² / Σ(f−q)²); Infinity when identical */
  sqnrDb: number;
  maxAbsError: number;
  meanAbsError: number;
}

/** Error of the quantized output against the float output, over all elements. */
export function outputStats(float: ArrayLike<number>, quantized: ArrayLike<number>): OutputStats {
  const n = Math.min(float.length, quantized.length);
  let signal = 0;
  let noise = 0;
  let maxAbs = 0;
  let sumAbs = 0;
  for (let i = 0; i < n; i++) {
    const f = float[i]!;
    const d = f - quantized[i]!;
    signal += f * f;
    noise += d * d;
    const a = Math.abs(d);
    sumAbs += a;
    if (a > maxAbs) maxAbs = a;
  }
  const sqnrDb = noise === 0 ? Infinity : 10 * Math.log10(signal / noise);
  return { count: n, sqnrDb, maxAbsError: maxAbs, meanAbsError: n ? sumAbs / n : 0 };
}
