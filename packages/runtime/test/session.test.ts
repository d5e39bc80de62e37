import { describe, expect, it } from 'vitest';
import {
  createSession,
  FeedShapeError,
  FeedTypeError,
  MissingFeedError,
  NodeExecutionError,
  SessionDisposedError,
  UnknownFeedError,
  UnsupportedOperatorError,
  type GraphNode,
  type RuntimeGraph,
} from '../src/index.js';

const node = (opType: string, inputs: string[], outputs: string[], attrs: GraphNode['attributes'] = new Map(), domain = ''): GraphNode => ({
  name: `${opType}_${outputs[0]}`,
  opType,
  domain,
  inputs,
  outputs,
  attributes: attrs,
});

/** y = Relu(x · W + b) reshaped by a runtime `shape` input, plus z = Gather(table, idx). */
function graph(extra: GraphNode[] = []): RuntimeGraph {
  return {
    opsets: new Map([['', 17]]),
    inputs: [
      { name: 'x', dtype: 'float32', elemType: 1, dims: ['batch', 3] },
      { name: 'idx', dtype: 'int64', elemType: 7, dims: [2] },
    ],
    outputs: [
      { name: 'y', dtype: 'float32', elemType: 1, dims: ['batch', 2] },
      { name: 'z', dtype: 'float32', elemType: 1, dims: [2] },
    ],
    initializers: new Map([
      ['W', { dtype: 'float32', dims: [3, 2], data: Float32Array.from([1, -1, 2, 0.5, -3, 1]) }],
      ['b', { dtype: 'float32', dims: [2], data: Float32Array.from([0.5, -0.5]) }],
      ['table', { dtype: 'float32', dims: [4], data: Float32Array.from([10, 20, 30, 40]) }],
    ]),
    nodes: [
      node('MatMul', ['x', 'W'], ['xw']),
      node('Add', ['xw', 'b'], ['pre']),
      node('Relu', ['pre'], ['y']),
      node('Gather', ['table', 'idx'], ['z']),
      ...extra,
    ],
  };
}

const x = (rows: number[][]) => ({ type: 'float32' as const, dims: [rows.length, 3], data: Float32Array.from(rows.flat()) });
const idx = (v: number[]) => ({ type: 'int64' as const, dims: [v.length], data: BigInt64Array.from(v.map(BigInt)) });

function expected(rows: number[][]): number[] {
  const W = [[1, -1], [2, 0.5], [-3, 1]];
  return rows.flatMap((r) => [0, 1].map((j) => Math.max(0, r[0] * W[0][j] + r[1] * W[1][j] + r[2] * W[2][j] + [0.5, -0.5][j])));
}

