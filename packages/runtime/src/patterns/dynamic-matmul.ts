// Dynamic quantization as ONNX Runtime's quantizer writes it: DynamicQuantizeLinear → MatMulInteger
// → Cast(float) → Mul(·, Mul(x_scale, w_scale)) becomes one `ai.octet` MatMulIntegerToFloat whose
// epilogue multiplies by x_scale·w_scale — the same float product ORT's fused kernel uses — so the
// int32 tensor, the Cast and the Mul never exist (nor a bias Add after them).

import type { GraphNode, RuntimeGraph } from '../graph.js';
import type { GraphPattern } from '../op-registry.js';
import { OCTET_DOMAIN } from '../ops/quant/index.js';
import { GraphIndex } from './qdq-graph.js';

function fuse(graph: RuntimeGraph, ix: GraphIndex, mm: GraphNode): boolean {
  const [xq, w, xzp, wzp = ''] = mm.inputs;
  const dql = ix.producer(xq);
  if (!dql || dql.opType !== 'DynamicQuantizeLinear' || dql.domain !== '' || dql.outputs[0] !== xq || dql.outputs[2] !== xzp) return false;
  if (!ix.initializer(w) || (wzp !== '' && !ix.initializer(wzp))) return false;
  const cast = ix.soleConsumer(mm.outputs[0]);
  const to = cast?.attributes.get('to');
  if (!cast || cast.opType !== 'Cast' || cast.domain !== '' || to?.kind !== 'int' || to.value !== 1) return false;
  const mul = ix.soleConsumer(cast.outputs[0]);
  if (!mul || mul.opType !== 'Mul' || mul.domain !== '') return false;
  const scaleValue = mul.inputs[0] === cast.outputs[0] ? mul.inputs[1] : mul.inputs[0];
  const scaleMul = ix.producer(scaleValue);
  if (!scaleMul || scaleMul.opType !== 'Mul' || scaleMul.domain !== '') return false;
  const xs = dql.outputs[1];
  const ws = scaleMul.inputs[0] === xs ? scaleMul.inputs[1] : scaleMul.inputs[1] === xs ? scaleMul.inputs[0] : '';
  if (ws === '' || !ix.initializer(ws)) return false;
  // A following Add of a constant [N] float bias joins the epilogue: f32(f32(acc·s) + bias) either way.
  const add = ix.soleConsumer(mul.outputs[0]);
  const biasName = add && add.opType === 'Add' && add.domain === '' ? (add.inputs[0] === mul.outputs[0] ? add.inputs[1] : add.inputs[0]) : '';
  const bias = ix.initializer(biasName);
  const wt = ix.initializer(w)!;
  const N = wt.dims[wt.dims.length - 1];
  const withBias = !!bias && bias.dtype === 'float32' && bias.data.length === N && bias.dims.length === 1 && wt.dims.length === 2 && biasName !== mul.outputs[0];
  const fused: GraphNode = {
    name: mm.name,
    opType: 'MatMulIntegerToFloat',
    domain: OCTET_DOMAIN,
    inputs: withBias ? [xq, w, xs, ws, xzp, wzp, biasName] : [xq, w, xs, ws, xzp, wzp],
    outputs: [withBias ? add!.outputs[0] : mul.outputs[0]],
    attributes: new Map(),
  };
  const gone = new Set(withBias ? [cast, mul, add!] : [cast, mul]);
  graph.nodes = graph.nodes.filter((n) => !gone.has(n)).map((n) => (n === mm ? fused : n));
  return true;
}

export const dynamicMatMulPattern: GraphPattern = {
  name: 'dynamic-matmul-to-float',
  apply(graph) {
    const ix = new GraphIndex(graph);
    for (const n of [...graph.nodes]) {
      if (n.opType === 'MatMulInteger' && n.domain === '' && fuse(graph, ix, n)) ix.rebuild();
    }
    // Scale products only the fused nodes read no more.
    ix.rebuild();
    graph.nodes = graph.nodes.filter((n) => !(n.opType === 'Mul' && n.outputs.every((o) => ix.consumers(o).length === 0 && !ix.isGraphOutput(o))));
  },
};
