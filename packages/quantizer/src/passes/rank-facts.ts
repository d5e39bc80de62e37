import type { GraphProto } from 'onnx-buf';
import { GraphIndex, attrInt } from '../model/graph.js';

const SAME_RANK = new Set(['Relu', 'Sigmoid', 'Tanh', 'Clip', 'LeakyRelu', 'Elu', 'Gelu', 'Erf', 'Identity', 'Dropout', 'Softmax', 'Neg', 'Abs', 'Cast']);

/** Tensor ranks known without full shape inference: declared value infos, then a few op rules. */
export function rankOf(g: GraphProto, name: string, idx = new GraphIndex(g), depth = 0): number | undefined {
  for (const vi of [...g.input, ...g.valueInfo, ...g.output]) {
    if (vi.name !== name) continue;
    const v = vi.type?.value;
    if (v?.case === 'tensorType' && v.value.shape) return v.value.shape.dim.length;
  }
  const c = idx.inits.get(name);
  if (c) return c.dims.length;
  if (depth > 64) return undefined;
  const p = idx.producer.get(name);
  if (!p) return undefined;
  if (p.opType === 'Flatten' || p.opType === 'Gemm') return 2;
  if (SAME_RANK.has(p.opType)) return rankOf(g, p.input[0], idx, depth + 1);
  if (p.opType === 'Add' || p.opType === 'Mul' || p.opType === 'Sub' || p.opType === 'Div') {
    const a = rankOf(g, p.input[0], idx, depth + 1);
    const b = rankOf(g, p.input[1], idx, depth + 1);
    return a !== undefined && b !== undefined ? Math.max(a, b) : undefined;
  }
  if (p.opType === 'MatMul') {
    const a = rankOf(g, p.input[0], idx, depth + 1);
    const b = rankOf(g, p.input[1], idx, depth + 1);
    return a === 2 && b === 2 ? 2 : undefined;
  }
  void attrInt;
  return undefined;
}
