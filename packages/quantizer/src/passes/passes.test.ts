import { describe, expect, it } from 'vitest';
import { clone, create } from '@bufbuild/protobuf';
import { FunctionProtoSchema, ModelProtoSchema, OperatorSetIdProtoSchema, AttributeProtoSchema } from 'onnx-buf';
import { makeNode } from '../model/graph.js';
import { floatTensor, int64Tensor } from '../model/tensors.js';
import { buildModel, maxAbsDiff, randn, runModel } from '../test-helpers.js';
import { foldBatchNorm } from './fold-batch-norm.js';
import { fuseMatMulAdd } from './fuse-matmul-add.js';
import { normalizeOpset } from './normalize-opset.js';
import { inlineFunctions } from './inline-functions.js';
import { constantsToInitializers } from './constants-to-initializers.js';
import { foldConstants } from './fold-constants.js';
import { prepare } from './pipeline.js';

const ctx = { mode: 'static' as const };
const x4 = (n: number, c: number, h: number, w: number, seed = 3) => ({ x: { type: 'float32', data: randn(n * c * h * w, seed), dims: [n, c, h, w] } });

describe('fold-batch-norm', () => {
  it('folds BatchNormalization into Conv (with and without a Conv bias) and keeps the outputs', async () => {
    for (const withBias of [true, false]) {
      const m = buildModel({
        inputs: [['x', [2, 3, 6, 6]]],
        outputs: ['y'],
        nodes: [
          makeNode('Conv', ['x', 'w', ...(withBias ? ['b'] : [])], ['c'], { pads: [1, 1, 1, 1] }, 'conv'),
          makeNode('BatchNormalization', ['c', 'g', 'be', 'mu', 'var'], ['y'], { epsilon: { float: 1e-3 } }, 'bn'),
        ],
        inits: [
          floatTensor('w', [4, 3, 3, 3], randn(108, 5, 0.3)),
          floatTensor('b', [4], randn(4, 6)),
          floatTensor('g', [4], Float32Array.of(1.5, 0.5, 2, 0.1)),
          floatTensor('be', [4], randn(4, 7)),
          floatTensor('mu', [4], randn(4, 8)),
          floatTensor('var', [4], Float32Array.of(0.5, 2, 1, 0.01)),
        ],
      });
      const before = await runModel(m, x4(2, 3, 6, 6));
      const r = foldBatchNorm.run(clone(ModelProtoSchema, m), ctx);
      expect(r.changed).toBe(true);
      expect(r.model.graph!.node.map((n) => n.opType)).toEqual(['Conv']);
      expect(maxAbsDiff(before, await runModel(r.model, x4(2, 3, 6, 6)))).toBeLessThan(1e-4);
    }
  });

  it('folds into ConvTranspose (output channels on axis 1)', async () => {
    const m = buildModel({
      inputs: [['x', [1, 3, 4, 4]]],
      outputs: ['y'],
      nodes: [
        makeNode('ConvTranspose', ['x', 'w'], ['c'], { strides: [2, 2] }, 'ct'),
        makeNode('BatchNormalization', ['c', 'g', 'be', 'mu', 'var'], ['y'], {}, 'bn'),
      ],
      inits: [
        floatTensor('w', [3, 2, 3, 3], randn(54, 9, 0.3)),
        floatTensor('g', [2], Float32Array.of(1.5, 0.5)),
        floatTensor('be', [2], Float32Array.of(0.1, -0.2)),
        floatTensor('mu', [2], Float32Array.of(0.3, 0.0)),
        floatTensor('var', [2], Float32Array.of(0.5, 2)),
      ],
    });
    const before = await runModel(m, x4(1, 3, 4, 4));
    const r = foldBatchNorm.run(clone(ModelProtoSchema, m), ctx);
    expect(r.model.graph!.node.map((n) => n.opType)).toEqual(['ConvTranspose']);
    expect(maxAbsDiff(before, await runModel(r.model, x4(1, 3, 4, 4)))).toBeLessThan(1e-4);
  });
});

describe('fuse-matmul-add', () => {
  it('fuses when A is 2-D and keeps 3-D MatMul+Add as is', async () => {
    const m = buildModel({
      inputs: [['x', [5, 2, 4]]],
      outputs: ['y', 'z'],
      nodes: [
        makeNode('Flatten', ['x'], ['f'], { axis: 1 }),
        makeNode('MatMul', ['f', 'w'], ['mm']),
        makeNode('Add', ['mm', 'b'], ['y']),
        makeNode('MatMul', ['x', 'w2'], ['mm2']),
        makeNode('Add', ['b2', 'mm2'], ['z']),
      ],
      inits: [floatTensor('w', [8, 3], randn(24, 2)), floatTensor('b', [3], randn(3, 3)), floatTensor('w2', [4, 3], randn(12, 4)), floatTensor('b2', [3], randn(3, 5))],
    });
    const feeds = { x: { type: 'float32', data: randn(40, 7), dims: [5, 2, 4] } };
    const before = await runModel(m, feeds);
    const r = fuseMatMulAdd.run(clone(ModelProtoSchema, m), ctx);
    expect(r.model.graph!.node.map((n) => n.opType)).toEqual(['Flatten', 'Gemm', 'MatMul', 'Add']);
    expect(maxAbsDiff(before, await runModel(r.model, feeds))).toBeLessThan(1e-5);
  });
});

