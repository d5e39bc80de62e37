import { describe, expect, it } from 'vitest';
import { randomFeeds, sliceFeeds } from './data.js';

describe('randomFeeds', () => {
  const inputs = [
    { name: 'x', isTensor: true, type: 'float32', shape: ['batch', 3] },
    { name: 'ids', isTensor: true, type: 'int64', shape: [1, 'seq'] },
  ] as const;

  it('fills symbolic dims with 1, floats in [-1, 1), integer inputs with 0/1, the same for the same seed', () => {
    const a = randomFeeds(inputs, 4, 7);
    expect(a).toHaveLength(4);
    expect(a[0]!.x!.dims).toEqual([1, 3]);
    expect(a[0]!.ids!.dims).toEqual([1, 1]);
    for (const f of a) for (const v of f.x!.data as Float32Array) expect(v >= -1 && v < 1).toBe(true);
    for (const f of a) expect([0n, 1n]).toContain((f.ids!.data as BigInt64Array)[0]);
    expect(randomFeeds(inputs, 4, 7)).toEqual(a);
    expect(randomFeeds(inputs, 4, 8)[0]!.x!.data).not.toEqual(a[0]!.x!.data);
  });

  it('refuses input types it cannot make up, by name', () => {
    expect(() => randomFeeds([{ name: 's', isTensor: true, type: 'string', shape: [1] }], 1, 1)).toThrow(/input 's' has type string/);
  });
});

describe('sliceFeeds', () => {
  it('takes samples along the first axis, clipped at the end', () => {
    const t = { type: 'float32' as const, dims: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) };
    const s = sliceFeeds({ x: t }, 2, 5).x!;
    expect(s.dims).toEqual([1, 2]);
    expect([...(s.data as Float32Array)]).toEqual([5, 6]);
  });
});