describe('session', () => {
  it('runs, lists inputs/outputs with metadata, and re-plans for a new batch size', async () => {
    const s = await createSession(graph());
    expect(s.inputNames).toEqual(['x', 'idx']);
    expect(s.outputNames).toEqual(['y', 'z']);
    expect(s.inputMetadata[0]).toEqual({ name: 'x', isTensor: true, type: 'float32', shape: ['batch', 3] });
    const a = [[1, 2, 3], [-1, 0.5, 0]];
    for (let i = 0; i < 3; i++) {
      const out = await s.run({ x: x(a), idx: idx([3, 0]) });
      expect(out.y.dims).toEqual([2, 2]);
      expect([...out.y.data]).toEqual(expected(a).map(Math.fround));
      expect([...out.z.data]).toEqual([40, 10]);
    }
    expect(s.plansBuilt).toBe(1); // compiled once, replayed for the same shapes
    const b = [[0, 1, 0], [2, 2, 2], [1, 0, -1]];
    const out = s.runSync({ x: x(b), idx: idx([1, 2]) }, { outputs: ['y'] });
    expect(s.plansBuilt).toBe(2);
    expect(Object.keys(out)).toEqual(['y']);
    expect([...out.y.data]).toEqual(expected(b).map(Math.fround));
  });

  it('returns outputs the next run does not overwrite', async () => {
    const s = await createSession(graph());
    const first = await s.run({ x: x([[1, 1, 1]]), idx: idx([0, 1]) });
    const copy = [...first.y.data];
    await s.run({ x: x([[5, 5, 5]]), idx: idx([0, 1]) });
    await s.run({ x: x([[7, 5, 5]]), idx: idx([0, 1]) });
    expect([...first.y.data]).toEqual(copy);
  });

  it('rejects bad feeds with typed errors naming the input', async () => {
    const s = await createSession(graph());
    await expect(s.run({ x: x([[1, 2, 3]]) })).rejects.toThrow(MissingFeedError);
    await expect(s.run({ x: x([[1, 2, 3]]), idx: idx([0, 0]), extra: idx([1]) })).rejects.toThrow(UnknownFeedError);
    await expect(s.run({ x: { type: 'float64', dims: [1, 3], data: new Float64Array(3) } as never, idx: idx([0, 0]) })).rejects.toThrow(FeedTypeError);
    await expect(s.run({ x: { type: 'float32', dims: [1, 3], data: new Float64Array(3) } as never, idx: idx([0, 0]) })).rejects.toThrow(FeedTypeError);
    await expect(s.run({ x: { type: 'float32', dims: [1, 4], data: new Float32Array(4) }, idx: idx([0, 0]) })).rejects.toThrow(/dimension 1 is 4, the model expects 3/);
    await expect(s.run({ x: { type: 'float32', dims: [3], data: new Float32Array(3) }, idx: idx([0, 0]) })).rejects.toThrow(FeedShapeError);
    await expect(s.run({ x: { type: 'float32', dims: [2, 3], data: new Float32Array(3) }, idx: idx([0, 0]) })).rejects.toThrow(/data has 3 elements/);
  });

  it('reports a failing node and stays usable afterwards', async () => {
    const s = await createSession(graph());
    await s.run({ x: x([[1, 2, 3]]), idx: idx([0, 1]) });
    const err = await s.run({ x: x([[1, 2, 3]]), idx: idx([0, 9]) }).catch((e) => e);
    expect(err).toBeInstanceOf(NodeExecutionError);
    expect(err.nodeName).toBe('Gather_z');
    expect(err.message).toMatch(/index 9 out of range/);
    const out = await s.run({ x: x([[1, 2, 3]]), idx: idx([2, -1]) });
    expect([...out.z.data]).toEqual([30, 40]);
    expect([...out.y.data]).toEqual(expected([[1, 2, 3]]).map(Math.fround));
  });

  it('lists every unsupported node at creation with name, op type, domain and opset', async () => {
    const g = graph([node('FancyOp', ['y'], ['q']), node('Inverse', ['y'], ['r'], new Map(), 'com.microsoft')]);
    g.opsets.set('com.microsoft', 1);
    const err = await createSession(g).catch((e) => e);
    expect(err).toBeInstanceOf(UnsupportedOperatorError);
    expect(err.nodes).toEqual([
      { nodeName: 'FancyOp_q', opType: 'FancyOp', domain: '', opset: 17, reason: 'no implementation for this op type' },
      { nodeName: 'Inverse_r', opType: 'Inverse', domain: 'com.microsoft', opset: 1, reason: 'no implementation for this op type' },
    ]);
    expect(err.message).toMatch(/node 'FancyOp_q' ai\.onnx::FancyOp \(opset 17\)/);
  });

  it('rejects ops outside their implemented opsets', async () => {
    const g = graph();
    g.opsets.set('', 29);
    const err = await createSession(g).catch((e) => e);
    expect(err).toBeInstanceOf(UnsupportedOperatorError);
    expect(err.nodes[0].reason).toMatch(/implemented for opsets/);
  });

  it('frees its memory on dispose and refuses further runs', async () => {
    const s = await createSession(graph());
    await s.run({ x: x([[1, 2, 3]]), idx: idx([0, 1]) });
    expect(s.arenaBytes).toBeGreaterThan(0);
    s.dispose();
    expect(s.arenaBytes).toBe(0);
    await expect(s.run({ x: x([[1, 2, 3]]), idx: idx([0, 1]) })).rejects.toThrow(SessionDisposedError);
  });

  it('folds shape-only subgraphs and handles feed-valued shapes', async () => {
    // y2 = Reshape(x, Concat(Shape(x)[0:1], [-1])) uses shapes only; y3 = Reshape(x, feed) is value-dependent.
    const g: RuntimeGraph = {
      opsets: new Map([['', 17]]),
      inputs: [
        { name: 'x', dtype: 'float32', elemType: 1, dims: [null, null, null] },
        { name: 'shape', dtype: 'int64', elemType: 7, dims: [2] },
      ],
      outputs: [
        { name: 'y2', dtype: 'float32', elemType: 1, dims: undefined },
        { name: 'y3', dtype: 'float32', elemType: 1, dims: undefined },
      ],
      initializers: new Map([
        ['starts', { dtype: 'int64', dims: [1], data: BigInt64Array.from([0n]) }],
        ['ends', { dtype: 'int64', dims: [1], data: BigInt64Array.from([1n]) }],
        ['minus1', { dtype: 'int64', dims: [1], data: BigInt64Array.from([-1n]) }],
      ]),
      nodes: [
        node('Shape', ['x'], ['s']),
        node('Slice', ['s', 'starts', 'ends'], ['s0']),
        node('Concat', ['s0', 'minus1'], ['target'], new Map([['axis', { kind: 'int', value: 0 }]])),
        node('Reshape', ['x', 'target'], ['y2']),
        node('Reshape', ['x', 'shape'], ['y3']),
      ],
    };
    const s = await createSession(g);
    const data = Float32Array.from({ length: 24 }, (_, i) => i);
    for (const shape of [[4, 6], [6, 4], [2, 12]]) {
      const out = await s.run({ x: { type: 'float32', dims: [2, 3, 4], data }, shape: idx(shape) });
      expect(out.y2.dims).toEqual([2, 12]);
      expect(out.y3.dims).toEqual(shape);
      expect([...out.y3.data]).toEqual([...data]);
    }
    // Reshape by a feed's value cannot be replayed: one plan per run.
    expect(s.plansBuilt).toBe(3);
  });
});
