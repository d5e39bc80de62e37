import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { ModelBuilder, Node, OnnxValidationError, SparseTensorProtoSchema, assertValid, makeTensor, parseModel, validateModel } from './index.js';
import { readBytes, testData } from './test-helpers.js';

function small() {
  const b = new ModelBuilder({ opset: 17 });
  b.input('x', 'float32', ['N', 4]);
  b.initializer('w', 'float32', [4, 3]);
  const y = b.op('MatMul', ['x', 'w']);
  const z = b.op('Relu', [y]);
  b.output(z, 'float32', ['N', 3]);
  return { b, y, z };
}

const codes = (m: Parameters<typeof validateModel>[0]) => validateModel(m).map((i) => i.code);

describe('validator', () => {
  it('accepts every fixture model and its reference quantizations', () => {
    for (const fx of ['mlp_diabetes', 'mlp_breast_cancer', 'cnn_digits', 'mobilenetv2_digits', 'encoder_sentiment']) {
      for (const v of ['model.onnx', 'ref/ort_qdq.onnx', 'ref/ort_qop.onnx', 'ref/ort_dynamic.onnx']) {
        expect(validateModel(parseModel(readBytes(testData(`fixtures/${fx}/${v}`)))), `${fx}/${v}`).toEqual([]);
      }
    }
    expect(codes(small().b.build())).toEqual([]);
  });

  it('counts sparse initializers as defined values', () => {
    const b = new ModelBuilder({ opset: 17 });
    b.input('x', 'float32', [4]);
    b.output(b.op('Add', ['x', 'sp']), 'float32', [4]);
    expect(codes(b.model)).toContain('dangling-input');
    b.graph.proto.sparseInitializer.push(
      create(SparseTensorProtoSchema, { values: makeTensor('sp', 'float32', [1], [2]), indices: makeTensor('sp_i', 'int64', [1], [0]), dims: [4n] }),
    );
    b.graph.invalidate();
    expect(validateModel(b.model, { types: false })).toEqual([]);
  });

  it('finds dangling inputs', () => {
    const { b } = small();
    b.graph.nodes[1].inputs[0] = 'nowhere';
    b.graph.invalidate();
    expect(codes(b.model)).toContain('dangling-input');
    expect(() => assertValid(b.model)).toThrow(OnnxValidationError);
    expect(() => assertValid(b.model)).toThrow(/input 'nowhere' of Relu/);
  });

  it('finds duplicate outputs (node vs node, node vs initializer)', () => {
    const { b, y } = small();
    b.graph.nodes.push(Node.create('Neg', ['x'], [y])); // bypass addNode's own check
    b.graph.invalidate();
    expect(codes(b.model)).toContain('duplicate-output');
    const c = small();
    c.b.graph.nodes[0].outputs[0] = 'w';
    c.b.graph.nodes[1].inputs[0] = 'w';
    c.b.graph.invalidate();
    expect(codes(c.b.model)).toContain('duplicate-output');
  });

  it('finds cycles and unsorted graphs', () => {
    const { b, z } = small();
    b.graph.nodes[0].inputs[0] = z;
    b.graph.invalidate();
    expect(codes(b.model)).toContain('cycle');
    const c = small();
    c.b.graph.nodes.reverse();
    c.b.graph.invalidate();
    expect(codes(c.b.model)).toEqual(['not-topologically-sorted']);
    c.b.graph.sortTopologically();
    expect(codes(c.b.model)).toEqual([]);
  });

  it('finds type mismatches on known ops', () => {
    const b = new ModelBuilder({ opset: 17 });
    b.input('x', 'float32', [2, 4]);
    b.initializer('w', 'int8', [4, 3]);
    b.output(b.op('MatMul', ['x', 'w']), 'float32');
    const issues = validateModel(b.model);
    expect(issues.map((i) => i.code)).toEqual(['type-mismatch']);
    expect(issues[0].message).toMatch(/different element types \(1 vs 3\)/);

    const q = new ModelBuilder({ opset: 17 });
    q.input('a', 'uint8', [2, 4]);
    q.initializer('s', 'float32', [], [0.1]);
    q.initializer('za', 'int8', [], [0]); // zero point type must match a's type
    q.initializer('b', 'int8', [4, 2]);
    q.initializer('zb', 'int8', [], [0]);
    q.initializer('zy', 'uint8', [], [0]);
    q.output(q.op('QLinearMatMul', ['a', 's', 'za', 'b', 's', 'zb', 's', 'zy']), 'uint8');
    expect(codes(q.model)).toEqual(['type-mismatch']);

    const g = new ModelBuilder({ opset: 17 });
    g.input('x', 'float32', [3]);
    g.initializer('i', 'float32', [1], [0]);
    g.output(g.op('Gather', ['x', 'i']), 'float32');
    expect(codes(g.model)).toEqual(['type-mismatch']);
  });

  it('finds missing outputs, missing opsets and subgraph scoping errors', () => {
    const { b } = small();
    b.graph.outputs[0].name = 'ghost';
    expect(codes(b.model)).toContain('missing-output');

    const c = small();
    c.b.node('Gelu', ['x'], ['g'], {}, 'com.microsoft');
    expect(codes(c.b.model)).toContain('missing-opset');

    const d = new ModelBuilder({ opset: 17 });
    d.input('c', 'bool', []);
    d.input('x', 'float32', [2]);
    const t = d.subgraph('then');
    t.node('Neg', ['x'], ['t']);
    t.output('t', 'float32', [2]);
    const e = d.subgraph('else');
    e.node('Abs', ['undefined_outer'], ['e']);
    e.output('e', 'float32', [2]);
    d.node('If', ['c'], ['y'], { then_branch: t.graph, else_branch: e.graph });
    d.output('y', 'float32', [2]);
    const issues = validateModel(d.model);
    expect(issues.map((i) => i.code)).toEqual(['dangling-input']);
    expect(issues[0].where).toMatch(/else_branch/);
  });
});
