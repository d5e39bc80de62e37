// 16-bit activations (static QDQ, opset 21): every output passes the validator, runs in
// onnxruntime-node and in Octet's runtime, the two agree, and the metric stays at fp32's level.
import { describe, expect, it } from 'vitest';
import * as runtime from '@octet/runtime';
import { toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { Model, validateModel } from '@octet/onnx';
import { quantize } from '../src/index.js';
import { QUANT_TYPE_ONNX } from '../src/numerics/qtype.js';
import { loadFixture, maxAbsDiff, meetsReference, ortExecutor, runOrt, taskMetric } from '../src/test-helpers.js';

const CASES = ['mlp_breast_cancer', 'mlp_diabetes', 'cnn_digits'].flatMap((name) =>
  (['int16', 'uint16'] as const).flatMap((activationType) => (['int8', 'int16'] as const).map((weightType) => ({ name, activationType, weightType }))),
);

describe('16-bit activations, static QDQ', () => {
  it.each(CASES)('$name: $activationType activations, $weightType weights', async ({ name, activationType, weightType }) => {
    const f = loadFixture(name);
    const { model, report } = await quantize(f.model, { mode: 'static', activationType, weightType, calibration: f.calib, executor: ortExecutor() });
    expect(validateModel(Model.fromProto(model)).map((i) => i.message)).toEqual([]);
    expect(Number(model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')!.version)).toBeGreaterThanOrEqual(21);
    // every activation QuantizeLinear really is 16-bit
    const inits = new Map(model.graph!.initializer.map((t) => [t.name, t]));
    const qs = model.graph!.node.filter((n) => n.opType === 'QuantizeLinear');
    expect(qs.length).toBeGreaterThan(0);
    for (const q of qs) expect(inits.get(q.input[2])!.dataType).toBe(QUANT_TYPE_ONNX[activationType]);
    expect(report.weights.every((w) => w.type === weightType)).toBe(true);

    const bytes = toBinary(ModelProtoSchema, model);
    const viaOrt = await runOrt(bytes, f.test);
    const session = await runtime.createSession(bytes);
    let mine: Float32Array;
    try {
      mine = (await session.run(f.test as never))[session.outputNames[0]].data as Float32Array;
    } finally {
      session.dispose();
    }
    const theirs = viaOrt.data as Float32Array;
    const scale = theirs.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(maxAbsDiff(mine, theirs)).toBeLessThanOrEqual(1e-4 * Math.max(1, scale));
    const fp32 = f.metrics.fp32 as number;
    for (const m of [taskMetric(f, viaOrt), taskMetric(f, { ...viaOrt, data: mine })]) expect(meetsReference(f, m, fp32), `${m} vs fp32 ${fp32}`).toBe(true);
  });
});
