import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DataType,
  ModelBuilder,
  OnnxShapeError,
  Value,
  decodeTensorProto,
  inferShapes,
  parseModel,
  serializeModel,
  shapeToString,
  tensorDims,
  tensorValues,
  makeTensor,
  type Model,
} from './index.js';
import { hasShared, ort, readBytes, runOrt, sharedDir, testData } from './test-helpers.js';

const FIXTURES = ['mlp_diabetes', 'mlp_breast_cancer', 'cnn_digits', 'mobilenetv2_digits', 'encoder_sentiment'];
const VARIANTS = ['model.onnx', 'ref/ort_qdq.onnx', 'ref/ort_qop.onnx', 'ref/ort_dynamic.onnx'];
const ORT_TYPES: Record<string, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10 };

/** First `n` samples of a TensorProto batch as an ort.Tensor. */
function firstSamples(path: string, n: number): ort.Tensor {
  const t = decodeTensorProto(readBytes(path));
  const dims = tensorDims(t);
  const per = dims.slice(1).reduce((a, b) => a * b, 1);
  const v = tensorValues(t) as Float32Array | BigInt64Array;
  const type = t.dataType === DataType.INT64 ? 'int64' : 'float32';
  return new ort.Tensor(type, v.slice(0, n * per) as Float32Array, [n, ...dims.slice(1)]);
}

