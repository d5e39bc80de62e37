import { describe, expect, it } from 'vitest';
import { EntropyCollector, HistogramCollectorBase, MseCollector, PercentileCollector, histogramMse } from './histogram.js';
import { MinMaxCollector } from './minmax.js';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
/** Normal samples via Box–Muller. */
function normals(n: number, seed: number, sigma = 1): Float32Array {
  const r = lcg(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = sigma * Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  return a;
}

describe('MinMaxCollector', () => {
  it('global min/max over batches', () => {
    const c = new MinMaxCollector();
    c.observe('t', Float32Array.of(1, -2, 3));
    c.observe('t', Float32Array.of(0.5, 7));
    expect(c.ranges().get('t')).toEqual({ min: -2, max: 7 });
  });
  it('moving average is the mean of per-batch extremes; symmetric uses ±absmax', () => {
    const c = new MinMaxCollector({ movingAverage: true, symmetric: true });
    c.observe('t', Float32Array.of(-1, 2));
    c.observe('t', Float32Array.of(-3, 4));
    // mean min = -2, mean max = 3 → ±3
    expect(c.ranges().get('t')).toEqual({ min: -3, max: 3 });
  });
  it('ignores NaN', () => {
    const c = new MinMaxCollector();
    c.observe('t', Float32Array.of(NaN, 1, -1));
    expect(c.ranges().get('t')).toEqual({ min: -1, max: 1 });
  });
});

describe('histogram collectors (streaming)', () => {
  it('merging batches keeps every count and the old bins aligned', () => {
    const h = new HistogramCollectorBase({ kind: 'value', bins: 64 });
    const a = normals(1000, 1, 1);
    const b = normals(1000, 2, 3); // wider: forces growth
    h.observe('t', a);
    h.observe('t', b);
    const hist = h.histograms().get('t')!;
    expect(hist.counts.reduce((x, y) => x + y, 0)).toBe(2000);
    expect(hist.counts.length % 2).toBe(0);
    // growth adds whole bins of the old width; when the histogram passes 2× its nominal size,
    // pairs of bins merge, so the width is the first batch's width times a power of two
    const w0 = (2 * Math.max(...Array.from(a, Math.abs))) / 64;
    const ratio = (hist.edges[1] - hist.edges[0]) / w0;
    expect([1, 2, 4, 8].some((p) => Math.abs(ratio - p) < 1e-3)).toBe(true);
    expect(hist.counts.length).toBeLessThanOrEqual(128);
    // state does not grow with the number of equal batches
    const before = hist.counts.length;
    for (let i = 0; i < 50; i++) h.observe('t', normals(1000, 10 + i, 1));
    expect(h.histograms().get('t')!.counts.length).toBe(before);
  });

  it('percentile (symmetric, |x|) clips the far tail of a normal distribution', () => {
    const c = new PercentileCollector({ percentile: 99 });
    const data = normals(200_000, 3);
    c.observe('t', data);
    const r = c.ranges().get('t')!;
    // 99th percentile of |N(0,1)| is 2.576
    expect(r.max).toBeGreaterThan(2.5);
    expect(r.max).toBeLessThan(2.65);
    expect(r.min).toBeCloseTo(-r.max, 6);
  });

  it('percentile 100 lands on the edge of the bin holding the extremes (numpy searchsorted)', () => {
    const c = new PercentileCollector({ percentile: 100, symmetric: false, bins: 128 });
    c.observe('t', Float32Array.of(-1, 0, 0.5, 2));
    const r = c.ranges().get('t')!;
    // 128 bins over ±2 (width 1/32): the cdf first reaches 1 in the last bin, whose left edge is 2 − 1/32.
    expect(r.max).toBe(2 - 1 / 32);
    expect(r.min).toBe(-1); // the left cut lands below the observed min and is clamped to it
  });

  it('entropy searches thresholds: a rare huge outlier is clipped', () => {
    const data = normals(100_000, 4);
    data[0] = 60; // one outlier far away
    const c = new EntropyCollector();
    c.observe('t', data);
    const r = c.ranges().get('t')!;
    expect(r.max).toBeLessThan(30);
    expect(r.max).toBeGreaterThan(2);
    expect(r.min).toBeLessThan(-2);
  });

  it('entropy with as many quantized bins as bins keeps the full range (ORT defaults)', () => {
    const data = normals(10_000, 5);
    const c = new EntropyCollector({ bins: 128, quantizedBins: 128 });
    c.observe('t', data);
    const r = c.ranges().get('t')!;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of data) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect(r.min).toBe(lo);
    expect(r.max).toBe(hi);
  });

  it('MSE picks a range with lower expected error than min/max on heavy tails', () => {
    const data = normals(50_000, 6);
    data[1] = 40;
    const c = new MseCollector();
    c.observe('t', data);
    const r = c.ranges().get('t')!;
    const h = c.histograms().get('t')!;
    expect(r.max).toBeLessThan(40);
    expect(histogramMse(h, r.min, r.max, 255)).toBeLessThan(histogramMse(h, Math.min(h.min, 0), h.max, 255));
  });

  it('MSE: a clipped value costs its distance to the range end only; the search reaches each end’s own optimum', () => {
    const edges = Float32Array.from({ length: 5 }, (_, i) => i); // bins [0,1) … [3,4], centres 0.5 … 3.5
    const h = { counts: Float64Array.of(0, 0, 0, 10), edges, min: 0, max: 4, threshold: 4 };
    expect(histogramMse(h, 0, 2, 255)).toBeCloseTo(10 * 1.5 ** 2, 12);
    expect(histogramMse(h, 0, 4, 255)).toBeCloseTo(10 * (4 / 255) ** 2 / 12, 12);
    // a skewed tensor: the brute-force optimum over the same grid equals what the collector finds
    const data = normals(20_000, 7).map((v) => (v > 0 ? v * 3 : v));
    data[0] = 25;
    const c = new MseCollector({ steps: 60 });
    c.observe('t', data);
    const r = c.ranges().get('t')!;
    const hh = c.histograms().get('t')!;
    let best = Infinity;
    for (let a = 0; a < 60; a++) for (let b = 0; b < 60; b++) best = Math.min(best, histogramMse(hh, hh.min * (1 - a / 60), hh.max * (1 - b / 60), 255));
    expect(histogramMse(hh, r.min, r.max, 255)).toBeLessThanOrEqual(best * (1 + 1e-6));
  });
});
