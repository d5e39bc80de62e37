// AttributeProto <-> plain values.
import { create } from '@bufbuild/protobuf';
import { AttributeProtoSchema, AttributeType, type AttributeProto, type GraphProto, type TensorProto, type TypeProto } from '../proto.js';

export { AttributeType };

const utf8 = new TextDecoder();
const utf8enc = new TextEncoder();

/** An explicitly typed attribute value (see `attr.*`), for when the JS value is ambiguous. */
export interface TypedAttr {
  readonly $attr: AttributeType;
  readonly value: unknown;
}

/** Helpers to force an attribute's type, e.g. `{ alpha: attr.float(1) }`. */
export const attr = {
  float: (v: number): TypedAttr => ({ $attr: AttributeType.FLOAT, value: v }),
  int: (v: number | bigint): TypedAttr => ({ $attr: AttributeType.INT, value: v }),
  string: (v: string | Uint8Array): TypedAttr => ({ $attr: AttributeType.STRING, value: v }),
  floats: (v: readonly number[]): TypedAttr => ({ $attr: AttributeType.FLOATS, value: v }),
  ints: (v: readonly (number | bigint)[]): TypedAttr => ({ $attr: AttributeType.INTS, value: v }),
  strings: (v: readonly string[]): TypedAttr => ({ $attr: AttributeType.STRINGS, value: v }),
  tensor: (v: TensorProto): TypedAttr => ({ $attr: AttributeType.TENSOR, value: v }),
  tensors: (v: readonly TensorProto[]): TypedAttr => ({ $attr: AttributeType.TENSORS, value: v }),
  graph: (v: GraphProto): TypedAttr => ({ $attr: AttributeType.GRAPH, value: v }),
  graphs: (v: readonly GraphProto[]): TypedAttr => ({ $attr: AttributeType.GRAPHS, value: v }),
  typeProto: (v: TypeProto): TypedAttr => ({ $attr: AttributeType.TYPE_PROTO, value: v }),
};

/** Attribute names whose numbers are FLOAT even when integral (`{ alpha: 1 }` stays a float). */
const FLOAT_ATTRS = new Set([
  'alpha', 'beta', 'gamma', 'epsilon', 'bias', 'lambd', 'momentum', 'ratio', 'spatial_scale',
  'value_float', 'scale', 'threshold', 'seed', 'mean', 'high', 'low', 'max', 'min', 'extrapolation_value',
  'cubic_coeff_a', 'fmod_ignored', 'p_float',
]);
const FLOAT_LIST_ATTRS = new Set(['scales', 'value_floats', 'activation_alpha', 'activation_beta']);

export function isTypedAttr(v: unknown): v is TypedAttr {
  return typeof v === 'object' && v !== null && '$attr' in v;
}

export function isTensorProto(v: unknown): v is TensorProto {
  return typeof v === 'object' && v !== null && (v as { $typeName?: string }).$typeName === 'onnx.TensorProto';
}
export function isGraphProto(v: unknown): v is GraphProto {
  return typeof v === 'object' && v !== null && (v as { $typeName?: string }).$typeName === 'onnx.GraphProto';
}

/**
 * Build an AttributeProto from a JS value. Integral numbers become INT unless the name is a
 * known float attribute (alpha, beta, epsilon, ...); use `attr.float(..)` to force a type.
 */
export function makeAttribute(name: string, value: unknown): AttributeProto {
  const a = create(AttributeProtoSchema, { name });
  let type: AttributeType;
  let v = value;
  if (isTypedAttr(value)) {
    type = value.$attr;
    v = value.value;
  } else if (typeof v === 'number') {
    type = Number.isInteger(v) && !FLOAT_ATTRS.has(name) ? AttributeType.INT : AttributeType.FLOAT;
  } else if (typeof v === 'bigint') type = AttributeType.INT;
  else if (typeof v === 'string' || v instanceof Uint8Array) type = AttributeType.STRING;
  else if (isTensorProto(v)) type = AttributeType.TENSOR;
  else if (isGraphProto(v)) type = AttributeType.GRAPH;
  else if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const arr = Array.from(v as ArrayLike<unknown>);
    if (arr.every((x) => typeof x === 'string')) type = AttributeType.STRINGS;
    else if (arr.every((x) => typeof x === 'bigint' || (typeof x === 'number' && Number.isInteger(x))) && !FLOAT_LIST_ATTRS.has(name) && !(v instanceof Float32Array) && !(v instanceof Float64Array)) type = AttributeType.INTS;
    else if (arr.every((x) => typeof x === 'number')) type = AttributeType.FLOATS;
    else if (arr.every(isTensorProto)) type = AttributeType.TENSORS;
    else if (arr.every(isGraphProto)) type = AttributeType.GRAPHS;
    else throw new TypeError(`attribute '${name}': cannot infer the type of ${JSON.stringify(arr.slice(0, 4))}`);
    v = arr;
  } else throw new TypeError(`attribute '${name}': unsupported value ${String(v)}`);
  a.type = type;
  switch (type) {
    case AttributeType.FLOAT:
      a.f = Number(v);
      break;
    case AttributeType.INT:
      a.i = BigInt(v as number | bigint);
      break;
    case AttributeType.STRING:
      a.s = (typeof v === 'string' ? utf8enc.encode(v) : v) as Uint8Array<ArrayBuffer>;
      break;
    case AttributeType.TENSOR:
      a.t = v as TensorProto;
      break;
    case AttributeType.GRAPH:
      a.g = v as GraphProto;
      break;
    case AttributeType.TYPE_PROTO:
      a.tp = v as TypeProto;
      break;
    case AttributeType.FLOATS:
      a.floats = Array.from(v as number[], Number);
      break;
    case AttributeType.INTS:
      a.ints = Array.from(v as (number | bigint)[], (x) => BigInt(x));
      break;
    case AttributeType.STRINGS:
      a.strings = Array.from(v as (string | Uint8Array)[], (x) => (typeof x === 'string' ? utf8enc.encode(x) : x) as Uint8Array<ArrayBuffer>);
      break;
    case AttributeType.TENSORS:
      a.tensors = Array.from(v as TensorProto[]);
      break;
    case AttributeType.GRAPHS:
      a.graphs = Array.from(v as GraphProto[]);
      break;
    default:
      throw new TypeError(`attribute '${name}': unsupported attribute type ${type}`);
  }
  return a;
}

/** Plain value of an attribute: numbers for INT/INTS (int64 via Number), strings decoded. */
export function attributeValue(a: AttributeProto): unknown {
  switch (a.type) {
    case AttributeType.FLOAT:
      return a.f;
    case AttributeType.INT:
      return Number(a.i);
    case AttributeType.STRING:
      return utf8.decode(a.s);
    case AttributeType.TENSOR:
      return a.t;
    case AttributeType.GRAPH:
      return a.g;
    case AttributeType.FLOATS:
      return a.floats;
    case AttributeType.INTS:
      return a.ints.map(Number);
    case AttributeType.STRINGS:
      return a.strings.map((s) => utf8.decode(s));
    case AttributeType.TENSORS:
      return a.tensors;
    case AttributeType.GRAPHS:
      return a.graphs;
    case AttributeType.SPARSE_TENSOR:
      return a.sparseTensor;
    case AttributeType.SPARSE_TENSORS:
      return a.sparseTensors;
    case AttributeType.TYPE_PROTO:
      return a.tp;
    case AttributeType.TYPE_PROTOS:
      return a.typeProtos;
    default:
      return undefined;
  }
}
