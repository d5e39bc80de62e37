import { describe, expect, expectTypeOf, it } from 'vitest';
import { renderReport } from './render-report.js';
import type { ActivationRange, ReportData, WeightDistribution } from './report-data.js';

describe('ReportData contract', () => {
  it('needs only a model name; typed arrays are accepted for big data', async () => {
    const minimal: ReportData = { model: { name: 'm' } };
    const w: WeightDistribution = { layer: 'l', values: new Float32Array([0.1, -0.1]), grid: { scale: 0.01, zeroPoint: 0, qmin: -127, qmax: 127 } };
    expectTypeOf(renderReport).returns.resolves.toBeString();
    expect(await renderReport({ ...minimal, weights: [w], outputs: [{ name: 'y', float: new Float64Array(3), quantized: new Int8Array(3) }] })).toContain('<svg');
  });
});

// Compile-time contract, checked by `npm run typecheck` (tsc fails if an expected error disappears).
export function typeContract(): unknown[] {
  // @ts-expect-error the model is required
  const noModel: ReportData = {};
  // @ts-expect-error a weight needs its quantization grid
  const noGrid: WeightDistribution = { layer: 'l', values: [1] };
  // @ts-expect-error the chosen range is required
  const noChosen: ActivationRange = { tensor: 't', observedMin: 0, observedMax: 1 };
  // @ts-expect-error options are plain values, not objects
  const nested: ReportData = { model: { name: 'm' }, options: { x: { y: 1 } } };
  return [noModel, noGrid, noChosen, nested];
}
