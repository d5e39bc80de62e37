// Per-layer error, sensitivity and accuracy-driven mixed precision on the bundled fixtures, with
// onnxruntime-node as the executor and as the independent judge of the task metric.
import { describe, expect, it } from 'vitest';
import { toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { quantize } from '../quantize.js';
import { SUPPORTED_STATIC_OPS } from '../modes/op-classes.js';
import { loadFixture, ortExecutor, runOrt, taskMetric } from '../test-helpers.js';
import { compareLayers } from './compare-layers.js';
import { ErrorStats } from './error-stats.js';
import { layerSensitivity } from './layer-sensitivity.js';
import { quantizeToTarget } from './mixed-precision.js';

describe('ErrorStats', () => {
  it('computes SQNR, cosine and max error like the formulas', () => {
    const s = new ErrorStats();
    s.add([1, 2, 3, 4], [1, 2, 3, 5]);
    const e = s.summary();
    expect(e.sqnrDb).toBeCloseTo(10 * Math.log10(30 / 1), 10);
    expect(e.cosine).toBeCloseTo((1 + 4 + 9 + 20) / Math.sqrt(30 * 39), 10);
    expect(e.maxAbsError).toBe(1);
    expect(e.elements).toBe(4);
    const same = new ErrorStats();
    same.add([1, -2], [1, -2]);
    expect(same.summary().sqnrDb).toBe(Infinity);
    expect(same.summary().cosine).toBeCloseTo(1, 12);
  });
});

describe('compareLayers', () => {
  it('ranks every compute activation of cnn_digits, worst first, for QDQ and QOperator', async () => {
    const f = loadFixture('cnn_digits');
    for (const format of ['qdq', 'qoperator'] as const) {
      const { model } = await quantize(f.model, { calibration: f.calib, executor: ortExecutor(), format });
      const rows = await compareLayers(f.model, model, f.test, { executor: ortExecutor(), maxSamples: 64 });
      expect(rows.length).toBeGreaterThanOrEqual(4);
      for (let i = 1; i < rows.length; i++) expect(rows[i].sqnrDb).toBeGreaterThanOrEqual(rows[i - 1].sqnrDb);
      for (const r of rows) {
        expect(r.cosine).toBeGreaterThan(0.99);
        expect(r.cosine).toBeLessThanOrEqual(1);
        expect(Number.isFinite(r.maxAbsError)).toBe(true);
      }
      // int8 keeps the digits classifier's logits close to float
      const logits = rows.find((r) => r.opType === 'Gemm' && r.elements === 64 * 10);
      expect(logits?.cosine).toBeGreaterThan(0.99);
      if (format === 'qoperator') expect(rows.some((r) => r.match === 'dequantized')).toBe(true);
    }
  });

  it('agrees with an independent comparison of the model outputs', async () => {
    const f = loadFixture('mlp_diabetes');
    const { model } = await quantize(f.model, { calibration: f.calib, executor: ortExecutor() });
    const rows = await compareLayers(f.model, model, f.test, { executor: ortExecutor(), maxSamples: 1e9, batchSize: 1e9 });
    const fo = await runOrt(f.model, f.test);
    const qo = await runOrt(toBinary(ModelProtoSchema, model), f.test);
    let sig = 0;
    let noise = 0;
    const a = fo.data as Float32Array;
    const b = qo.data as Float32Array;
    for (let i = 0; i < a.length; i++) {
      sig += a[i] * a[i];
      noise += (a[i] - b[i]) ** 2;
    }
    const outName = rows.find((r) => r.elements === a.length && Math.abs(r.sqnrDb - 10 * Math.log10(sig / noise)) < 1e-3);
    expect(outName, JSON.stringify(rows.map((r) => [r.tensor, r.sqnrDb]))).toBeDefined();
  });

  it('rejects a model that is not a quantization of the first', async () => {
    const a = loadFixture('mlp_diabetes');
    const b = loadFixture('encoder_sentiment');
    await expect(compareLayers(a.model, b.model, a.test, { executor: ortExecutor() })).rejects.toThrow(/no input/);
  });
});

describe('encoder_sentiment', () => {
  const f = loadFixture('encoder_sentiment');
  const accuracy = async (bytes: Uint8Array) => taskMetric(f, await runOrt(bytes, f.test));

  it('ranks layers by sensitivity', async () => {
    const s = await layerSensitivity(f.model, { calibration: f.calib, executor: ortExecutor(), autoFallback: false });
    expect(s.layers.length).toBeGreaterThan(4);
    for (let i = 1; i < s.layers.length; i++) expect(s.layers[i].gainDb).toBeLessThanOrEqual(s.layers[i - 1].gainDb);
    expect(s.layers[0].gainDb).toBeGreaterThan(0);
  }, 300_000);

  // Quantizing every supported op (Softmax, LayerNormalization, … as ONNX Runtime's quantizer
  // does) without the automatic fallback loses 7.5 points here: the search has to earn them back.
  it('--target-drop 0.01 stays within a point of float accuracy with under a quarter of the layers in float', async () => {
    const floatAcc = await accuracy(f.model);
    const r = await quantizeToTarget(f.model, {
      calibration: f.calib,
      executor: ortExecutor(),
      autoFallback: false,
      opTypes: [...SUPPORTED_STATIC_OPS],
      evaluate: accuracy,
      higherIsBetter: true,
      targetDrop: 0.01,
    });
    const acc = await accuracy(toBinary(ModelProtoSchema, r.model));
    expect(r.tuning.floatMetric).toBeCloseTo(floatAcc, 12);
    expect(acc).toBeCloseTo(r.tuning.metric, 12);
    expect(floatAcc - acc).toBeLessThanOrEqual(0.01 + 1e-9);
    expect(r.tuning.met).toBe(true);
    expect(r.tuning.kept.length).toBeLessThan(r.tuning.quantizableLayers / 4);
    // the fully quantized model did need tuning (else this test proves nothing)
    expect(r.tuning.steps[0].passed).toBe(false);
    expect(r.report.quantizedNodes.length).toBeGreaterThan(0);
    for (const k of r.tuning.kept) expect(r.report.quantizedNodes).not.toContain(k.node);
  }, 600_000);
});

describe('quantizeToTarget', () => {
  const f = loadFixture('mlp_diabetes');
  const rmse = async (bytes: Uint8Array) => taskMetric(f, await runOrt(bytes, f.test));

  it('stops at the fully quantized model when it already meets the target', async () => {
    const r = await quantizeToTarget(f.model, { calibration: f.calib, executor: ortExecutor(), evaluate: rmse, higherIsBetter: false, targetDrop: 5 });
    expect(r.tuning.met).toBe(true);
    expect(r.tuning.kept).toEqual([]);
    expect(r.tuning.steps).toHaveLength(1);
    expect(r.tuning.evaluations).toBe(2);
    expect(r.tuning.metric).toBeCloseTo(await rmse(toBinary(ModelProtoSchema, r.model)), 9);
  });

  it('reports an unreachable target instead of pretending', async () => {
    // only the float model itself scores 0: no quantization can meet a zero drop
    const floatBytes = new Set<number>();
    const r = await quantizeToTarget(f.model, {
      calibration: f.calib,
      executor: ortExecutor(),
      evaluate: async (bytes) => {
        if (floatBytes.size === 0) floatBytes.add(bytes.length);
        return floatBytes.has(bytes.length) ? 0 : 1;
      },
      higherIsBetter: false,
      targetDrop: 0,
    });
    expect(r.tuning.met).toBe(false);
    expect(r.report.warnings.join('\n')).toMatch(/target drop 0 not met/);
  });

  it('rejects a negative target', async () => {
    await expect(quantizeToTarget(f.model, { calibration: f.calib, executor: ortExecutor(), evaluate: rmse, higherIsBetter: false, targetDrop: -1 })).rejects.toThrow(/targetDrop/);
  });
});
