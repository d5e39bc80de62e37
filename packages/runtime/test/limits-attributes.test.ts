// Hostile attribute and shape-input values: shape preparation itself refuses them with an
// InvalidAttributeError naming the node, the op and the attribute (shape-checks.ts), before any
// NaN, negative or fractional dim reaches the planner — and before a huge one is allocated.
import { ModelBuilder, serializeModel } from '@octet/onnx';
import { describe, expect, it } from 'vitest';
import { InvalidAttributeError, NodeExecutionError, ResourceLimitError, createSession } from '../src/index.js';

type Attrs = Parameters<ModelBuilder['node']>[3];

/** One node `op(x, ...constants) → y`; constants are [name, dtype, dims, values]. */
function model(op: string, xDims: number[], attrs: Attrs, constants: [string, 'int64' | 'float32', number[], ArrayLike<number | bigint>][] = [], opset = 17): Uint8Array {
  const b = new ModelBuilder({ opset });
  b.input('x', 'float32', xDims);
  for (const [name, dtype, dims, values] of constants) {
    b.initializer(name, dtype, dims, dtype === 'int64' ? BigInt64Array.from(values as ArrayLike<bigint>) : Float32Array.from(values as ArrayLike<number>));
  }
  b.node(op, ['x', ...constants.map((c) => c[0])], ['y'], attrs);
  b.output('y', 'float32');
  return serializeModel(b.build());
}

const feed = (dims: number[]) => ({ x: { type: 'float32' as const, dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) } });

/** Creates and runs; returns the typed cause of the failure. */
async function causeOf(bytes: Uint8Array, dims: number[]): Promise<Error> {
  try {
    const s = await createSession(bytes);
    await s.run(feed(dims));
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(NodeExecutionError);
    return (e as Error).cause as Error;
  }
  throw new Error('the model ran');
}

async function refusedAttribute(bytes: Uint8Array, dims: number[], attribute: string, op: string): Promise<InvalidAttributeError> {
  const cause = await causeOf(bytes, dims);
  expect(cause, String(cause)).toBeInstanceOf(InvalidAttributeError);
  const e = cause as InvalidAttributeError;
  // ModelBuilder names nodes `<op>_<n>`.
  expect(e).toMatchObject({ nodeName: expect.stringMatching(new RegExp(`^${op}_\\d+$`)), opType: op, attribute });
  expect(e.message).toContain(`node '${e.nodeName}' (${op})`);
  return e;
}

const conv = (attrs: Attrs) => model('Conv', [1, 1, 5, 5], attrs, [['w', 'float32', [1, 1, 3, 3], new Array(9).fill(1)]]);

