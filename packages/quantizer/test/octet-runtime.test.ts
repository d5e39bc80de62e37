// Octet's own runtime: calibration through createOctetExecutor, and every quantized form it runs
// (QDQ, QOperator, dynamic, weight-only) scored with it. float16 models (run by the runtime's
// float16 lowering) are checked against onnxruntime-node in float16.test.ts.
import { describe, expect, it } from 'vitest';
import * as runtime from '@octet/runtime';
import { toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { quantize, createOctetExecutor, type OctetRuntimeLike, type QuantizeOptions } from '../src/index.js';
import { loadFixture, meetsReference, ortExecutor, runOrt, taskMetric } from '../src/test-helpers.js';
import { batches } from '../src/calibration/data.js';
import type { Feeds } from '../src/executor/executor.js';

const octet = createOctetExecutor(runtime as unknown as OctetRuntimeLike);

async function scoreOnOctet(name: string, opts: QuantizeOptions) {
  const f = loadFixture(name);
  const { model } = await quantize(f.model, { calibration: f.calib, executor: ortExecutor(), ...opts });
  const session = await runtime.createSession(toBinary(ModelProtoSchema, model));
  try {
    const out = await session.run(f.test as never);
    return { f, metric: taskMetric(f, out[session.outputNames[0]] as never) };
  } finally {
    session.dispose();
  }
}

const CASES: [string, string, QuantizeOptions][] = [
  ['static QDQ', 'ort_qdq', { mode: 'static' }],
  ['static QOperator', 'ort_qop', { mode: 'static', format: 'qoperator', perChannel: false }],
  ['dynamic', 'ort_dynamic', { mode: 'dynamic' }],
  ['dynamic per-channel', 'ort_dynamic', { mode: 'dynamic', perChannel: true }],
  ['weight-only int8', 'fp32', { mode: 'weight-only', bits: 8 }],
];

// dynamic per-channel is the ConvInteger path: checked on the models with Conv.
const HAS_CONV = new Set(['cnn_digits', 'mobilenetv2_digits']);
describe.each(['mlp_diabetes', 'cnn_digits'])('%s on Octet’s runtime', (name) => {
  it.each(CASES.filter(([label]) => label !== 'dynamic per-channel' || HAS_CONV.has(name)))('%s output runs and keeps the metric', async (_label, ref, opts) => {
    const { f, metric } = await scoreOnOctet(name, opts);
    expect(meetsReference(f, metric, f.metrics[ref] as number), `${metric} vs ${f.metrics[ref]}`).toBe(true);
  });
});

// The larger models on a slice of the test set: Octet's runtime must agree with onnxruntime-node
// running the same quantized model.
const LARGE: Record<string, string[]> = {
  mobilenetv2_digits: ['static QDQ', 'static QOperator', 'dynamic per-channel'],
  encoder_sentiment: ['static QDQ', 'static QOperator', 'dynamic'],
};
describe.each(Object.keys(LARGE))('%s on Octet’s runtime (first 48 test samples)', (name) => {
  it.each(CASES.filter(([label]) => LARGE[name].includes(label)))('%s output runs and agrees with onnxruntime-node', async (_label, _ref, opts) => {
    const f = loadFixture(name);
    const { model } = await quantize(f.model, { calibration: f.calib, executor: ortExecutor(), ...opts });
    const bytes = toBinary(ModelProtoSchema, model);
    let feeds: Feeds = {};
    for await (const b of batches(f.test, 48, 48)) feeds = b;
    const viaOrt = (await runOrt(bytes, feeds)).data as Float32Array;
    const session = await runtime.createSession(bytes);
    try {
      const out = await session.run(feeds as never);
      const mine = out[session.outputNames[0]].data as Float32Array;
      const classes = viaOrt.length / 48;
      let agree = 0;
      for (let i = 0; i < 48; i++) {
        const arg = (y: Float32Array) => {
          let best = 0;
          for (let c = 1; c < classes; c++) if (y[i * classes + c] > y[i * classes + best]) best = c;
          return best;
        };
        if (arg(mine) === arg(viaOrt)) agree++;
      }
      expect(agree).toBeGreaterThanOrEqual(46);
    } finally {
      session.dispose();
    }
  });
});

describe('calibration on Octet’s runtime', () => {
  it.each(['mlp_breast_cancer', 'cnn_digits'])('%s: ranges match the onnxruntime-node calibration', async (name) => {
    const f = loadFixture(name);
    const viaOrt = await quantize(f.model, { mode: 'static', calibration: f.calib, executor: ortExecutor(), autoFallback: false });
    const viaOctet = await quantize(f.model, { mode: 'static', calibration: f.calib, executor: octet, autoFallback: false });
    const a = new Map(viaOrt.report.activations.map((x) => [x.tensor, x]));
    expect(viaOctet.report.activations.length).toBe(a.size);
    for (const x of viaOctet.report.activations) {
      const y = a.get(x.tensor)!;
      expect(Math.abs(x.min - y.min)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(y.min)));
      expect(Math.abs(x.max - y.max)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(y.max)));
    }
  });
});