describe('normalize-opset', () => {
  it('rewrites an opset-10 graph to opset 13 with the same results', async () => {
    const m = buildModel({
      opset: 10,
      inputs: [['x', [2, 3, 4]]],
      outputs: ['y'],
      nodes: [
        makeNode('Clip', ['x'], ['c'], { min: { float: -0.5 }, max: { float: 0.8 } }),
        makeNode('Softmax', ['c'], ['s'], { axis: 1 }), // old semantics: softmax over the flattened 3×4
        makeNode('Dropout', ['s'], ['d'], {}),
        makeNode('Unsqueeze', ['d'], ['u'], { axes: [0] }),
        makeNode('Squeeze', ['u'], ['y'], { axes: [0] }),
      ],
    });
    const feeds = { x: { type: 'float32', data: randn(24, 11), dims: [2, 3, 4] } };
    const before = await runModel(m, feeds);
    const r = normalizeOpset.run(clone(ModelProtoSchema, m), ctx);
    expect(r.changed).toBe(true);
    expect(Number(r.model.opsetImport[0].version)).toBe(13);
    expect(r.model.graph!.node.some((n) => n.attribute.some((a) => a.name === 'axes' || a.name === 'min'))).toBe(false);
    expect(maxAbsDiff(before, await runModel(r.model, feeds))).toBeLessThan(1e-6);
  });
});

describe('inline-functions', () => {
  it('inlines model-local functions (dynamo style) with attribute references', async () => {
    const alphaRef = create(AttributeProtoSchema, { name: 'alpha', refAttrName: 'slope', type: 1 });
    const leaky = makeNode('LeakyRelu', ['t'], ['out']);
    leaky.attribute.push(alphaRef);
    const fn = create(FunctionProtoSchema, {
      name: 'Block',
      domain: 'pkg.local',
      input: ['inp', 'weight'],
      output: ['out'],
      attribute: ['slope'],
      node: [makeNode('MatMul', ['inp', 'weight'], ['t']), leaky],
      opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: 18n })],
    });
    const call = makeNode('Block', ['x', 'w'], ['y'], { slope: { float: 0.2 } }, 'block0', 'pkg.local');
    const m = buildModel({ opset: 18, inputs: [['x', [3, 4]]], outputs: ['y'], nodes: [call], inits: [floatTensor('w', [4, 5], randn(20, 1))], functions: [fn], extraOpsets: [['pkg.local', 1]] });
    const feeds = { x: { type: 'float32', data: randn(12, 2), dims: [3, 4] } };
    const before = await runModel(m, feeds);
    const r = inlineFunctions.run(clone(ModelProtoSchema, m), ctx);
    expect(r.model.graph!.node.map((n) => n.opType)).toEqual(['MatMul', 'LeakyRelu']);
    expect(r.model.functions.length).toBe(0);
    expect(maxAbsDiff(before, await runModel(r.model, feeds))).toBeLessThan(1e-6);
  });
});

describe('constant folding', () => {
  it('turns Constant nodes into initializers and folds weight transposes', async () => {
    const wT = floatTensor('wt', [3, 4], randn(12, 4));
    const m = buildModel({
      inputs: [['x', [2, 4]]],
      outputs: ['y'],
      nodes: [
        makeNode('Constant', [], ['shape'], { value: int64Tensor('', [2], [4, 3]) }),
        makeNode('Transpose', ['wt'], ['w'], { perm: [1, 0] }),
        makeNode('Reshape', ['w', 'shape'], ['w2']),
        makeNode('MatMul', ['x', 'w2'], ['y']),
      ],
      inits: [wT],
    });
    const feeds = { x: { type: 'float32', data: randn(8, 5), dims: [2, 4] } };
    const before = await runModel(m, feeds);
    let mm = constantsToInitializers.run(clone(ModelProtoSchema, m), ctx).model;
    mm = foldConstants.run(mm, ctx).model;
    mm = foldConstants.run(mm, ctx).model;
    expect(mm.graph!.node.map((n) => n.opType)).toEqual(['MatMul']);
    expect(maxAbsDiff(before, await runModel(mm, feeds))).toBe(0);
    const p = prepare(clone(ModelProtoSchema, m), ctx);
    expect(p.model.graph!.node.map((n) => n.opType)).toEqual(['MatMul']);
  });
});