describe('window attributes (Conv, ConvTranspose, pools)', () => {
  it('Conv: zero or negative strides and dilations, kernel_shape of the wrong rank, negative pads, group 0', async () => {
    expect((await refusedAttribute(conv({ strides: [0, 1] }), [1, 1, 5, 5], 'strides', 'Conv')).message).toMatch(/attribute 'strides' \[0, 1\] must hold integers ≥ 1/);
    await refusedAttribute(conv({ strides: [-2, 1] }), [1, 1, 5, 5], 'strides', 'Conv');
    await refusedAttribute(conv({ dilations: [1, 0] }), [1, 1, 5, 5], 'dilations', 'Conv');
    expect((await refusedAttribute(conv({ kernel_shape: [3] }), [1, 1, 5, 5], 'kernel_shape', 'Conv')).message).toMatch(/has 1 values for 2 spatial axes/);
    await refusedAttribute(conv({ pads: [0, -1, 0, 0] }), [1, 1, 5, 5], 'pads', 'Conv');
    await refusedAttribute(conv({ group: 0 }), [1, 1, 5, 5], 'group', 'Conv');
  });

  it('ConvTranspose: negative output_padding, zero kernel, output_shape giving negative dims', async () => {
    const ct = (attrs: Attrs) => model('ConvTranspose', [1, 1, 3, 3], attrs, [['w', 'float32', [1, 1, 2, 2], [1, 1, 1, 1]]]);
    await refusedAttribute(ct({ output_padding: [-1, 0] }), [1, 1, 3, 3], 'output_padding', 'ConvTranspose');
    await refusedAttribute(ct({ kernel_shape: [0, 2] }), [1, 1, 3, 3], 'kernel_shape', 'ConvTranspose');
    await refusedAttribute(ct({ strides: [2 ** 60, 1] }), [1, 1, 3, 3], 'strides', 'ConvTranspose');
    await refusedAttribute(ct({ output_shape: [-4, 4] }), [1, 1, 3, 3], 'output_shape/pads', 'ConvTranspose');
  });

  it('MaxPool / AveragePool: zero strides (was an Infinity-sized output), zero kernel', async () => {
    await refusedAttribute(model('MaxPool', [1, 1, 4, 4], { kernel_shape: [2, 2], strides: [0, 0] }), [1, 1, 4, 4], 'strides', 'MaxPool');
    await refusedAttribute(model('AveragePool', [1, 1, 4, 4], { kernel_shape: [0, 2] }), [1, 1, 4, 4], 'kernel_shape', 'AveragePool');
  });

  it('a pad of 2^31 is refused by its size before the kernels reserve memory for it', async () => {
    const cause = await causeOf(conv({ pads: [0, 0, 2 ** 31 - 1, 0] }), [1, 1, 5, 5]);
    expect(cause).toBeInstanceOf(ResourceLimitError);
    expect(cause.message).toMatch(/\(Conv\): padded input \[2147483652, 5\] from 'pads' elements/);
  });

  it('valid windows still run', async () => {
    const s = await createSession(conv({ strides: [2, 2], pads: [1, 1, 1, 1] }));
    expect((await s.run(feed([1, 1, 5, 5]))).y.dims).toEqual([1, 1, 3, 3]);
  });
});

