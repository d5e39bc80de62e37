// Resource limits: a hostile model cannot make the runtime allocate without bound, nest
// subgraphs without bound or pass as a huge file; each refusal is a typed error naming the limit.
import { create } from '@bufbuild/protobuf';
import { AttributeProtoSchema, GraphProtoSchema, ModelBuilder, NodeProtoSchema, decodeModelProto, encodeModelProto, makeTensor, serializeModel, type GraphProto } from '@octet/onnx';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, InvalidModelError, NodeExecutionError, ResourceLimitError, createSession, type Session } from '../src/index.js';
import { feedsOf, loadFixture } from './fixtures.js';

/** y = x + sum(ConstantOfShape(shape)); `shape` a constant or (constShape false) a model input. */
function constantOfShapeModel(n: bigint | undefined): Uint8Array {
  const b = new ModelBuilder({ opset: 17 });
  b.input('x', 'float32', [1]);
  if (n === undefined) b.input('shape', 'int64', [1]);
  else b.initializer('shape', 'int64', [1], BigInt64Array.from([n]));
  b.node('ConstantOfShape', ['shape'], ['c'], { value: makeTensor('v', 'float32', [1], [1]) });
  b.node('ReduceSum', ['c'], ['s'], { keepdims: 0 });
  b.node('Add', ['s', 'x'], ['y']);
  b.output('y', 'float32', [1]);
  return serializeModel(b.build());
}

async function limitError(p: Promise<unknown>): Promise<ResourceLimitError> {
  try {
    await p;
  } catch (e) {
    const cause = e instanceof NodeExecutionError ? (e as Error).cause : e;
    expect(cause, String(e)).toBeInstanceOf(ResourceLimitError);
    return cause as ResourceLimitError;
  }
  throw new Error('no error');
}

const x = { type: 'float32' as const, dims: [1], data: Float32Array.of(0.5) };

describe('maxTensorElements', () => {
  it('a constant shape of 2^40 elements is refused at session creation (was an untyped RangeError)', async () => {
    const e = await limitError(createSession(constantOfShapeModel(2n ** 40n)));
    expect(e).toMatchObject({ limit: 'maxTensorElements', value: 2 ** 40, max: DEFAULT_LIMITS.maxTensorElements });
    await expect(createSession(constantOfShapeModel(2n ** 40n))).rejects.toThrow(/ConstantOfShape.*exceeds the limit of 268,435,456 \(SessionOptions\.limits\.maxTensorElements\)/);
  });

  it('the limit is an option; under it the model runs', async () => {
    const ok = await createSession(constantOfShapeModel(1000n), { limits: { maxTensorElements: 1000 } });
    expect(Array.from((await ok.run({ x })).y.data as Float32Array)).toEqual([1000.5]);
    await limitError(createSession(constantOfShapeModel(1001n), { limits: { maxTensorElements: 1000 } }));
  });

  it('a shape fed at run time is checked before allocating, and the session stays usable', async () => {
    const s: Session = await createSession(constantOfShapeModel(undefined), { limits: { maxTensorElements: 4096 } });
    const shape = (n: bigint) => ({ type: 'int64' as const, dims: [1], data: BigInt64Array.of(n) });
    expect(Array.from((await s.run({ x, shape: shape(10n) })).y.data as Float32Array)).toEqual([10.5]);
    const e = await limitError(s.run({ x, shape: shape(2n ** 50n) }));
    expect(e.value).toBe(2 ** 50);
    expect(Array.from((await s.run({ x, shape: shape(4096n) })).y.data as Float32Array)).toEqual([4096.5]);
  });
});

describe('model-level limits', () => {
  const fx = loadFixture('mlp_diabetes');

  it('maxModelBytes and maxNodes refuse before compiling; defaults accept the fixtures', async () => {
    expect((await limitError(createSession(fx.model, { limits: { maxModelBytes: 1000 } }))).limit).toBe('maxModelBytes');
    const nodes = decodeModelProto(fx.model).graph!.node.length;
    expect((await limitError(createSession(fx.model, { limits: { maxNodes: nodes - 1 } }))).limit).toBe('maxNodes');
    const s = await createSession(fx.model, { limits: { maxNodes: nodes } });
    expect(await s.run(feedsOf(fx))).toBeDefined();
  });

  /** The model with `depth` If nodes nested in each other's then_branch. */
  function nestedIf(depth: number): Uint8Array {
    const proto = decodeModelProto(constantOfShapeModel(4n));
    const leaf = create(GraphProtoSchema, { name: 'leaf' });
    let body: GraphProto = leaf;
    for (let d = 0; d < depth; d++) {
      const node = create(NodeProtoSchema, {
        opType: 'If',
        name: `if_${d}`,
        input: ['x'],
        output: [`o_${d}`],
        attribute: [create(AttributeProtoSchema, { name: 'then_branch', type: 5, g: body }), create(AttributeProtoSchema, { name: 'else_branch', type: 5, g: leaf })],
      });
      body = create(GraphProtoSchema, { name: `g_${d}`, node: [node] });
    }
    proto.graph!.node.push(...body.node);
    return encodeModelProto(proto);
  }

  it('subgraphs nested deeper than maxSubgraphDepth are refused (If inside If …)', async () => {
    const e = await limitError(createSession(nestedIf(20), { limits: { maxSubgraphDepth: 8 } }));
    expect(e).toMatchObject({ limit: 'maxSubgraphDepth', value: 9, max: 8 });
    // Within the limit the model gets as far as op support (the runtime does not run If).
    await expect(createSession(nestedIf(20))).rejects.toThrow(/unsupported operator/);
    // Beyond ~33 levels the decoder's own nesting bound (messages) refuses it, typed.
    await expect(createSession(nestedIf(40))).rejects.toBeInstanceOf(InvalidModelError);
  });

  it('dims that overflow are decode errors (typed), before anything is allocated', async () => {
    const proto = decodeModelProto(fx.model);
    const t = proto.graph!.initializer[0];
    t.dims = [2n ** 62n, 4n];
    await expect(createSession(encodeModelProto(proto))).rejects.toBeInstanceOf(InvalidModelError);
    await expect(createSession(encodeModelProto(proto))).rejects.toThrow(/overflows|need/);
  });
});
