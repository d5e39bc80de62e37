// The decomposed GELU exporters write, x → Div(√2) (or Mul(1/√2)) → Erf → Add(1) → Mul(x, ·) →
// Mul(·, 0.5) or Mul(Mul(x, 0.5), ·), becomes one ai.octet Gelu: one pass of the SIMD kernel instead of five float
// tensors (transformer FFNs in fp32 and dynamically quantized models).

import type { GraphNode, RuntimeGraph } from '../graph.js';
import type { GraphPattern } from '../op-registry.js';
import { GraphIndex } from './qdq-graph.js';

/** The other input of a two-input node when it is a one-value float constant, with its value. */
function constantOperand(ix: GraphIndex, n: GraphNode, value: string): number | undefined {
  if (n.inputs.length !== 2 || n.inputs[0] === n.inputs[1]) return undefined;
  const other = n.inputs[0] === value ? n.inputs[1] : n.inputs[1] === value ? n.inputs[0] : undefined;
  const c = other === undefined ? undefined : ix.initializer(other);
  return c && c.dtype === 'float32' && c.data.length === 1 && c.dims.length <= 1 ? Number(c.data[0]) : undefined;
}

const near = (v: number | undefined, want: number) => v !== undefined && Math.abs(v - want) <= 1e-6 * Math.abs(want) + 1e-7;

function match(ix: GraphIndex, scale: GraphNode): GraphNode[] | undefined {
  const x = scale.inputs[0];
  const c = constantOperand(ix, scale, x);
  if (scale.inputs[0] !== x || !((scale.opType === 'Div' && near(c, Math.SQRT2)) || (scale.opType === 'Mul' && near(c, Math.SQRT1_2)))) return undefined;
  const erf = ix.soleConsumer(scale.outputs[0]);
  if (!erf || erf.opType !== 'Erf' || erf.domain !== '') return undefined;
  const add = ix.soleConsumer(erf.outputs[0]);
  if (!add || add.opType !== 'Add' || add.domain !== '' || constantOperand(ix, add, erf.outputs[0]) !== 1) return undefined;
  const mul = ix.soleConsumer(add.outputs[0]);
  if (!mul || mul.opType !== 'Mul' || mul.domain !== '' || mul.inputs.length !== 2 || !mul.inputs.includes(add.outputs[0])) return undefined;
  const other = mul.inputs[0] === add.outputs[0] ? mul.inputs[1] : mul.inputs[0];
  if (other === x) {
    const half = ix.soleConsumer(mul.outputs[0]);
    if (!half || half.opType !== 'Mul' || half.domain !== '' || constantOperand(ix, half, mul.outputs[0]) !== 0.5) return undefined;
    return [scale, erf, add, mul, half];
  }
  // (x · 0.5) · (erf(x/√2) + 1), as the quantizers' and some exporters' graphs spell it
  const half = ix.producer(other);
  if (!half || half.opType !== 'Mul' || half.domain !== '' || !half.inputs.includes(x) || constantOperand(ix, half, x) !== 0.5 || ix.soleConsumer(other) !== mul) return undefined;
  return [scale, erf, add, half, mul];
}

export const fuseGeluPattern: GraphPattern = {
  name: 'fuse-decomposed-gelu',
  apply(graph: RuntimeGraph) {
    const ix = new GraphIndex(graph);
    for (const n of [...graph.nodes]) {
      if ((n.opType !== 'Div' && n.opType !== 'Mul') || n.domain !== '' || !graph.nodes.includes(n)) continue;
      const chain = match(ix, n);
      if (!chain) continue;
      // the last node of the chain writes the GELU
      const gelu: GraphNode = { name: n.name, opType: 'Gelu', domain: 'ai.octet', inputs: [n.inputs[0]], outputs: [...chain[4].outputs], attributes: new Map() };
      const gone = new Set(chain);
      graph.nodes.splice(graph.nodes.indexOf(n), 1, gelu);
      graph.nodes = graph.nodes.filter((x) => !gone.has(x));
      ix.rebuild();
    }
  },
};
