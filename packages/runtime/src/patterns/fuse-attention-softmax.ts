// Attention probabilities as one ai.octet AttentionSoftmax: the float tail of QKᵀ that encoders
// export and quantizers keep,
//   scores → [Div | Mul by a scalar constant] → [QuantizeLinear → DequantizeLinear]
//          → [Add(mask)] → Softmax(last axis) → [QuantizeLinear]
// (at least one bracketed step) becomes one pass over the scores instead of up to six tensors.
// Runs after the QDQ fusion, so QKᵀ is already an integer product with a float output.

import type { AttributeValue, GraphNode, RuntimeGraph } from '../graph.js';
import type { GraphPattern } from '../op-registry.js';
import { GraphIndex, isInt8, type QParams } from './qdq-graph.js';

function scalarConstant(ix: GraphIndex, name: string): number | undefined {
  const c = ix.initializer(name);
  return c && c.dtype === 'float32' && c.data.length === 1 && c.dims.length <= 1 ? Number(c.data[0]) : undefined;
}

/** Softmax over the last axis whatever the rank: opset ≥ 13 with axis −1. */
function isLastAxisSoftmax(graph: RuntimeGraph, n: GraphNode): boolean {
  if (n.opType !== 'Softmax' || n.domain !== '' || n.inputs.length !== 1) return false;
  const a = n.attributes.get('axis');
  return (graph.opsets.get('') ?? 1) >= 13 && (a === undefined || (a.kind === 'int' && a.value === -1));
}

interface Scores {
  value: string;
  nodes: GraphNode[];
  mul: number;
  div: number;
  roundTrip?: QParams;
}

/** Walks back from `value` (read only by `reader`) through the optional Q → DQ and scale steps. */
function scoresOf(ix: GraphIndex, value: string): Scores {
  const s: Scores = { value, nodes: [], mul: 1, div: 1 };
  const dq = ix.dq(s.value);
  if (dq && dq.perTensor && isInt8(dq) && dq.zeroPointName !== '' && ix.soleConsumer(s.value)) {
    const qNode = ix.producer(dq.value);
    const q = qNode ? ix.soleQ(qNode.inputs[0]) : undefined;
    if (qNode && q && q.node === qNode && q.scaleName === dq.scaleName && q.zeroPointName === dq.zeroPointName && q.dtype === dq.dtype && ix.soleConsumer(q.value) === dq.node) {
      s.roundTrip = q;
      s.nodes.push(dq.node, qNode);
      s.value = qNode.inputs[0];
    }
  }
  const p = ix.producer(s.value);
  if (p && p.domain === '' && p.inputs.length === 2 && ix.soleConsumer(s.value) && (p.opType === 'Div' || p.opType === 'Mul')) {
    const c1 = scalarConstant(ix, p.inputs[1]);
    const c0 = p.opType === 'Mul' ? scalarConstant(ix, p.inputs[0]) : undefined;
    if (c1 !== undefined || c0 !== undefined) {
      if (p.opType === 'Div') s.div = c1!;
      else s.mul = c1 ?? c0!;
      s.nodes.push(p);
      s.value = c1 !== undefined ? p.inputs[0] : p.inputs[1];
    }
  }
  return s;
}

/**
 * Rewrites the MatMulIntegerToFloat producing the scores into a QLinearMatMul writing the round
 * trip's uint8 value directly (y_scale = div·qs / mul), when its operands' quantization is constant.
 */
