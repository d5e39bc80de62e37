// ORT-quantized fixture variants (QDQ, QOperator, dynamic) against ONNX Runtime 1.30's outputs:
// ≥ 99.9 % of outputs within one quantization step — the scale of the model's final
// DequantizeLinear, or for dynamic models (float outputs, per-run scales) the step
// DynamicQuantizeLinear would give the reference output — the task metric within 0.5 points of
// ORT's, and QDQ models compiled onto integer ops (no float Conv/MatMul/Gemm left).
import { loadKernels, type Kernels } from '@octet/kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/index.js';
import { fixtureNames, taskMetric } from '../fixtures.js';
import { compiledNodes, compiledOps, graphOf, loadQuantizedFixture, matchRate, outputStep, runInSlices, VARIANTS } from './quantized-fixtures.js';

let kernels: Kernels;
beforeAll(async () => {
  kernels = await loadKernels();
});
afterAll(async () => {
  await kernels.dispose();
});

/** The uint8 step DynamicQuantizeLinear would choose for x: (max(0, max x) − min(0, min x)) / 255. */
function dynamicStep(x: Float32Array): number {
  let lo = 0;
  let hi = 0;
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return (hi - lo) / 255;
}

function metricPoints(metric: 'accuracy' | 'rmse', a: number, b: number): number {
  // Accuracy in percentage points; RMSE in its own units.
  return metric === 'accuracy' ? Math.abs(a - b) * 100 : Math.abs(a - b);
}

async function check(name: string, variant: (typeof VARIANTS)[number], withKernels: boolean) {
  const f = loadQuantizedFixture(name, variant);
  const staticStep = outputStep(graphOf(f.model));
  if (variant !== 'ort_dynamic') expect(staticStep).toBeGreaterThan(0);
  const step = staticStep ?? dynamicStep(f.reference.data as Float32Array);
  const s = await createSession(f.model, withKernels ? { kernels } : {});
  const out = await runInSlices(s, f);
  s.dispose();
  expect(out.dims).toEqual(f.reference.dims);
  const o = out.data as Float32Array;
  const r = f.reference.data as Float32Array;
  const rate = matchRate(o, r, step);
  const metric = taskMetric(f.metric, o, out.dims, f.labels);
  console.log(`${name} ${variant}${withKernels ? '' : ' (TypeScript path)'}: ${(rate * 100).toFixed(2)} % within one ${staticStep === undefined ? 'dynamic ' : ''}step (${step.toPrecision(4)}); ${f.metric} ${metric.toFixed(4)} vs ORT ${f.ortMetric.toFixed(4)}`);
  expect(rate).toBeGreaterThanOrEqual(0.999);
  expect(metricPoints(f.metric, metric, f.ortMetric)).toBeLessThanOrEqual(0.5);
}

describe('ORT-quantized fixtures match ONNX Runtime 1.30 (WASM kernels)', () => {
  for (const name of fixtureNames()) {
    for (const variant of VARIANTS) {
      it(`${name} ${variant}`, () => check(name, variant, true));
    }
  }
});

describe('ORT-quantized fixtures on the TypeScript path (no kernels)', () => {
  for (const name of ['mlp_diabetes', 'mlp_breast_cancer', 'cnn_digits']) {
    for (const variant of VARIANTS) {
      it(`${name} ${variant}`, () => check(name, variant, false));
    }
  }
});

describe('QDQ models compile onto integer ops', () => {
  const FLOAT_COMPUTE = new Set(['Conv', 'MatMul', 'Gemm', 'AveragePool', 'GlobalAveragePool']);
  for (const name of fixtureNames()) {
    it(name, () => {
      const f = loadQuantizedFixture(name, 'ort_qdq');
      const before = graphOf(f.model).nodes.filter((n) => FLOAT_COMPUTE.has(n.opType)).length;
      const ops = compiledOps(f.model);
      const fused = ops.filter((o) => o.startsWith('ai.octet:'));
      console.log(`${name}: ${before} float compute nodes → ${fused.length} fused integer ops; left: ${[...new Set(ops)].join(', ')}`);
      expect(before).toBeGreaterThan(0);
      expect(ops.filter((o) => FLOAT_COMPUTE.has(o))).toEqual([]);
      expect(fused.length).toBeGreaterThanOrEqual(before);
    });
  }
});

describe('dynamic models fuse MatMulInteger → Cast → Mul into MatMulIntegerToFloat, and DynamicQuantizeLinear with it into DynamicQuantizeMatMul', () => {
  for (const name of fixtureNames()) {
    it(name, () => {
      const f = loadQuantizedFixture(name, 'ort_dynamic');
      const before = graphOf(f.model).nodes.filter((n) => n.opType === 'MatMulInteger').length;
      const nodes = compiledNodes(f.model);
      const ops = nodes.map((n) => `${n.domain}:${n.opType}`);
      expect(before).toBeGreaterThan(0);
      expect(ops.filter((o) => o === ':MatMulInteger')).toEqual([]);
      // every matmul is still there, as a MatMulIntegerToFloat or one output of a DynamicQuantizeMatMul
      const mmitf = ops.filter((o) => o === 'ai.octet:MatMulIntegerToFloat').length;
      const dqmm = nodes.filter((n) => n.domain === 'ai.octet' && n.opType === 'DynamicQuantizeMatMul');
      expect(mmitf + dqmm.reduce((s, n) => s + n.outputs.length, 0)).toBe(before);
      // a DynamicQuantizeLinear is left only where something other than those matmuls reads it
      for (const n of nodes.filter((x) => x.opType === 'DynamicQuantizeLinear')) {
        expect(nodes.some((c) => c.opType !== 'MatMulIntegerToFloat' && c.inputs.some((i) => n.outputs.includes(i))), n.name).toBe(true);
      }
    });
  }
});

describe('quantized sessions give their WASM memory back on dispose', () => {
  for (const [name, variant] of [['mobilenetv2_digits', 'ort_qdq'], ['encoder_sentiment', 'ort_qop'], ['encoder_sentiment', 'ort_dynamic']] as const) {
    it(`${name} ${variant}`, async () => {
      const f = loadQuantizedFixture(name, variant);
      const before = kernels.heap.allocated;
      const s = await createSession(f.model, { kernels });
      await runInSlices(s, { ...f, inputs: f.inputs.map((t) => ({ ...t, dims: [8, ...t.dims.slice(1)], data: t.data.slice(0, (t.data.length / t.dims[0]) * 8) })) });
      expect(kernels.heap.allocated).toBeGreaterThan(before);
      s.dispose();
      expect(kernels.heap.allocated).toBe(before);
    });
  }
});
