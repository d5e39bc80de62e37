// DQ → element-wise float ops of that one value (Erf, Tanh, Sigmoid, …, and Add/Sub/Mul/Div by a
// scalar constant) → Q becomes one ai.octet QLinearLookupChain: a 256-entry table of
// quantize(f(dequantize(q))) built once, so the float tensors and the Q/DQ passes never exist
// (GELU's x/√2 → Erf in a QDQ encoder, for instance). Runs after the QDQ fusion.

import type { GraphNode, RuntimeGraph } from '../graph.js';
import type { GraphPattern } from '../op-registry.js';
import { OCTET_DOMAIN } from '../ops/quant/index.js';
import { LOOKUP_UNARY, type ChainStep } from '../ops/quant/qlinear-lookup.js';
import { GraphIndex, isInt8 } from './qdq-graph.js';

const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div']);

/** The step `n` applies to `value`, or undefined when it is not a one-value element-wise op. */
function stepOf(ix: GraphIndex, n: GraphNode, value: string): ChainStep | undefined {
  if (n.domain !== '' || n.outputs.length !== 1) return undefined;
  if (LOOKUP_UNARY[n.opType] && n.inputs.length === 1 && n.attributes.size === 0) return { op: n.opType };
  if (!BINARY.has(n.opType) || n.inputs.length !== 2 || n.inputs[0] === n.inputs[1]) return undefined;
  const side = n.inputs[0] === value ? 0 : 1;
  const c = ix.initializer(n.inputs[1 - side]);
  if (!c || c.dtype !== 'float32' || c.data.length !== 1 || c.dims.length > 1) return undefined;
  return { op: n.opType, constant: Number(c.data[0]), constantFirst: side === 1 };
}

function fuse(graph: RuntimeGraph, ix: GraphIndex, dq: GraphNode): boolean {
  const x = ix.dq(dq.outputs[0]);
  if (!x || !x.perTensor || !isInt8(x) || x.zeroPointName === '') return false;
  const steps: ChainStep[] = [];
  const chain: GraphNode[] = [];
  let cur = dq.outputs[0];
  for (;;) {
    const q = ix.soleQ(cur);
    if (q) {
      if (steps.length === 0 || !q.perTensor || q.dtype !== x.dtype || q.zeroPointName === '') return false;
      const fused: GraphNode = {
        name: chain[0].name,
        opType: 'QLinearLookupChain',
        domain: OCTET_DOMAIN,
        inputs: [x.value, x.scaleName, x.zeroPointName, q.scaleName, q.zeroPointName],
        outputs: [q.value],
        attributes: new Map([['steps', { kind: 'string', value: JSON.stringify(steps) }]]),
      };
      const gone = new Set([...chain, q.node]);
      const at = graph.nodes.indexOf(chain[0]);
      graph.nodes.splice(at, 1, fused);
      graph.nodes = graph.nodes.filter((n) => !gone.has(n));
      return true;
    }
    const n = ix.soleConsumer(cur);
    const step = n ? stepOf(ix, n, cur) : undefined;
    if (!n || !step) return false;
    steps.push(step);
    chain.push(n);
    cur = n.outputs[0];
  }
}

export const qdqLookupChainPattern: GraphPattern = {
  name: 'qdq-lookup-chain',
  apply(graph) {
    const ix = new GraphIndex(graph);
    for (const n of [...graph.nodes]) {
      if (n.opType === 'DequantizeLinear' && n.domain === '' && graph.nodes.includes(n) && fuse(graph, ix, n)) ix.rebuild();
    }
    // DQs only the fused chains read no more.
    ix.rebuild();
    graph.nodes = graph.nodes.filter((n) => !(n.opType === 'DequantizeLinear' && n.domain === '' && n.outputs.every((o) => ix.consumers(o).length === 0 && !ix.isGraphOutput(o))));
  },
};
