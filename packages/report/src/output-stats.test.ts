import { describe, expect, it } from 'vitest';
import { outputStats } from './output-stats.js';

describe('outputStats', () => {
  it('computes SQNR, max and mean absolute error', () => {
    // signal 1+4+4 = 9, noise 0+1+0.25 = 1.25 → 10·log10(7.2)
    const s = outputStats([1, 2, -2], [1, 1, -1.5]);
    expect(s.count).toBe(3);
    expect(s.sqnrDb).toBeCloseTo(10 * Math.log10(7.2), 12);
    expect(s.maxAbsError).toBe(1);
    expect(s.meanAbsError).toBeCloseTo(0.5, 12);
  });

  it('is infinite for identical outputs', () => {
    expect(outputStats(new Float32Array([3, 4]), [3, 4]).sqnrDb).toBe(Infinity);
  });
});
