// Decoded ONNX ModelProto (from @octet/onnx) → the runtime's flat graph.

import { decodeModelProto, tensorValues, type AttributeProto, type ExternalDataReader, type ModelProto, type TensorProto, type ValueInfoProto } from '@octet/onnx';
import { InvalidModelError } from './errors.js';
import type { AttributeValue, Dim, GraphNode, RuntimeGraph, ValueInfo } from './graph.js';
import { dtypeFromOnnx, onnxDtypeName, type Tensor, type TypedArray } from './tensor.js';

// AttributeProto.AttributeType codes.
const AT = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10, SPARSE_TENSOR: 11, SPARSE_TENSORS: 12, TYPE_PROTO: 13, TYPE_PROTOS: 14 };

const utf8 = new TextDecoder();

export function decodeModel(bytes: Uint8Array): ModelProto {
  try {
    return decodeModelProto(bytes);
  } catch (e) {
    throw new InvalidModelError(`cannot decode model: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

export function tensorFromProto(t: TensorProto, what = `tensor '${t.name}'`, external?: ExternalDataReader): Tensor {
  const dtype = dtypeFromOnnx(t.dataType);
  if (dtype === undefined) throw new InvalidModelError(`${what}: data type ${onnxDtypeName(t.dataType)} is not supported by the runtime`);
  let data;
  try {
    data = tensorValues(t, { external });
  } catch (e) {
    throw new InvalidModelError(`${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (Array.isArray(data)) throw new InvalidModelError(`${what}: string tensors are not supported`);
  return { dtype, dims: t.dims.map(Number), data: data as TypedArray };
}

function attributeValue(a: AttributeProto, node: string, external: ExternalDataReader | undefined): AttributeValue {
  switch (a.type) {
    case AT.INT:
      return { kind: 'int', value: Number(a.i) };
    case AT.FLOAT:
      return { kind: 'float', value: a.f };
    case AT.STRING:
      return { kind: 'string', value: utf8.decode(a.s) };
    case AT.INTS:
      return { kind: 'ints', value: a.ints.map(Number) };
    case AT.FLOATS:
      return { kind: 'floats', value: [...a.floats] };
    case AT.STRINGS:
      return { kind: 'strings', value: a.strings.map((s) => utf8.decode(s)) };
    case AT.TENSOR:
      if (!a.t) throw new InvalidModelError(`attribute '${a.name}' of node '${node}' has type TENSOR but holds no tensor`);
      return { kind: 'tensor', value: tensorFromProto(a.t, `attribute '${a.name}' of node '${node}'`, external) };
    case AT.GRAPH:
    case AT.GRAPHS:
      return { kind: 'graph', value: a.g ?? a.graphs };
    default:
      return { kind: 'unsupported', type: String(a.type) };
  }
}

function valueInfo(v: ValueInfoProto): ValueInfo {
  const tt = v.type?.value.case === 'tensorType' ? v.type.value.value : undefined;
  const elemType = tt?.elemType ?? 0;
  const dims: Dim[] | undefined = tt?.shape
    ? tt.shape.dim.map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : d.value.case === 'dimParam' ? d.value.value : null))
    : undefined;
  return { name: v.name, elemType, dtype: dtypeFromOnnx(elemType), dims };
}

/** `external` reads initializers and Constant values stored outside the model (data_location = EXTERNAL). */
export function graphFromModel(model: ModelProto, external?: ExternalDataReader): RuntimeGraph {
  const g = model.graph;
  if (!g) throw new InvalidModelError('model has no graph');
  const opsets = new Map<string, number>();
  for (const o of model.opsetImport) opsets.set(o.domain === 'ai.onnx' ? '' : o.domain, Number(o.version));
  const initializers = new Map<string, Tensor>();
  for (const t of g.initializer) initializers.set(t.name, tensorFromProto(t, `initializer '${t.name}'`, external));
  if (g.sparseInitializer.length > 0) throw new InvalidModelError('sparse initializers are not supported');
  const nodes: GraphNode[] = g.node.map((n, i) => {
    const name = n.name || `${n.opType}_${i}`;
    return {
      name,
      opType: n.opType,
      domain: n.domain === 'ai.onnx' ? '' : n.domain,
      inputs: [...n.input],
      outputs: [...n.output],
      attributes: new Map(n.attribute.map((a) => [a.name, attributeValue(a, name, external)])),
    };
  });
  return {
    opsets,
    // Initializers listed as inputs (old exporters) are overridable defaults, not required feeds.
    inputs: g.input.filter((i) => !initializers.has(i.name)).map(valueInfo),
    outputs: g.output.map(valueInfo),
    initializers,
    nodes,
  };
}
