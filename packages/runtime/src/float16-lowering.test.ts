import { describe, expect, it } from 'vitest';
import { float16BitsToNumber, numberToFloat16Bits } from '@octet/onnx';
import { lowerFloat16, usesFloat16 } from './float16-lowering.js';
import { createSessionSync } from './session-sync.js';
import type { AttributeValue, GraphNode, RuntimeGraph } from './graph.js';
import type { Tensor } from './tensor.js';

const half = (xs: number[]) => Uint16Array.from(xs, numberToFloat16Bits);
const node = (opType: string, inputs: string[], outputs: string[], attrs: [string, AttributeValue][] = []): GraphNode => ({
  name: outputs[0],
  opType,
  domain: '',
  inputs,
  outputs,
  attributes: new Map(attrs),
});
const toHalf: [string, AttributeValue] = ['to', { kind: 'int', value: 10 }];
const toFloat: [string, AttributeValue] = ['to', { kind: 'int', value: 1 }];

// x (float16) · w (float16 initializer) + b (float16 Constant) → y (float16), as a half-precision model.
function halfGraph(): RuntimeGraph {
  const w: Tensor = { dtype: 'float16', dims: [4], data: half([0.5, -3, 1e-3, 65504]) };
  const b: Tensor = { dtype: 'float16', dims: [4], data: half([0.1, 0.2, 0.3, -0.4]) };
  return {
    opsets: new Map([['', 17]]),
    inputs: [{ name: 'x', dtype: 'float16', elemType: 10, dims: [4] }],
    outputs: [{ name: 'y', dtype: 'float16', elemType: 10, dims: [4] }],
    initializers: new Map([['w', w]]),
    nodes: [node('Constant', [], ['b'], [['value', { kind: 'tensor', value: b }]]), node('Mul', ['x', 'w'], ['xw']), node('Add', ['xw', 'b'], ['y'])],
  };
}

describe('float16 lowering', () => {
  it('runs a float16 model: half feeds and outputs at the boundary, values as a float32 reference rounded to half', () => {
    const xs = [1.5, 0.25, 1000, 1];
    const session = createSessionSync(halfGraph());
    expect(session.inputMetadata[0].type).toBe('float16');
    expect(session.outputMetadata[0].type).toBe('float16');
    const out = session.runSync({ x: { type: 'float16', dims: [4], data: half(xs) } }).y;
    expect(out.type).toBe('float16');
    expect(out.data).toBeInstanceOf(Uint16Array);
    const w = [0.5, -3, 1e-3, 65504].map((v) => float16BitsToNumber(numberToFloat16Bits(v)));
    const b = [0.1, 0.2, 0.3, -0.4].map((v) => float16BitsToNumber(numberToFloat16Bits(v)));
    const expected = xs.map((x, i) => numberToFloat16Bits(Math.fround(Math.fround(x * w[i]) + b[i])));
    expect(Array.from(out.data as Uint16Array)).toEqual(expected);
    session.dispose();
  });

  it('Cast to float16 rounds to half precision even when the value flows on as float32', () => {
    const g: RuntimeGraph = {
      opsets: new Map([['', 17]]),
      inputs: [{ name: 'x', dtype: 'float32', elemType: 1, dims: [5] }],
      outputs: [{ name: 'y', dtype: 'float32', elemType: 1, dims: [5] }],
      initializers: new Map(),
      nodes: [node('Cast', ['x'], ['h'], [toHalf]), node('Relu', ['h'], ['r']), node('Cast', ['r'], ['y'], [toFloat])],
    };
    const xs = Float32Array.of(1 + 2 ** -12, 1 + 3 * 2 ** -11, 70000, -2, 0.1);
    const y = createSessionSync(g).runSync({ x: { type: 'float32', dims: [5], data: xs } }).y.data as Float32Array;
    // 1+2^-12 → 1 (ties to even), 1+3·2^-11 → 1+2^-9, 70000 overflows to Infinity, 0.1 → 0.0999755859375
    expect(Array.from(y)).toEqual([1, 1 + 2 ** -9, Infinity, 0, 0.0999755859375]);
  });

  it('CastLike to a float16 value rounds to half precision too', () => {
    const g: RuntimeGraph = {
      opsets: new Map([['', 17]]),
      inputs: [{ name: 'x', dtype: 'float32', elemType: 1, dims: [2] }],
      outputs: [{ name: 'y', dtype: 'float32', elemType: 1, dims: [2] }],
      initializers: new Map([['like', { dtype: 'float16', dims: [1], data: half([0]) } as Tensor]]),
      nodes: [node('CastLike', ['x', 'like'], ['h']), node('Neg', ['h'], ['n']), node('Cast', ['n'], ['y'], [toFloat])],
    };
    const xs = Float32Array.of(1 + 2 ** -12, 0.1);
    const y = createSessionSync(g).runSync({ x: { type: 'float32', dims: [2], data: xs } }).y.data as Float32Array;
    expect(Array.from(y)).toEqual([-1, -0.0999755859375]);
  });

  it('leaves float32 graphs alone and never modifies the source graph', () => {
    const g = halfGraph();
    const f32: RuntimeGraph = { ...g, inputs: [], outputs: [], initializers: new Map(), nodes: [node('Relu', ['a'], ['b'])] };
    expect(usesFloat16(f32)).toBe(false);
    expect(lowerFloat16(f32)).toBe(f32);
    const lowered = lowerFloat16(g);
    expect(g.initializers.get('w')!.dtype).toBe('float16');
    expect(g.nodes.map((n) => n.inputs.join(','))).toEqual(['', 'x,w', 'xw,b']);
    expect(lowered.initializers.get('w')!.dtype).toBe('float32');
    const constant = lowered.nodes.find((n) => n.opType === 'Constant')!.attributes.get('value');
    expect(constant?.kind === 'tensor' && constant.value.dtype).toBe('float32');
    expect(lowered.inputs).toEqual(g.inputs);
    expect(lowered.outputs).toEqual(g.outputs);
  });
});