describe('shape inference', () => {
  it('matches ONNX Runtime on every intermediate value of every fixture model', async () => {
    let compared = 0;
    for (const fx of FIXTURES) {
      for (const variant of VARIANTS) {
        const bytes = readBytes(testData(`fixtures/${fx}/${variant}`));
        const m = parseModel(bytes);
        const feeds: Record<string, ort.Tensor> = {};
        const pinned: Record<string, number[]> = {};
        m.graph.feedInputs.forEach((v, k) => {
          feeds[v.name] = firstSamples(testData(`fixtures/${fx}/test/input_${k}.pb`), 2);
          pinned[v.name] = [...feeds[v.name].dims];
        });
        const { types, issues } = inferShapes(m, { inputShapes: pinned, writeValueInfo: false });
        expect(issues).toEqual([]);
        // Expose every node output so ONNX Runtime reports its actual shape.
        const probe = parseModel(bytes);
        const names = probe.graph.nodes.flatMap((n) => n.outputs).filter((o) => o && !probe.graph.isGraphOutput(o));
        for (const name of names) probe.graph.outputs.push(Value.create(name));
        probe.graph.valueInfo = [];
        const out = await runOrt(serializeModel(probe), feeds);
        for (const [name, t] of Object.entries(out)) {
          const inferred = types.get(name);
          expect(inferred, `${fx}/${variant}: ${name}`).toBeDefined();
          expect(shapeToString(inferred!.shape), `${fx}/${variant}: ${name}`).toBe(shapeToString([...t.dims]));
          expect(inferred!.elemType, `${fx}/${variant}: ${name}`).toBe(ORT_TYPES[t.type]);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('keeps symbolic dims through shape arithmetic (agrees with ONNX Runtime symbolic inference)', () => {
    const m = parseModel(readBytes(testData('fixtures/encoder_sentiment/model.onnx')));
    const { types } = inferShapes(m);
    expect(m.graph.outputs[0].shape).toEqual(['batch', 2]);
    // ORT's quant_pre_process ran symbolic shape inference for the reference QDQ model.
    const ref = parseModel(readBytes(testData('fixtures/encoder_sentiment/ref/ort_qdq.onnx')));
    let same = 0;
    for (const v of ref.graph.valueInfo) {
      const ours = types.get(v.name);
      if (!ours || !v.shape) continue;
      expect(ours.shape!.length, v.name).toBe(v.shape.length);
      ours.shape!.forEach((d, i) => {
        const r = v.shape![i];
        if (typeof r === 'number') expect(d, `${v.name}[${i}]`).toBe(r);
        else expect(typeof d, `${v.name}[${i}] (${String(r)})`).toBe('string');
      });
      same++;
    }
    expect(same).toBeGreaterThan(50);
    // value_info written for intermediates, with the symbols.
    expect(m.graph.valueInfo.length).toBeGreaterThan(100);
  });

  it('infers output shapes of ONNX conformance cases to their reference outputs', () => {
    const roots = [testData('onnx-tests/node'), ...(hasShared ? [`${sharedDir}onnx-tests/node`] : [])].filter(existsSync);
    let checked = 0;
    const wrong: string[] = [];
    for (const root of roots) {
      for (const c of readdirSync(root)) {
        if (!existsSync(`${root}/${c}/model.onnx`)) continue;
        const m = parseModel(readBytes(`${root}/${c}/model.onnx`));
        for (const o of m.graph.outputs) o.info.type = undefined; // infer, do not read the declaration
        const { types } = inferShapes(m, { strict: false, writeValueInfo: false, fillOutputs: false });
        m.graph.outputs.forEach((o, k) => {
          const p = `${root}/${c}/test_data_set_0/output_${k}.pb`;
          const t = types.get(o.name);
          if (!existsSync(p) || !t?.shape || !t.elemType || t.shape.some((d) => typeof d !== 'number')) return;
          let ref;
          try {
            ref = decodeTensorProto(readBytes(p));
          } catch {
            return; // sequence/optional outputs are not TensorProtos
          }
          checked++;
          if (shapeToString(t.shape) !== shapeToString(tensorDims(ref)) || t.elemType !== ref.dataType) {
            wrong.push(`${c}[${k}]: inferred ${t.elemType} ${shapeToString(t.shape)}, reference ${ref.dataType} ${shapeToString(tensorDims(ref))}`);
          }
        });
      }
    }
    // Fixture outputs against ONNX Runtime's reference outputs, always available.
    for (const fx of FIXTURES) {
      const m = parseModel(readBytes(testData(`fixtures/${fx}/model.onnx`)));
      const ref = decodeTensorProto(readBytes(testData(`fixtures/${fx}/ref/fp32_output_0.pb`)));
      const input = decodeTensorProto(readBytes(testData(`fixtures/${fx}/test/input_0.pb`)));
      const pinned = Object.fromEntries(m.graph.feedInputs.map((v) => [v.name, [tensorDims(input)[0], ...v.shape!.slice(1)]]));
      const { types } = inferShapes(m, { inputShapes: pinned });
      expect(shapeToString(types.get(m.graph.outputs[0].name)!.shape)).toBe(shapeToString(tensorDims(ref)));
      checked++;
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(FIXTURES.length);
  });

  it('conv and pool output sizes agree with ONNX Runtime across padding modes', async () => {
    const configs = [
      { op: 'Conv', attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 0, 1, 2] } },
      { op: 'Conv', attrs: { kernel_shape: [3, 3], auto_pad: 'SAME_UPPER', strides: [2, 3] } },
      { op: 'Conv', attrs: { kernel_shape: [2, 3], dilations: [2, 1], auto_pad: 'VALID' } },
      { op: 'MaxPool', attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1, pads: [1, 1, 1, 1] } },
      { op: 'AveragePool', attrs: { kernel_shape: [2, 2], strides: [3, 3], ceil_mode: 1 } },
      { op: 'ConvTranspose', attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 0, 0], output_padding: [1, 0] } },
    ];
    for (const c of configs) {
      const b = new ModelBuilder({ opset: 17 });
      b.input('x', 'float32', [1, 2, 7, 9]);
      const inputs = ['x'];
      if (c.op === 'Conv') inputs.push(b.initializer('w', 'float32', [4, 2, c.attrs.kernel_shape[0], c.attrs.kernel_shape[1]]));
      if (c.op === 'ConvTranspose') inputs.push(b.initializer('w', 'float32', [2, 3, 3, 3]));
      const y = b.op(c.op, inputs, c.attrs);
      b.output(y); // type and shape left to inference
      const m: Model = b.build();
      const out = await runOrt(m, { x: new ort.Tensor('float32', new Float32Array(2 * 7 * 9), [1, 2, 7, 9]) });
      expect(shapeToString(m.graph.outputs[0].shape), JSON.stringify(c)).toBe(shapeToString([...out[y].dims]));
    }
  });

  it('reports impossible shapes: strict throws, lenient records', () => {
    const b = new ModelBuilder();
    b.input('a', 'float32', ['N', 3]);
    b.input('b', 'float32', [4, 5]);
    b.output(b.op('MatMul', ['a', 'b']), 'float32');
    expect(() => inferShapes(b.model)).toThrow(OnnxShapeError);
    expect(() => inferShapes(b.model)).toThrow(/inner dimensions differ: 3 vs 4/);
    const r = inferShapes(b.model, { strict: false });
    expect(r.issues.map((i) => i.code)).toEqual(['shape-mismatch']);

    const c = new ModelBuilder();
    c.input('a', 'float32', [2, 3]);
    c.input('b', 'float32', [4, 3]);
    c.output(c.op('Add', ['a', 'b']), 'float32');
    expect(() => inferShapes(c.model)).toThrow(/cannot broadcast dimension 2 with 4/);
  });

  it('resolves Reshape -1 and 0 with symbolic dims', () => {
    const b = new ModelBuilder();
    b.input('x', 'float32', ['B', 'T', 64]);
    b.initializer('s', 'int64', [4], [0, 0, 8, -1]);
    b.initializer('s2', 'int64', [2], [-1, 64]);
    const y = b.op('Reshape', ['x', 's']);
    const z = b.op('Reshape', ['x', 's2']);
    const sh = b.op('Shape', ['x']);
    const first = b.op('Gather', [sh, b.initializer('i0', 'int64', [], [0])]);
    const u = b.op('Unsqueeze', [first, b.initializer('ax', 'int64', [1], [0])]);
    const cat = b.op('Concat', [u, b.initializer('rest', 'int64', [1], [-1])], { axis: 0 });
    const w = b.op('Reshape', ['x', cat]);
    for (const o of [y, z, w]) b.output(o);
    const { types } = inferShapes(b.build());
    expect(types.get(y)!.shape).toEqual(['B', 'T', 8, 8]);
    expect(types.get(z)!.shape).toEqual([undefined, 64]);
    expect(types.get(w)!.shape).toEqual(['B', undefined]);
  });
});

describe('shape inference on hostile models', () => {
  it('stays bounded when declared shapes and values disagree or explode', () => {
    // Concat doubling a small shape tensor 40 times: values stop being tracked past 64 entries.
    const b = new ModelBuilder();
    b.input('x', 'float32', [2, 3]);
    let s = b.op('Shape', ['x']);
    for (let i = 0; i < 40; i++) s = b.op('Concat', [s, s], { axis: 0 });
    b.output(s, 'int64');
    const { types } = inferShapes(b.build({ inferShapes: false }));
    expect(types.get(s)!.shape).toEqual([2 * 2 ** 40]);

    // A Slice over a 2-value Constant whose value_info claims 1e12 elements: the contradiction is
    // reported, and the slice does not walk 1e12 positions.
    const c = new ModelBuilder();
    c.node('Constant', [], ['v'], { value: makeTensor('', 'int64', [2], [5, 6]) });
    c.graph.setValueType('v', DataType.INT64, [1e12]);
    c.initializer('st', 'int64', [1], [0]);
    c.initializer('en', 'int64', [1], [1e12]);
    const sl = c.op('Slice', ['v', 'st', 'en']);
    c.output(sl, 'int64');
    const r = inferShapes(c.build({ inferShapes: false }), { strict: false });
    expect(r.issues.map((i) => i.code)).toEqual(['shape-mismatch']);
    expect(r.types.get(sl)!.shape).toEqual([1e12]);
  });
});
