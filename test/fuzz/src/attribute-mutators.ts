// Schema-aware mutations: decode the model, give one node attribute or one small constant
// (a shape, starts/ends, pads, scales, repeats…) a hostile value — zero, negative, huge, NaN,
// ±Infinity, fractional, a list of the wrong length — and re-encode. Reaches the ops' shape
// preparation with values a byte-level mutator almost never produces.
import { create } from '@bufbuild/protobuf';
import { AttributeProtoSchema, decodeModelProto, encodeModelProto, setTensorValues, tensorValues, type AttributeProto, type GraphProto, type ModelProto, type TensorProto } from '@octet/onnx';
import type { Rng } from './rng.js';

const INTS: bigint[] = [0n, -1n, -2n, 1n, 2n, 3n, 7n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n), 1_000_000_000n];
const FLOATS = [NaN, Infinity, -Infinity, -1, 0, -0, 1e-45, 1e30, 0.5, 2.5, -2.5, 3];
// Attributes the shape code reads (added to a node when it has none of them).
const ADDED_INTS = ['strides', 'pads', 'dilations', 'kernel_shape', 'output_padding', 'output_shape', 'axes', 'starts', 'ends', 'perm', 'split'];
const ADDED_INT = ['group', 'axis', 'keepdims', 'ceil_mode', 'allowzero', 'blocksize', 'num_outputs'];
const AT = { FLOAT: 1, INT: 2, FLOATS: 6, INTS: 7 };

function decode(b: Uint8Array): ModelProto | undefined {
  try {
    return decodeModelProto(b);
  } catch {
    return undefined;
  }
}

function graphs(g: GraphProto | undefined, out: GraphProto[] = []): GraphProto[] {
  if (!g) return out;
  out.push(g);
  for (const n of g.node) for (const a of n.attribute) for (const sub of a.g ? [a.g, ...a.graphs] : a.graphs) graphs(sub, out);
  return out;
}

/** A hostile replacement for an int list: one element changed, a length change, or all new. */
function hostileInts(rng: Rng, old: readonly bigint[]): bigint[] {
  const v = [...old];
  switch (rng.int(4)) {
    case 0:
      if (v.length) v[rng.int(v.length)] = rng.pick(INTS);
      else v.push(rng.pick(INTS));
      return v;
    case 1:
      if (v.length) v.splice(rng.int(v.length), 1);
      return v;
    case 2:
      v.push(v.length ? v[rng.int(v.length)] : rng.pick(INTS));
      return v;
    default:
      return Array.from({ length: rng.int(6) }, () => rng.pick(INTS));
  }
}

function hostileFloats(rng: Rng, old: readonly number[]): number[] {
  const v = [...old];
  if (v.length && rng.next() < 0.7) v[rng.int(v.length)] = rng.pick(FLOATS);
  else v.splice(rng.int(v.length + 1), rng.int(2), ...(rng.next() < 0.5 ? [rng.pick(FLOATS)] : []));
  return v;
}

/** Edits one INT/INTS/FLOAT/FLOATS attribute, or adds a shape attribute to a node. */
export function attributeEdit(rng: Rng, b: Uint8Array): Uint8Array {
  const proto = decode(b);
  if (!proto) return b;
  const nodes = graphs(proto.graph).flatMap((g) => g.node);
  if (!nodes.length) return b;
  const attrs: AttributeProto[] = nodes.flatMap((n) => n.attribute.filter((a) => [AT.FLOAT, AT.INT, AT.FLOATS, AT.INTS].includes(a.type)));
  if (!attrs.length || rng.next() < 0.2) {
    const n = rng.pick(nodes);
    const list = rng.next() < 0.7;
    const name = rng.pick(list ? ADDED_INTS : ADDED_INT);
    n.attribute = n.attribute.filter((a) => a.name !== name);
    n.attribute.push(create(AttributeProtoSchema, list ? { name, type: AT.INTS, ints: hostileInts(rng, []) } : { name, type: AT.INT, i: rng.pick(INTS) }));
    return encodeModelProto(proto);
  }
  const a = rng.pick(attrs);
  if (a.type === AT.INT) a.i = rng.pick(INTS);
  else if (a.type === AT.INTS) a.ints = hostileInts(rng, a.ints);
  else if (a.type === AT.FLOAT) a.f = rng.pick(FLOATS);
  else a.floats = hostileFloats(rng, a.floats);
  return encodeModelProto(proto);
}

const SMALL = 64;
const isSmallNumeric = (t: TensorProto) => [1, 6, 7, 11].includes(t.dataType) && t.dims.reduce((n, d) => n * Number(d), 1) <= SMALL && t.dataLocation !== 1;

/** Gives one element of a small float/int32/int64/double constant (a shape input, usually) a hostile value. */
export function constantEdit(rng: Rng, b: Uint8Array): Uint8Array {
  const proto = decode(b);
  if (!proto) return b;
  const small = graphs(proto.graph).flatMap((g) => g.initializer.filter(isSmallNumeric));
  if (!small.length) return attributeEdit(rng, b);
  const t = rng.pick(small);
  let values: number[] | bigint[];
  try {
    values = Array.from(tensorValues(t) as ArrayLike<number | bigint>) as number[] | bigint[];
  } catch {
    return b;
  }
  if (!values.length) return b;
  const i = rng.int(values.length);
  if (t.dataType === 7) (values as bigint[])[i] = rng.pick(INTS);
  else if (t.dataType === 6) (values as number[])[i] = Number(BigInt.asIntN(32, rng.pick(INTS)));
  else (values as number[])[i] = rng.pick(FLOATS);
  setTensorValues(t, values);
  return encodeModelProto(proto);
}
