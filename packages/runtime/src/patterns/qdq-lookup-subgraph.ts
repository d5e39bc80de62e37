// Any element-wise subgraph whose only varying input is ONE 8-bit tensor x (read through a
// per-tensor DequantizeLinear) and whose result is 8-bit becomes one ai.octet QLinearLookupTable:
// y = table[x]. The table is the subgraph itself evaluated, with the runtime's own ops, on the 256
// possible bytes of x — so it holds exactly what the separate ops would compute, whatever the
// shape of the DAG. GELU in quantized encoders is the case that matters: DQ → {Mul 0.5,
// Mul 1/√2 → Erf → Q → DQ → Add 1 → Q} → QLinearMul (or Mul → Q) is a DAG, not a chain, with
// five to eight tensors per FFN; it becomes one byte-table pass. Runs after the QDQ fusion.

import { attributesOf } from '../attributes.js';
import { evaluateNode, type NodeState } from '../compile.js';
import type { GraphNode, RuntimeGraph } from '../graph.js';
import type { GraphPattern, OpRegistry } from '../op-registry.js';
import type { Tensor } from '../tensor.js';
import { GraphIndex, isInt8 } from './qdq-graph.js';

/** Element-wise ops whose result at one position depends on that position's inputs only. */
const ELEMENTWISE: Readonly<Record<string, ReadonlySet<string>>> = {
  '': new Set([
    'DequantizeLinear', 'QuantizeLinear', 'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Erf', 'Tanh', 'Sigmoid', 'Relu', 'Exp', 'Log',
    'Neg', 'Abs', 'Sqrt', 'Reciprocal', 'Clip', 'HardSigmoid', 'HardSwish', 'LeakyRelu', 'Elu', 'Softplus', 'Identity', 'Floor', 'Ceil',
  ]),
  'com.microsoft': new Set(['QLinearAdd', 'QLinearMul', 'QLinearSigmoid', 'QLinearLeakyRelu']),
  'ai.octet': new Set(['QLinearAdd', 'QLinearMul', 'QLinearSigmoid', 'QLinearLeakyRelu', 'QLinearLookupChain', 'QLinearLookupTable']),
};

/** Initializers only: one that is also a graph input is a default the caller may override. */
type Constants = (name: string) => Tensor | undefined;

function isScalarConstant(constant: Constants, name: string): boolean {
  const c = constant(name);
  return c !== undefined && c.data.length === 1 && c.dims.length <= 1;
}

/** Columns of a rank-1 constant (a per-column bias or scale over the last axis), else 0. */
function columnsOf(constant: Constants, name: string): number {
  const c = constant(name);
  return c !== undefined && c.dims.length === 1 && c.data.length > 1 ? c.dims[0] : 0;
}

/**
 * The nodes reachable from x through element-wise ops whose other inputs are scalar constants or
 * rank-1 constants of one length N (per-column over the last axis: then one table per column).
 */
function regionOf(ix: GraphIndex, constant: Constants, x: string): { region: GraphNode[]; columns: number } {
  const live = new Set([x]);
  const region: GraphNode[] = [];
  const inRegion = new Set<GraphNode>();
  let columns = 0;
  // A node joins when the last of its varying inputs becomes live, so `region` is in topological order.
  const queue = [x];
  while (queue.length) {
    const v = queue.shift()!;
    for (const n of ix.consumers(v)) {
      if (inRegion.has(n) || !ELEMENTWISE[n.domain]?.has(n.opType) || n.outputs.length !== 1) continue;
      const quantizer = n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear';
      let cols = columns;
      const ok = n.inputs.every((i) => {
        if (i === '' || live.has(i) || isScalarConstant(constant, i)) return true;
        const c = columnsOf(constant, i);
        // Q/DQ scales stay per-tensor (their axis attribute would index the evaluation's shape)
        if (c === 0 || quantizer || (cols !== 0 && cols !== c)) return false;
        cols = c;
        return true;
      });
      if (!ok) continue;
      const block = n.attributes.get('block_size');
      if (block && block.kind === 'int' && block.value !== 0) continue;
      columns = cols;
      region.push(n);
      inRegion.add(n);
      live.add(n.outputs[0]);
      queue.push(n.outputs[0]);
    }
  }
  return { region, columns };
}

