import { describe, expect, it } from 'vitest';
import { allocateOffsets, type Lifetime } from './arena.js';

const overlaps = (a: Lifetime, oa: number, b: Lifetime, ob: number) =>
  a.start <= b.end && b.start <= a.end && oa < ob + b.bytes && ob < oa + a.bytes;

describe('allocateOffsets', () => {
  it('never overlaps buffers that are live at the same time, and reuses memory otherwise', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 50; trial++) {
      const bufs: Lifetime[] = Array.from({ length: 30 }, () => {
        const start = Math.floor(rnd() * 20);
        return { bytes: 1 + Math.floor(rnd() * 5000), start, end: start + Math.floor(rnd() * 5) };
      });
      const { offsets, total } = allocateOffsets(bufs);
      for (let i = 0; i < bufs.length; i++) {
        expect(offsets[i] % 64).toBe(0);
        expect(offsets[i] + bufs[i].bytes).toBeLessThanOrEqual(total);
        for (let j = i + 1; j < bufs.length; j++) expect(overlaps(bufs[i], offsets[i], bufs[j], offsets[j])).toBe(false);
      }
      const sum = bufs.reduce((s, b) => s + Math.ceil(b.bytes / 64) * 64, 0);
      expect(total).toBeLessThan(sum);
    }
  });
});
