import type { GraphProto, NodeProto } from 'onnx-buf';
import { attrInt, getAttr } from './graph.js';
import { DT } from './tensors.js';

const TO_INT64 = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin']);
const TO_BOOL = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf']);

/**
 * Element types of every tensor from declared types and per-op rules, for passes that must know
 * which values are float without a full shape inference (float16 conversion, QDQ on weights).
 */
export function inferElemTypes(g: GraphProto): Map<string, number> {
  const types = new Map<string, number>();
  for (const t of g.initializer) types.set(t.name, t.dataType);
  for (const vi of [...g.input, ...g.valueInfo, ...g.output]) {
    const v = vi.type?.value;
    if (v?.case === 'tensorType' && v.value.elemType) types.set(vi.name, v.value.elemType);
  }
  for (const n of g.node) {
    const decided = outputTypes(n, types);
    n.output.forEach((o, i) => {
      if (o && !types.has(o) && decided[i] !== undefined) types.set(o, decided[i]!);
    });
  }
  return types;
}

function outputTypes(n: NodeProto, types: Map<string, number>): (number | undefined)[] {
  const first = n.input.find((i) => i && types.has(i));
  const inT = first ? types.get(first) : undefined;
  if (n.domain && n.domain !== 'ai.onnx' && n.domain !== 'com.microsoft') return [];
  if (TO_INT64.has(n.opType)) return [DT.INT64];
  if (TO_BOOL.has(n.opType)) return [DT.BOOL];
  switch (n.opType) {
    case 'Cast':
      return [attrInt(n, 'to', 0)];
    case 'CastLike':
      return [types.get(n.input[1])];
    case 'ConstantOfShape': {
      const v = getAttr(n, 'value')?.t;
      return [v ? v.dataType : DT.FLOAT];
    }
    case 'Constant': {
      const v = getAttr(n, 'value')?.t;
      if (v) return [v.dataType];
      if (getAttr(n, 'value_float') || getAttr(n, 'value_floats')) return [DT.FLOAT];
      return [DT.INT64];
    }
    case 'Where':
      return [types.get(n.input[1])];
    case 'TopK':
      return [inT, DT.INT64];
    case 'QuantizeLinear':
      return [n.input[2] ? types.get(n.input[2]) : DT.UINT8];
    case 'DequantizeLinear':
      return [n.input[1] ? types.get(n.input[1]) : DT.FLOAT];
    case 'DynamicQuantizeLinear':
      return [DT.UINT8, DT.FLOAT, DT.UINT8];
    case 'MatMulInteger':
    case 'ConvInteger':
      return [DT.INT32];
    case 'Range':
      return [types.get(n.input[0])];
    case 'RandomNormalLike':
    case 'RandomUniformLike':
      return [DT.FLOAT];
    default:
      return n.output.map(() => inT);
  }
}
