// float16 conversion end to end: every fixture, with float32 I/O kept and with float16 I/O, passes
// the validator, runs in onnxruntime-node and in Octet's runtime (which lowers float16 to float32
// compute), the two agree within float16 tolerance, and the task metric holds against fp32.
import { describe, expect, it } from 'vitest';
import * as runtime from '@octet/runtime';
import { register } from '@octet/runtime-node';
import * as ortCommon from 'onnxruntime-common';
import { toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { Model, float16BitsToNumber, numberToFloat16Bits, validateModel } from '@octet/onnx';
import { quantize } from '../src/index.js';
import { loadFixture, meetsReference, runOrt, taskMetric } from '../src/test-helpers.js';
import { batches } from '../src/calibration/data.js';
import type { Feeds, HostTensor } from '../src/executor/executor.js';

const NAMES = ['mlp_breast_cancer', 'mlp_diabetes', 'cnn_digits', 'mobilenetv2_digits', 'encoder_sentiment'];

const asFloat32 = (t: HostTensor) => (t.type === 'float16' ? Float32Array.from(t.data as Uint16Array, float16BitsToNumber) : (t.data as Float32Array));

describe.each(NAMES)('%s as float16', (name) => {
  it.each([true, false])('keepIoTypes %s: valid, Octet’s runtime matches onnxruntime-node, metric holds', async (keepIoTypes) => {
    const f = loadFixture(name);
    // The encoder on the whole test set takes minutes on the float32 fallback kernels: first 120 samples.
    if (name === 'encoder_sentiment') await keepFirstSamples(f, 120);
    const { model } = await quantize(f.model, { mode: 'float16', keepIoTypes });
    expect(validateModel(Model.fromProto(model)).map((i) => i.message)).toEqual([]);
    const bytes = toBinary(ModelProtoSchema, model);
    const feeds: Feeds = {};
    for (const [k, t] of Object.entries(f.test)) {
      feeds[k] = t.type === 'float32' && !keepIoTypes ? { type: 'float16', dims: t.dims, data: Uint16Array.from(t.data as Float32Array, numberToFloat16Bits) } : t;
    }
    const viaOrt = await runOrt(bytes, feeds);
    const session = await runtime.createSession(bytes);
    let mine: HostTensor;
    try {
      const out = (await session.run(feeds as never))[session.outputNames[0]];
      mine = { type: out.type, dims: [...out.dims], data: out.data };
    } finally {
      session.dispose();
    }
    expect(mine.type).toBe(keepIoTypes ? 'float32' : 'float16');
    expect(mine.type).toBe(viaOrt.type);
    expect(mine.dims).toEqual(viaOrt.dims);
    const a = asFloat32(viaOrt);
    const b = asFloat32(mine);
    // float16 tolerance: ORT rounds every intermediate to half, Octet only where the model casts.
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1e-2 + 2 ** -9 * Math.abs(a[i])));
    expect(worst, 'largest difference in units of the float16 tolerance').toBeLessThanOrEqual(1);
    const fp32 = taskMetric(f, await runOrt(f.model, f.test));
    for (const m of [taskMetric(f, { ...viaOrt, data: a }), taskMetric(f, { ...mine, data: b })]) {
      expect(meetsReference(f, m, fp32), `${name}: ${m} vs fp32 ${fp32}`).toBe(true);
    }
  });
});

/** Narrows the fixture's test set (inputs and labels) to its first n samples. */
async function keepFirstSamples(f: ReturnType<typeof loadFixture>, n: number) {
  for await (const b of batches(f.test, n, n)) f.test = b;
  const l = f.labels;
  f.labels = { ...l, dims: [n, ...l.dims.slice(1)], data: (l.data as BigInt64Array).slice(0, n) };
}

describe('float16 I/O through onnxruntime-common', () => {
  it('an octet-backed InferenceSession takes and returns float16 tensors (Uint16Array bit patterns)', async () => {
    register(ortCommon as never, { numThreads: 1 });
    const f = loadFixture('cnn_digits');
    const { model } = await quantize(f.model, { mode: 'float16', keepIoTypes: false });
    const bytes = toBinary(ModelProtoSchema, model);
    const x = f.test.x;
    const half = Uint16Array.from(x.data as Float32Array, numberToFloat16Bits);
    const session = await ortCommon.InferenceSession.create(bytes, { executionProviders: ['octet'] });
    expect(session.inputMetadata[0]).toMatchObject({ name: 'x', type: 'float16' });
    const out = (await session.run({ x: new ortCommon.Tensor('float16', half, x.dims) }))[session.outputNames[0]];
    await session.release();
    expect(out.type).toBe('float16');
    expect(out.data).toBeInstanceOf(Uint16Array);
    const viaOrt = await runOrt(bytes, { x: { type: 'float16', dims: x.dims, data: half } });
    const a = asFloat32(viaOrt);
    const b = asFloat32({ type: 'float16', dims: [...out.dims], data: out.data });
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-2 + 2 ** -9 * Math.abs(a[i]));
  });
});
