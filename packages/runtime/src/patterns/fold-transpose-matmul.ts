// Transposes around a matmul of two activations (QLinearMatMul, MatMulIntegerToFloat or float MatMul) (attention: Q and V as [B,H,T,D] views of
// [B,T,H,D], Kᵀ, and the [B,H,T,D] → [B,T,H,D] output) fold into the matmul as `octet_perm_a`,
// `octet_perm_b` and `octet_perm_y`: the kernels then read and write through strides and the
// transposed copies never exist. Only when the Transpose is the value's sole reader (or the
// matmul's output's sole reader), and only on the kernels (the TypeScript path would copy anyway).
// The float kernels read A and Y by rows and B by rows or columns: only perms that keep that fold.

import type { AttributeValue, GraphNode, RuntimeGraph } from '../graph.js';
import type { GraphPattern, PatternContext } from '../op-registry.js';
import { OCTET_DOMAIN } from '../ops/quant/index.js';
import { GraphIndex } from './qdq-graph.js';

function permOf(t: GraphNode, rank: number | undefined): number[] | undefined {
  const p = t.attributes.get('perm');
  if (p && p.kind === 'ints') return [...p.value];
  return rank === undefined ? undefined : Array.from({ length: rank }, (_, i) => rank - 1 - i);
}

type PermChecks = Record<'a' | 'b' | 'y', (perm: number[]) => boolean>;

/** Which perms a float matmul's kernels can take (innermost axis stays innermost; B may swap). */
const floatOk: PermChecks = {
  a: (p: number[]) => p[p.length - 1] === p.length - 1,
  b: (p: number[]) => p[p.length - 1] === p.length - 1 || p[p.length - 2] === p.length - 1,
  y: (p: number[]) => p[p.length - 1] === p.length - 1,
};
const anyOk: PermChecks = { a: () => true, b: () => true, y: () => true };

function foldInputs(graph: RuntimeGraph, ix: GraphIndex, n: GraphNode, bSlot: number, ok: PermChecks): boolean {
  let changed = false;
  for (const [slot, attr, fits] of [[0, 'octet_perm_a', ok.a], [bSlot, 'octet_perm_b', ok.b]] as const) {
    const v = n.inputs[slot];
    const t = ix.producer(v);
    if (!t || t.opType !== 'Transpose' || t.domain !== '' || ix.initializer(t.inputs[0]) || ix.soleConsumer(v) !== n) continue;
    const perm = permOf(t, undefined);
    if (!perm || perm.length < 2 || !fits(perm) || n.attributes.has(attr)) continue;
    n.inputs[slot] = t.inputs[0];
    n.attributes.set(attr, { kind: 'ints', value: perm } as AttributeValue);
    graph.nodes = graph.nodes.filter((x) => x !== t);
    changed = true;
  }
  const y = n.outputs[0];
  const t = ix.soleConsumer(y);
  if (t && t.opType === 'Transpose' && t.domain === '' && !n.attributes.has('octet_perm_y')) {
    const perm = permOf(t, undefined);
    if (perm && perm.length >= 2 && ok.y(perm)) {
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
      const integer = n.opType === 'QLinearMatMul' || n.opType === 'MatMulIntegerToFloat';
      if (!(integer || n.opType === 'MatMul')) continue;
      const home = n.opType === 'MatMulIntegerToFloat' ? 'com.microsoft' : '';
      if (n.domain !== home && n.domain !== OCTET_DOMAIN) continue;
      const bSlot = n.opType === 'QLinearMatMul' ? 3 : 1;
      // Both operands are activations (B not a weight): the run-time-packed path.
      if (ix.initializer(n.inputs[bSlot]) || ix.producer(n.inputs[bSlot])?.opType === 'DequantizeLinear') continue;
      if (foldInputs(graph, ix, n, bSlot, integer ? anyOk : floatOk)) ix.rebuild();
    }
  },
};