function requantizedProduct(graph: RuntimeGraph, ix: GraphIndex, scores: Scores, rt: QParams): boolean {
  const mm = ix.producer(scores.value);
  if (!mm || mm.opType !== 'MatMulIntegerToFloat' || (mm.domain !== 'ai.octet' && mm.domain !== 'com.microsoft') || rt.dtype !== 'uint8' || rt.zeroPointName === '') return false;
  if (ix.soleConsumer(scores.value) === undefined || (mm.inputs[6] ?? '') !== '') return false;
  const [a, b, sa, sb, za, zb] = mm.inputs;
  if (!a || !b || !za || !zb || scalarConstant(ix, sa) === undefined || scalarConstant(ix, sb) === undefined || !ix.initializer(za) || !ix.initializer(zb)) return false;
  const yScale = `${rt.value}__octet_product_scale`;
  graph.initializers.set(yScale, { dtype: 'float32', dims: [], data: Float32Array.of(Math.fround((scores.div * Number(rt.scale.data[0])) / scores.mul)) });
  const product: GraphNode = {
    name: mm.name,
    opType: 'QLinearMatMul',
    domain: 'ai.octet',
    inputs: [a, sa, za, b, sb, zb, yScale, rt.zeroPointName],
    outputs: [rt.value],
    attributes: new Map([...mm.attributes].filter(([key]) => key.startsWith('octet_perm_'))),
  };
  graph.nodes.splice(graph.nodes.indexOf(mm), 1, product);
  return true;
}

function fuse(graph: RuntimeGraph, ix: GraphIndex, softmax: GraphNode): boolean {
  const input = softmax.inputs[0];
  let mask = '';
  const nodes: GraphNode[] = [softmax];
  const add = ix.producer(input);
  let scores: Scores;
  if (add && add.opType === 'Add' && add.domain === '' && add.inputs.length === 2 && add.inputs[0] !== add.inputs[1] && ix.soleConsumer(input) === softmax) {
    // the scores are the side with a scale or round-trip step (else the first input)
    const s0 = scoresOf(ix, add.inputs[0]);
    const s1 = s0.nodes.length === 0 ? scoresOf(ix, add.inputs[1]) : undefined;
    const side = s1 && s1.nodes.length > 0 ? 1 : 0;
    scores = side === 1 ? s1! : s0;
    mask = add.inputs[1 - side];
    nodes.push(add);
  } else scores = scoresOf(ix, input);
  nodes.push(...scores.nodes);
  const outQ = ix.soleQ(softmax.outputs[0]);
  const yq = outQ && outQ.perTensor && isInt8(outQ) && outQ.zeroPointName !== '' ? outQ : undefined;
  if (yq) nodes.push(yq.node);
  if (nodes.length === 1) return false;
  const rt = scores.roundTrip;
  // QKᵀ as an integer product with a float output, scaled and re-quantized to uint8: the product
  // writes the uint8 scores itself (one requantization) and the softmax reads bytes
  const requantized = rt ? requantizedProduct(graph, ix, scores, rt) : false;
  const attributes = new Map<string, AttributeValue>([
    ['mul', { kind: 'float', value: requantized ? 1 : scores.mul }],
    ['div', { kind: 'float', value: requantized ? 1 : scores.div }],
  ]);
  const fused: GraphNode = {
    name: softmax.name,
    opType: 'AttentionSoftmax',
    domain: 'ai.octet',
    inputs: [requantized ? rt!.value : scores.value, mask, rt?.scaleName ?? '', rt?.zeroPointName ?? '', yq?.scaleName ?? '', yq?.zeroPointName ?? ''],
    outputs: [yq ? yq.value : softmax.outputs[0]],
    attributes,
  };
  const gone = new Set(nodes);
  graph.nodes.splice(graph.nodes.indexOf(softmax), 1, fused);
  graph.nodes = graph.nodes.filter((n) => !gone.has(n));
  return true;
}

export const fuseAttentionSoftmaxPattern: GraphPattern = {
  name: 'fuse-attention-softmax',
  apply(graph, ctx) {
    // the fused op runs the WASM kernel; without kernels the separate float ops are as good
    if (!ctx.kernels) return;
    const ix = new GraphIndex(graph);
    for (const n of [...graph.nodes]) {
      if (isLastAxisSoftmax(graph, n) && graph.nodes.includes(n) && fuse(graph, ix, n)) ix.rebuild();
    }
  },
};
