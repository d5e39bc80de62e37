import { describe, expect, it } from 'vitest';
import { renderChart } from '../render-svg.js';
import { activationRangesSpec, activationRows } from './activation-ranges.js';
import { layerErrorRows, layerErrorSpec } from './layer-error.js';
import { outputScatterSpec, scatterData } from './output-scatter.js';
import { meetsTarget, tuningSpec, tuningTarget } from './tuning-steps.js';
import { MAX_DRAWN_LEVELS, weightHistogramData, weightHistogramSpec } from './weight-histogram.js';
import type { TuningRun, WeightDistribution } from '../report-data.js';

describe('weight histogram data', () => {
  it('bins raw values and counts the clipped share', () => {
    const w: WeightDistribution = { layer: 'l', values: [-1, -0.5, 0, 0.5, 3], grid: { scale: 0.25, zeroPoint: 0, qmin: -4, qmax: 4 } };
    const d = weightHistogramData(w, 4);
    // range [-1, 3], width 1: -1,-0.5 | 0,0.5 | – | 3
    expect(d.histogram.counts).toEqual([2, 2, 0, 1]);
    expect(d.range).toEqual([-1, 1]);
    expect(d.levels).toEqual([-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1]);
    expect(d.clipped).toBeCloseTo(1 / 5, 12);
  });

  it('uses a pre-binned histogram as given', () => {
    const w: WeightDistribution = { layer: 'l', histogram: { edges: [0, 1, 2], counts: [5, 7] }, grid: { scale: 1, zeroPoint: 0, qmin: 0, qmax: 2 } };
    const d = weightHistogramData(w, 60);
    expect(d.histogram).toEqual({ edges: [0, 1, 2], counts: [5, 7] });
    expect(d.clipped).toBeUndefined();
  });

  it('draws only the ends of a grid too dense to show', () => {
    const w: WeightDistribution = { layer: 'l', values: [0], grid: { scale: 1e-4, zeroPoint: 0, qmin: -32768, qmax: 32767 } };
    expect(MAX_DRAWN_LEVELS).toBeLessThan(65536);
    expect(weightHistogramData(w, 8).levels).toEqual([]);
  });
});

describe('activation rows', () => {
  it('normalizes each tensor by its largest magnitude', () => {
    const rows = activationRows(
      [
        { tensor: 'relu', observedMin: 0, observedMax: 8, chosenMin: 0, chosenMax: 6 },
        { tensor: 'x', observedMin: -0.2, observedMax: 0.1, chosenMin: -0.1, chosenMax: 0.1 },
        { tensor: 'zero', observedMin: 0, observedMax: 0, chosenMin: 0, chosenMax: 0 },
      ],
      2,
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ order: 0, observedLo: 0, observedHi: 1, chosenLo: 0, chosenHi: 0.75, text: '[0, 6] of [0, 8]' });
    expect(rows[1]).toMatchObject({ observedLo: -1, chosenLo: -0.5 });
    expect(rows[1]!.observedHi).toBeCloseTo(0.5, 12);
  });
});

describe('activation ranges without observed ranges', () => {
  it('draws only the chosen range and says so', async () => {
    const rows = activationRows([{ tensor: 't', chosenMin: -2, chosenMax: 4 }], 5);
    expect(rows[0]).toMatchObject({ observedLo: null, observedHi: null, chosenLo: -0.5, chosenHi: 1, text: '[−2, 4]' });
    const { svg, warnings } = await renderChart(activationRangesSpec(rows, 1), 'a');
    expect(warnings).toEqual([]);
    expect(svg).toContain('chosen (quantization range)');
    expect(svg).not.toContain('observed on calibration data');
  });

  it('skips the observed bar only for tensors without one', async () => {
    const rows = activationRows(
      [
        { tensor: 'seen', chosenMin: 0, chosenMax: 1, observedMin: 0, observedMax: 2 },
        { tensor: 'unseen', chosenMin: 0, chosenMax: 1 },
      ],
      5,
    );
    const { svg, warnings } = await renderChart(activationRangesSpec(rows, 2), 'a');
    expect(warnings).toEqual([]);
    const bars = (svg.match(/aria-roledescription="bar"/g) ?? []).length;
    expect(bars).toBe(3);
  });
});

describe('scatter data', () => {
  it('subsamples deterministically and shares one domain on both axes', () => {
    const f = Array.from({ length: 10 }, (_, i) => i);
    const q = f.map((v) => v * 2 - 3);
    const d = scatterData({ name: 'y', float: f, quantized: q }, 4);
    // indices 0, 2, 5, 7
    expect(d.points).toEqual([
      { f: 0, q: -3 },
      { f: 2, q: 1 },
      { f: 5, q: 7 },
      { f: 7, q: 11 },
    ]);
    expect(d.domain).toEqual([-3, 11]);
    expect(d.stats.count).toBe(10);
  });
});

describe('tuning target', () => {
  const t: TuningRun = { metric: 'rmse', higherIsBetter: false, floatMetric: 50, targetDrop: 2, steps: [{ step: 0, keptFloat: [], metric: 53 }], keptFloat: [] };
  it('allows the drop in the metric’s bad direction', () => {
    expect(tuningTarget(t)).toBe(52);
    expect(meetsTarget(t, 51.9)).toBe(true);
    expect(meetsTarget(t, 53)).toBe(false);
    expect(tuningTarget({ ...t, higherIsBetter: true, floatMetric: 0.9, targetDrop: 0.01 })).toBeCloseTo(0.89, 12);
  });
});

describe('every chart spec compiles and renders to SVG without warnings', () => {
  const cases = {
    'layer error': layerErrorSpec(layerErrorRows([{ name: 'conv', sqnrDb: 18, cosine: 0.99 }, { name: 'fc', sqnrDb: Infinity, cosine: 1 }], 30), 2),
    'weight histogram': weightHistogramSpec(
      { layer: 'conv', type: 'int4', values: [-0.3, 0.1, 0.2], grid: { scale: 0.05, zeroPoint: 0, qmin: -8, qmax: 7 } },
      weightHistogramData({ layer: 'conv', values: [-0.3, 0.1, 0.2], grid: { scale: 0.05, zeroPoint: 0, qmin: -8, qmax: 7 } }, 4),
    ),
    'activation ranges': activationRangesSpec(activationRows([{ tensor: 't', observedMin: -1, observedMax: 2, chosenMin: -1, chosenMax: 1.5 }], 10), 1),
    'output scatter': outputScatterSpec('logits', scatterData({ name: 'logits', float: [1, 2, 3], quantized: [1.1, 2, 2.9] }, 100)),
    tuning: tuningSpec({ metric: 'accuracy', higherIsBetter: true, isFraction: true, floatMetric: 0.9, targetDrop: 0.01, steps: [{ step: 0, keptFloat: [], metric: 0.85 }, { step: 1, keptFloat: ['a'], metric: 0.895 }], keptFloat: ['a'] }),
  };
  for (const [name, spec] of Object.entries(cases)) {
    it(name, async () => {
      const { svg, warnings } = await renderChart(spec, 'c');
      expect(warnings).toEqual([]);
      expect(svg.startsWith('<svg')).toBe(true);
      const title = typeof spec.title === 'object' && spec.title && 'text' in spec.title ? String(spec.title.text) : '';
      expect(title).not.toBe('');
      expect(svg).toContain(`>${title}<`);
      expect(svg.match(/<path|<line|<rect/g)!.length).toBeGreaterThan(5);
    });
  }
});