describe('shape inputs and attributes of the other ops', () => {
  it('Slice: float starts, NaN ends, too few steps', async () => {
    const slice = (starts: number[], ends: number[], steps: number[]) =>
      model('Slice', [6], {}, [
        ['starts', 'float32', [starts.length], starts],
        ['ends', 'float32', [ends.length], ends],
        ['axes', 'int64', [1], [0n]],
        ['steps', 'float32', [steps.length], steps],
      ]);
    expect((await refusedAttribute(slice([0.5], [4], [1]), [6], 'starts', 'Slice')).message).toMatch(/input 'starts' \[0.5\] must hold integers/);
    await refusedAttribute(slice([0], [NaN], [1]), [6], 'ends', 'Slice');
    await refusedAttribute(slice([0], [4], []), [6], 'steps', 'Slice');
    // opset 1–9: starts/ends are attributes.
    const old = model('Slice', [6], { starts: [0, 0], ends: [4] }, [], 9);
    expect((await refusedAttribute(old, [6], 'ends', 'Slice')).message).toMatch(/attribute 'ends' \[4\] has 1 values, expected 2/);
  });

  it('Pad (fractional pads), Reshape (fractional shape), Expand / Tile / ConstantOfShape (negative or NaN sizes), Range (NaN limit)', async () => {
    await refusedAttribute(model('Pad', [2], {}, [['pads', 'float32', [2], [0.5, 0.5]]]), [2], 'pads', 'Pad');
    await refusedAttribute(model('Reshape', [4], {}, [['shape', 'float32', [2], [1.5, 2]]]), [4], 'shape', 'Reshape');
    await refusedAttribute(model('Expand', [1], {}, [['shape', 'float32', [1], [-3]]]), [1], 'shape', 'Expand');
    await refusedAttribute(model('Tile', [2], {}, [['repeats', 'float32', [1], [NaN]]]), [2], 'repeats', 'Tile');
    const cos = new ModelBuilder({ opset: 17 });
    cos.input('x', 'float32', [1]);
    cos.initializer('shape', 'float32', [1], Float32Array.of(2.5));
    cos.node('ConstantOfShape', ['shape'], ['c']);
    cos.node('Add', ['c', 'x'], ['y']);
    cos.output('y', 'float32');
    await refusedAttribute(serializeModel(cos.build()), [1], 'input', 'ConstantOfShape');
    const range = new ModelBuilder({ opset: 17 });
    range.input('x', 'float32', []);
    range.initializer('limit', 'float32', [], Float32Array.of(NaN));
    range.initializer('delta', 'float32', [], Float32Array.of(1));
    range.node('Range', ['x', 'limit', 'delta'], ['y']);
    range.output('y', 'float32');
    await refusedAttribute(serializeModel(range.build()), [], 'start/limit/delta', 'Range');
  });

  it('Split: num_outputs other than the output count (2^31 used to build a 2^31-element array), negative parts', async () => {
    const b = new ModelBuilder({ opset: 18 });
    b.input('x', 'float32', [4]);
    b.node('Split', ['x'], ['y0', 'y1'], { num_outputs: 2 ** 31 - 1 });
    b.output('y0', 'float32');
    b.output('y1', 'float32');
    expect((await refusedAttribute(serializeModel(b.build()), [4], 'num_outputs', 'Split')).message).toMatch(/attribute 'num_outputs' \[2147483647\] must be 2 \(the number of outputs\)/);
    const parts = new ModelBuilder({ opset: 18 });
    parts.input('x', 'float32', [4]);
    parts.initializer('split', 'int64', [2], BigInt64Array.of(5n, -1n));
    parts.node('Split', ['x', 'split'], ['y0', 'y1']);
    parts.output('y0', 'float32');
    parts.output('y1', 'float32');
    await refusedAttribute(serializeModel(parts.build()), [4], 'split', 'Split');
  });

  it('Resize: negative and NaN scales', async () => {
    const resize = (scales: number[]) => model('Resize', [1, 1, 2, 2], { mode: 'nearest' }, [['roi', 'float32', [0], []], ['scales', 'float32', [4], scales]]);
    await refusedAttribute(resize([1, 1, -2, 2]), [1, 1, 2, 2], 'scales', 'Resize');
    await refusedAttribute(resize([1, 1, NaN, 2]), [1, 1, 2, 2], 'scales', 'Resize');
  });

  it('Resize lookup tables are bounded too: sizes of 2^26 on one axis (within the output limit) used to exhaust the heap', async () => {
    const resize = model('Resize', [1, 1, 2, 2], { mode: 'cubic' }, [
      ['roi', 'float32', [0], []],
      ['scales', 'float32', [0], []],
      ['sizes', 'int64', [4], [1n, 1n, 2n, 2n ** 26n]],
    ]);
    const cause = await causeOf(resize, [1, 1, 2, 2]);
    expect(cause).toBeInstanceOf(ResourceLimitError);
    expect(cause.message).toMatch(/\(Resize\): lookup table entries from 'sizes' \(1\/16 of maxTensorElements\): 268,435,456 exceeds the limit of 16,777,216/);
  });

  it('a huge but valid size is refused by maxTensorElements before the op allocates (Range with limit 2^40)', async () => {
    const range = new ModelBuilder({ opset: 17 });
    range.input('x', 'float32', []);
    range.initializer('limit', 'float32', [], Float32Array.of(2 ** 40));
    range.initializer('delta', 'float32', [], Float32Array.of(1));
    range.node('Range', ['x', 'limit', 'delta'], ['y']);
    range.output('y', 'float32');
    const cause = await causeOf(serializeModel(range.build()), []);
    expect(cause).toBeInstanceOf(ResourceLimitError);
    expect(cause.message).toMatch(/node 'Range_\d+' \(Range\): output \[1099511627776\] from 'start\/limit\/delta' elements/);
  });
});
