import { describe, expect, it } from 'vitest';
import { median, taskMetric } from './metrics.js';

describe('taskMetric', () => {
  it('accuracy: argmax per sample against class ids (int64 or number)', () => {
    const scores = [0.1, 0.9, 0.0, /**/ 2, 1, 0, /**/ 0, 0, 3, /**/ 0.5, 0.2, 0.4];
    expect(taskMetric('accuracy', scores, BigInt64Array.from([1n, 0n, 1n, 0n]))).toBe(0.75);
    expect(taskMetric('accuracy', scores, [1, 0, 2, 0])).toBe(1);
  });
  it('rmse against one label per sample', () => {
    expect(taskMetric('rmse', [1, 2, 3, 4], [1, 2, 3, 0])).toBe(2);
  });
  it('names what does not fit', () => {
    expect(() => taskMetric('accuracy', [1, 2, 3], [0, 1, 2])).toThrow(/accuracy needs class scores/);
    expect(() => taskMetric('rmse', [1, 2, 3, 4], [1, 2])).toThrow(/rmse needs one value per sample/);
    expect(() => taskMetric('rmse', [1, 2, 3], [1, 2])).toThrow(/3 values for 2 labels/);
  });
});

describe('median', () => {
  it('odd and even counts, input untouched', () => {
    const v = [5, 1, 3];
    expect(median(v)).toBe(3);
    expect(v).toEqual([5, 1, 3]);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