/** Values of the region on x = every byte (x's dtype), or undefined if an op declines. */
function evaluate(graph: RuntimeGraph, registry: OpRegistry, ix: GraphIndex, x: string, dtype: 'uint8' | 'int8', region: GraphNode[], columns: number): Map<string, Tensor> | undefined {
  const bytes = Array.from({ length: 256 }, (_, i) => (dtype === 'int8' ? (i << 24) >> 24 : i));
  // x as a column [256, 1] when per-column constants broadcast it to [256, N]
  const xDims = columns ? [256, 1] : [256];
  const values = new Map<string, Tensor>([[x, { dtype, dims: xDims, data: dtype === 'int8' ? Int8Array.from(bytes) : Uint8Array.from(bytes) }]]);
  for (const node of region) {
    const opset = graph.opsets.get(node.domain) ?? 1;
    const config = registry.resolve(node.opType, node.domain, opset);
    if (typeof config === 'string') return undefined;
    const state: NodeState = {
      node, config, opset, attrs: attributesOf(node), cache: new Map(), workspaces: new Map(), shapeOnly: new Set(),
      heap: { scratch: new Map(), constants: new Map(), disposers: [] },
    };
    try {
      const inputs = node.inputs.map((i) => (i === '' ? undefined : values.get(i) ?? ix.initializer(i)));
      // without kernels: plain arrays, nothing on the WASM heap
      const [out] = evaluateNode(state, inputs, undefined, () => undefined);
      const d = out.dims;
      if (columns ? d.length !== 2 || d[0] !== 256 || (d[1] !== 1 && d[1] !== columns) : d.length !== 1 || d[0] !== 256) return undefined;
      values.set(node.outputs[0], out);
    } catch {
      return undefined;
    }
  }
  return values;
}

/** [256] for one table, [N, 256] (column-major over the evaluation's [256, N]) for one per column. */
function tableOf(v: Tensor): Tensor {
  const n = v.dims.length === 2 ? v.dims[1] : 1;
  if (n === 1) return { dtype: v.dtype, dims: [256], data: v.data };
  const data = new Uint8Array(256 * n);
  const src = new Uint8Array(v.data.buffer, v.data.byteOffset, 256 * n);
  for (let i = 0; i < 256; i++) for (let j = 0; j < n; j++) data[j * 256 + i] = src[i * n + j];
  return { dtype: v.dtype, dims: [n, 256], data: v.dtype === 'int8' ? new Int8Array(data.buffer) : data };
}

function fuseFrom(graph: RuntimeGraph, registry: OpRegistry, ix: GraphIndex, x: string, dtype: 'uint8' | 'int8'): boolean {
  const inputs = new Set(graph.inputs.map((i) => i.name));
  const constant: Constants = (name) => (inputs.has(name) ? undefined : ix.initializer(name));
  const { region, columns } = regionOf(ix, constant, x);
  if (region.length < 2) return false;
  const inRegion = new Set(region);
  const producedBy = new Map(region.map((n) => [n.outputs[0], n]));
  // results read outside the region (or graph outputs) that are 8-bit
  // (an exit through a DequantizeLinear: the 8-bit value it reads, so the DQ stays and reads the table's bytes)
  const exits = region.filter((n) => ix.isGraphOutput(n.outputs[0]) || ix.consumers(n.outputs[0]).some((c) => !inRegion.has(c)));
  const candidates = [...new Set(exits.map((n) => (n.opType === 'DequantizeLinear' && n.domain === '' ? producedBy.get(n.inputs[0]) ?? n : n)))];
  let values: Map<string, Tensor> | undefined;
  let fused = false;
  for (const n of candidates) {
    const y = n.outputs[0];
    // the nodes y depends on: worth a table when there are at least two
    const deps = new Set<GraphNode>();
    const stack = [n];
    while (stack.length) {
      const d = stack.pop()!;
      if (deps.has(d)) continue;
      deps.add(d);
      for (const i of d.inputs) {
        const p = producedBy.get(i);
        if (p) stack.push(p);
      }
    }
    if (deps.size < 2) continue;
    values ??= evaluate(graph, registry, ix, x, dtype, region, columns);
    if (!values) return false;
    const table = values.get(y);
    if (!table || (table.dtype !== 'uint8' && table.dtype !== 'int8')) continue;
    const tableName = `${y}__octet_lookup_table`;
    graph.initializers.set(tableName, tableOf(table));
    const lookup: GraphNode = { name: n.name, opType: 'QLinearLookupTable', domain: 'ai.octet', inputs: [x, tableName], outputs: [y], attributes: new Map() };
    graph.nodes.splice(graph.nodes.indexOf(n), 1, lookup);
    fused = true;
  }
  if (!fused) return false;
  // the region's nodes nothing reads any more
  for (let removed = true; removed; ) {
    removed = false;
    ix.rebuild();
    const dead = new Set(graph.nodes.filter((m) => inRegion.has(m) && m.outputs.every((o) => o === '' || (ix.consumers(o).length === 0 && !ix.isGraphOutput(o)))));
    if (dead.size) {
      graph.nodes = graph.nodes.filter((m) => !dead.has(m));
      removed = true;
    }
  }
  return true;
}

export const qdqLookupSubgraphPattern: GraphPattern = {
  name: 'qdq-lookup-subgraph',
  apply(graph, ctx) {
    const ix = new GraphIndex(graph);
    const roots = new Map<string, 'uint8' | 'int8'>();
    for (const n of graph.nodes) {
      if (n.opType !== 'DequantizeLinear' || n.domain !== '') continue;
      const p = ix.dq(n.outputs[0]);
      if (p && p.perTensor && isInt8(p) && p.zeroPointName !== '' && !ix.initializer(p.value)) roots.set(p.value, p.dtype as 'uint8' | 'int8');
    }
    for (const [x, dtype] of roots) if (fuseFrom(graph, ctx.registry, ix, x, dtype)) ix.rebuild();
  },
};
