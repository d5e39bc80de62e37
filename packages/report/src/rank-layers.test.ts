import { describe, expect, it } from 'vitest';
import { layerErrorRows } from './charts/layer-error.js';
import { qualityBand, rankLayers } from './rank-layers.js';

const L = (name: string, sqnrDb: number, cosine = 0.99) => ({ name, sqnrDb, cosine });

describe('rankLayers', () => {
  it('orders by SQNR ascending, then cosine, then name; NaN first', () => {
    const ranked = rankLayers([L('c', 30), L('b', 12, 0.9), L('a', 12, 0.9), L('d', 12, 0.8), L('nan', NaN), L('exact', Infinity, 1)]);
    expect(ranked.map((l) => l.name)).toEqual(['nan', 'd', 'a', 'b', 'c', 'exact']);
  });

  it('does not reorder the input', () => {
    const input = [L('x', 40), L('y', 10)];
    rankLayers(input);
    expect(input.map((l) => l.name)).toEqual(['x', 'y']);
  });

  it('bands at 20 and 30 dB', () => {
    expect([19.99, 20, 29.99, 30, Infinity, NaN].map(qualityBand)).toEqual(['poor', 'fair', 'fair', 'good', 'good', 'poor']);
  });
});

describe('layerErrorRows', () => {
  it('keeps the worst max layers with unique ranked labels', () => {
    const rows = layerErrorRows([L('same', 25), L('same', 15), { ...L('f', 35), keptFloat: true }, L('z', 50)], 3);
    expect(rows.map((r) => r.label)).toEqual(['1. same', '2. same', '3. f [float]']);
    expect(rows.map((r) => r.band)).toEqual(['poor', 'fair', 'good']);
  });

  it('draws an infinite SQNR 10 dB past the best finite one and labels it ∞', () => {
    const rows = layerErrorRows([L('a', 12), L('b', 31), L('exact', Infinity, 1)], 10);
    expect(rows[2]).toMatchObject({ name: 'exact', sqnr: 41, sqnrText: '∞ dB' });
    expect(layerErrorRows([L('only', Infinity)], 10)[0]!.sqnr).toBe(100);
  });
});
