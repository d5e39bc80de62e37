import { loadKernels } from '@octet/kernels';
import { describe, expect, it } from 'vitest';
import { createSession } from '../src/index.js';
import { feedsOf, fixtureNames, loadFixture, maxRelativeError, taskMetric } from './fixtures.js';

const kernels = await loadKernels({ variant: 'simd' });

describe('fp32 fixtures match ONNX Runtime 1.30 (WASM kernels)', () => {
  const names = fixtureNames();
  it('finds the fixtures', () => {
    expect(names).toEqual(['cnn_digits', 'encoder_sentiment', 'mlp_breast_cancer', 'mlp_diabetes', 'mobilenetv2_digits']);
  });
  for (const name of names) {
    it(name, async () => {
      const f = loadFixture(name);
      const s = await createSession(f.model, { kernels });
      const out = (await s.run(feedsOf(f)))[s.outputNames[0]];
      expect(out.dims).toEqual(f.reference.dims);
      const err = maxRelativeError(out.data as Float32Array, f.reference.data as Float32Array);
      console.log(`${name}: max relative error ${err.toExponential(2)}`);
      expect(err).toBeLessThan(1e-4);
      const metric = taskMetric(f.metrics.metric, out.data as Float32Array, out.dims, f.labels);
      // The reference metric was computed in float32; 1e-5 relative covers that rounding only.
      expect(Math.abs(metric - f.metrics.fp32)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(f.metrics.fp32)));
      s.dispose();
    });
  }
});
