import { describe, expect, it } from 'vitest';
import { makeTensor, tensorToFloat32 } from '@octet/onnx';
import { loadModel } from '@octet/onnx/node';
import { weightDistributions } from './weight-distributions.js';
import { fixture } from './test-helpers.js';

describe('weight distributions for the report', () => {
  it("pairs ONNX Runtime's quantized weights with the float ones and their per-channel grid", () => {
    const float = loadModel(fixture('cnn_digits', 'model.onnx'));
    const q = loadModel(fixture('cnn_digits', 'ref', 'ort_qdq.onnx'));
    const ws = weightDistributions(float, q);
    expect(ws.map((w) => w.tensor)).toEqual(['c1.weight', 'c2.weight', 'f1.weight', 'f2.weight']);
    for (const w of ws) {
      const scales = tensorToFloat32(q.graph.initializers.get(`${w.tensor}_scale`)!);
      expect(w.grid.scale).toBe(scales[w.channel ?? 0]);
      expect([w.grid.qmin, w.grid.qmax]).toEqual([-127, 127]); // symmetric int8: −128 is never used
      // symmetric int8 weights: the widest channel's absmax sits at the grid's end (127 steps)
      const absmax = Math.max(...Array.from(w.values as Float32Array, Math.abs));
      expect(absmax / w.grid.scale).toBeCloseTo(127, 2);
    }
  });

  it('skips weights whose float values do not match the quantized ones', () => {
    const other = loadModel(fixture('mobilenetv2_digits', 'model.onnx'));
    const q = loadModel(fixture('cnn_digits', 'ref', 'ort_qdq.onnx'));
    expect(weightDistributions(other, q)).toEqual([]);
    // the same names with different values: scale the float weights so quantizing them gives other integers
    const float = loadModel(fixture('cnn_digits', 'model.onnx'));
    const t = float.graph.initializers.get('c2.weight')!;
    const scaled = tensorToFloat32(t).map((v) => v * 1.5);
    float.graph.initializers.set('c2.weight', makeTensor('c2.weight', 'float32', t.dims.map(Number), scaled));
    expect(weightDistributions(float, q).map((d) => d.tensor)).toEqual(['c1.weight', 'f1.weight', 'f2.weight']);
  });
});
