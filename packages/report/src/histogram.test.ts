import { describe, expect, it } from 'vitest';
import { binValues, clippedFraction, gridLevels, gridRange } from './histogram.js';

describe('binValues', () => {
  it('splits [min, max] into equal bins, last bin closed', () => {
    // width 2: [0,2) holds 0,1; [2,4] holds 2,3,4
    expect(binValues([0, 1, 2, 3, 4], 2)).toEqual({ edges: [0, 2, 4], counts: [2, 3], skipped: 0 });
    // width 0.5 over [-1, 1]: -1 → 0, -0.6 → 0, -0.5 → 1, 0 → 2, 0.49 → 2, 1 → 3
    expect(binValues([-1, -0.6, -0.5, 0, 0.49, 1], 4).counts).toEqual([2, 1, 2, 1]);
  });

  it('skips non-finite values and counts them', () => {
    expect(binValues(new Float32Array([NaN, 1, Infinity, 3]), 1)).toEqual({ edges: [1, 3], counts: [2], skipped: 2 });
  });

  it('puts all-equal values into one bin around the value', () => {
    expect(binValues([2, 2, 2], 10)).toEqual({ edges: [1, 3], counts: [3], skipped: 0 });
    expect(binValues([0, 0], 5)).toEqual({ edges: [-0.5, 0.5], counts: [2], skipped: 0 });
  });

  it('returns no bins for no finite values and rejects bad bin counts', () => {
    expect(binValues([], 4)).toEqual({ edges: [], counts: [], skipped: 0 });
    expect(() => binValues([1], 0)).toThrow(RangeError);
    expect(() => binValues([1], 2.5)).toThrow(RangeError);
  });
});

describe('quantization grid', () => {
  const grid = { scale: 0.5, zeroPoint: 1, qmin: 0, qmax: 3 };

  it('lists every representable value (q − zp)·scale', () => {
    expect(gridLevels(grid)).toEqual([-0.5, 0, 0.5, 1]);
    expect(gridLevels({ scale: 0.1, zeroPoint: 0, qmin: -8, qmax: 7 })).toHaveLength(16);
  });

  it('spans dequant(qmin)..dequant(qmax)', () => {
    expect(gridRange(grid)).toEqual([-0.5, 1]);
    expect(gridRange({ scale: 2 / 255, zeroPoint: 128, qmin: 0, qmax: 255 })).toEqual([(-128 * 2) / 255, (127 * 2) / 255]);
  });

  it('counts values beyond half a step past the ends as clipped', () => {
    // range [-0.5, 1], half step 0.25: -0.75 and 1.25 still round onto the ends, -0.8 and 1.3 do not
    expect(clippedFraction([-0.8, -0.75, 0, 1.25, 1.3, NaN], grid)).toBeCloseTo(2 / 5, 12);
    expect(clippedFraction([], grid)).toBe(0);
  });
});
