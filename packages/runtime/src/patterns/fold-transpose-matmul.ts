// Transposes around an integer matmul of two activations (attention: Q and V as [B,H,T,D] views of
// [B,T,H,D], Kᵀ, and the [B,H,T,D] → [B,T,H,D] output) fold into the matmul as `octet_perm_a`,
// `octet_perm_b` and `octet_perm_y`: the kernels then read and write through strides and the
// transposed copies never exist. Only when the Transpose is the value's sole reader (or the
// matmul's output's sole reader), and only on the kernels (the TypeScript path would copy anyway).

import type { AttributeValue, GraphNode, RuntimeGraph } from '../graph.js';
import type { GraphPattern, PatternContext } from '../op-registry.js';
import { OCTET_DOMAIN } from '../ops/quant/index.js';
import { GraphIndex } from './qdq-graph.js';

function permOf(t: GraphNode, rank: number | undefined): number[] | undefined {
  const p = t.attributes.get('perm');
  if (p && p.kind === 'ints') return [...p.value];
  return rank === undefined ? undefined : Array.from({ length: rank }, (_, i) => rank - 1 - i);
}

function foldInputs(graph: RuntimeGraph, ix: GraphIndex, n: GraphNode): boolean {
  let changed = false;
  for (const [slot, attr] of [[0, 'octet_perm_a'], [3, 'octet_perm_b']] as const) {
    const v = n.inputs[slot];
    const t = ix.producer(v);
    if (!t || t.opType !== 'Transpose' || t.domain !== '' || ix.initializer(t.inputs[0]) || ix.soleConsumer(v) !== n) continue;
    const perm = permOf(t, undefined);
    if (!perm || perm.length < 2 || n.attributes.has(attr)) continue;
    n.inputs[slot] = t.inputs[0];
    n.attributes.set(attr, { kind: 'ints', value: perm } as AttributeValue);
    graph.nodes = graph.nodes.filter((x) => x !== t);
    changed = true;
  }
  const y = n.outputs[0];
  const t = ix.soleConsumer(y);
  if (t && t.opType === 'Transpose' && t.domain === '' && !n.attributes.has('octet_perm_y')) {
    const perm = permOf(t, undefined);
    if (perm && perm.length >= 2) {
      n.outputs[0] = t.outputs[0];
      n.attributes.set('octet_perm_y', { kind: 'ints', value: perm } as AttributeValue);
      graph.nodes = graph.nodes.filter((x) => x !== t);
      changed = true;
    }
  }
  if (changed) n.domain = OCTET_DOMAIN;
  return changed;
}

export const foldTransposeMatMulPattern: GraphPattern = {
  name: 'fold-transpose-into-integer-matmul',
  apply(graph: RuntimeGraph, ctx: PatternContext) {
    if (!ctx.kernels) return;
    const ix = new GraphIndex(graph);
    for (const n of [...graph.nodes]) {
      if (n.opType !== 'QLinearMatMul' || (n.domain !== '' && n.domain !== OCTET_DOMAIN)) continue;
      // Both operands are activations (B not a weight): the run-time-packed path.
      if (ix.initializer(n.inputs[3]) || ix.producer(n.inputs[3])?.opType === 'DequantizeLinear') continue;
      if (foldInputs(graph, ix, n)) ix.rebuild();
    }
  },
};
