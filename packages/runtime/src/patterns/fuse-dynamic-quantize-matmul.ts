// A DynamicQuantizeLinear whose outputs only MatMulIntegerToFloat nodes read (as A, a_scale and
// a_zero_point) — as dynamic-matmul-to-float leaves ONNX Runtime's DynamicQuantizeLinear →
// MatMulInteger chains — becomes one `ai.octet` DynamicQuantizeMatMul with one output per matmul:
// on the kernels A is quantized inside the GEMM's packing, once for all the matmuls (Q, K and V of
// an attention block read the same quantized input), so the uint8 tensor never exists.
// Same numbers: the quantization is DynamicQuantizeLinear's, and each matmul's epilogue the same.
// Not applied when anything else reads the quantized tensor, its scale or zero point (or they
// are graph outputs), when a matmul's weights are not constant 2-D, or when a transpose was folded
// into a matmul (octet_perm_*: DynamicQuantizeMatMul reads A row-major).

import type { GraphNode, RuntimeGraph } from '../graph.js';
import type { GraphPattern } from '../op-registry.js';
import { OCTET_DOMAIN } from '../ops/quant/index.js';
import { GraphIndex } from './qdq-graph.js';

const PERMS = ['octet_perm_a', 'octet_perm_b', 'octet_perm_y'];

function isMatMulIntegerToFloat(n: GraphNode): boolean {
  return n.opType === 'MatMulIntegerToFloat' && (n.domain === OCTET_DOMAIN || n.domain === 'com.microsoft');
}

/** The matmuls that may take over `dql`'s quantization, or undefined when the fusion must not apply. */
function fusableConsumers(ix: GraphIndex, dql: GraphNode): GraphNode[] | undefined {
  const [y, ys, yzp] = dql.outputs;
  if (!y || !ys || !yzp || [y, ys, yzp].some((v) => ix.isGraphOutput(v))) return undefined;
  const mms = ix.consumers(y);
  if (mms.length === 0) return undefined;
  for (const mm of mms) {
    if (!isMatMulIntegerToFloat(mm) || mm.inputs[0] !== y || mm.inputs[2] !== ys || mm.inputs[4] !== yzp) return undefined;
    if (PERMS.some((p) => mm.attributes.has(p))) return undefined;
    // B, b_scale, b_zero_point and bias constants (so none of them is y, ys or yzp)
    const w = ix.initializer(mm.inputs[1]);
    if (!w || w.dims.length !== 2 || !ix.initializer(mm.inputs[3])) return undefined;
    const [, , , , , wzp = '', bias = ''] = mm.inputs;
    if (wzp !== '' && !ix.initializer(wzp)) return undefined;
    if (bias !== '' && !ix.initializer(bias)) return undefined;
  }
  const only = new Set(mms);
  if (![ys, yzp].every((v) => ix.consumers(v).every((c) => only.has(c)))) return undefined;
  return mms;
}

function fuse(graph: RuntimeGraph, ix: GraphIndex, dql: GraphNode): boolean {
  const mms = fusableConsumers(ix, dql);
  if (!mms) return false;
  const fused: GraphNode = {
    name: dql.name,
    opType: 'DynamicQuantizeMatMul',
    domain: OCTET_DOMAIN,
    // A, then per matmul: B, b_scale, b_zero_point, bias (MatMulIntegerToFloat inputs 1, 3, 5, 6)
    inputs: [dql.inputs[0], ...mms.flatMap((mm) => [mm.inputs[1], mm.inputs[3], mm.inputs[5] ?? '', mm.inputs[6] ?? ''])],
    outputs: mms.map((mm) => mm.outputs[0]),
    attributes: new Map(),
  };
  const gone = new Set(mms);
  graph.nodes = graph.nodes.filter((n) => !gone.has(n)).map((n) => (n === dql ? fused : n));
  return true;
}

export const fuseDynamicQuantizeMatMulPattern: GraphPattern = {
  name: 'fuse-dynamic-quantize-matmul',
  apply(graph) {
    const ix = new GraphIndex(graph);
    for (const n of [...graph.nodes]) {
      if (n.opType === 'DynamicQuantizeLinear' && n.domain === '' && fuse(graph, ix, n)) ix.rebuild();
    }
  },
};
