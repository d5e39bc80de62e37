import { describe, expect, it } from 'vitest';
import { subsampleIndices } from './subsample.js';

describe('subsampleIndices', () => {
  it('spreads max indices evenly: floor(i·n/max)', () => {
    expect(subsampleIndices(10, 4)).toEqual([0, 2, 5, 7]);
    expect(subsampleIndices(10, 5)).toEqual([0, 2, 4, 6, 8]);
    expect(subsampleIndices(7, 3)).toEqual([0, 2, 4]);
  });

  it('keeps every index when the array is small enough', () => {
    expect(subsampleIndices(3, 5)).toEqual([0, 1, 2]);
    expect(subsampleIndices(0, 5)).toEqual([]);
  });

  it('is deterministic, strictly increasing and in range for large arrays', () => {
    const a = subsampleIndices(1_000_003, 2000);
    expect(a).toEqual(subsampleIndices(1_000_003, 2000));
    expect(a).toHaveLength(2000);
    for (let i = 1; i < a.length; i++) expect(a[i]!).toBeGreaterThan(a[i - 1]!);
    expect(a[a.length - 1]!).toBeLessThan(1_000_003);
  });

  it('rejects a non-positive maximum', () => {
    expect(() => subsampleIndices(10, 0)).toThrow(RangeError);
  });
});
