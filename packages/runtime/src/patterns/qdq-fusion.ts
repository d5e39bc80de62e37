// QDQ → integer ops, following ONNX Runtime's QDQ selector/action rules (CPU EP) so results
// match its outputs: DQ → {Conv, MatMul, Gemm, Add, Mul, AveragePool, GlobalAveragePool, Sigmoid,
// LeakyRelu, Softmax, Concat} → Q becomes one `ai.octet` node with the QOperator input layout
// (QLinearConv, QLinearMatMul, QGemm, QLinearAdd, …); DQ → MatMul/Gemm without a Q becomes
// MatMulIntegerToFloat / float-output QGemm; a ReLU or Clip between the op and its Q folds into
// the output clamp; data-movement ops (Reshape, Transpose, MaxPool, …) between a DQ and a Q with
// equal parameters run on the integers directly. Whatever is left runs as standalone Q/DQ ops.

import type { AttributeValue, GraphNode, RuntimeGraph } from '../graph.js';
import { opsetOf } from '../graph.js';
import type { GraphPattern } from '../op-registry.js';
import { OCTET_DOMAIN } from '../ops/quant/index.js';
import { qRange, quantizeValue } from '../ops/quant/quant-params.js';
import { GraphIndex, isInt8, sameParams, type QParams } from './qdq-graph.js';

/** Ops that move data without changing it: DQ → op → Q with equal parameters runs on integers. */
const DROP_QDQ = new Set(['Reshape', 'Transpose', 'Flatten', 'Squeeze', 'Unsqueeze', 'Gather', 'Slice', 'Expand', 'Tile', 'MaxPool']);

const UNARY: Record<string, string> = {
  AveragePool: 'QLinearAveragePool',
  GlobalAveragePool: 'QLinearGlobalAveragePool',
  Sigmoid: 'QLinearSigmoid',
  LeakyRelu: 'QLinearLeakyRelu',
  Softmax: 'QLinearSoftmax',
};

interface Rewrite {
  remove: GraphNode[];
  add: GraphNode;
}

function fusedNode(target: GraphNode, opType: string, inputs: string[], outputs: string[], extra: [string, AttributeValue][] = []): GraphNode {
  const attributes = new Map(target.attributes);
  for (const [k, v] of extra) attributes.set(k, v);
  return { name: target.name, opType, domain: OCTET_DOMAIN, inputs, outputs, attributes };
}

/** An activation between the op and its Q (ReLU, Clip with constant bounds) folded into the clamp. */
interface Activation {
  node: GraphNode | undefined;
  /** The value the Q reads. */
  value: string;
  min?: number;
  max?: number;
}

export class QdqFusion {
  private readonly ix: GraphIndex;

  constructor(private readonly graph: RuntimeGraph) {
    this.ix = new GraphIndex(graph);
  }

  run(): void {
    for (const node of [...this.graph.nodes]) {
      if (!this.graph.nodes.includes(node) || node.domain !== '') continue;
      const r = this.match(node);
      if (!r) continue;
      const removed = new Set(r.remove);
      const at = this.graph.nodes.indexOf(node);
      this.graph.nodes.splice(at, 1, r.add);
      this.graph.nodes = this.graph.nodes.filter((n) => n === r.add || !removed.has(n));
      this.ix.rebuild();
    }
    this.removeDeadDequantize();
  }

  private match(n: GraphNode): Rewrite | undefined {
    switch (n.opType) {
      case 'Conv':
        return this.conv(n);
      case 'MatMul':
        return this.matMul(n);
      case 'Gemm':
        return this.gemm(n);
      case 'Add':
      case 'Mul':
        return this.binary(n);
      case 'Concat':
        return this.concat(n);
      default:
        if (UNARY[n.opType]) return this.unary(n);
        if (DROP_QDQ.has(n.opType)) return this.dropQdq(n);
        return undefined;
    }
  }

  /** Per-tensor 8-bit activation DQ with an explicit zero point. */
  private activationDq(value: string): QParams | undefined {
    const p = this.ix.dq(value);
    return p && p.perTensor && isInt8(p) && p.zeroPointName !== '' ? p : undefined;
  }

  /** The op's output → optional ReLU/Clip → single per-tensor 8-bit Q. */
  private outputQ(value: string): { q: QParams; act: Activation } | undefined {
    const direct = this.ix.soleQ(value);
    if (direct) return direct.perTensor && isInt8(direct) && direct.zeroPointName !== '' ? { q: direct, act: { node: undefined, value } } : undefined;
    const a = this.ix.soleConsumer(value);
    if (!a || a.domain !== '' || a.inputs[0] !== value) return undefined;
    let min = -Infinity;
    let max = Infinity;
    if (a.opType === 'Relu') min = 0;
    else if (a.opType === 'Clip') {
      if (a.attributes.has('min') || a.attributes.has('max')) {
        const lo = a.attributes.get('min');
        const hi = a.attributes.get('max');
        if (lo?.kind === 'float') min = lo.value;
        if (hi?.kind === 'float') max = hi.value;
      }
      const lo = this.ix.initializer(a.inputs[1] ?? '');
      const hi = this.ix.initializer(a.inputs[2] ?? '');
      if ((a.inputs[1] ?? '') !== '' && !lo) return undefined;
      if ((a.inputs[2] ?? '') !== '' && !hi) return undefined;
      if (lo) min = Number(lo.data[0]);
      if (hi) max = Number(hi.data[0]);
    } else return undefined;
    const q = this.ix.soleQ(a.outputs[0]);
    if (!q || !q.perTensor || !isInt8(q) || q.zeroPointName === '') return undefined;
    return { q, act: { node: a, value: a.outputs[0], min, max } };
  }

  /** activation_min/max attributes: the activation's bounds quantized with the output's parameters (exact: quantization is monotonic). */
  private clampAttrs(q: QParams, act: Activation): [string, AttributeValue][] {
    if (!act.node) return [];
    const s = Number(q.scale.data[0]);
    const z = Number(q.zeroPoint!.data[0]);
    const [qmin, qmax] = qRange(q.dtype as 'uint8' | 'int8');
    const out: [string, AttributeValue][] = [];
    if (act.min !== undefined && act.min > -Infinity) out.push(['activation_min', { kind: 'int', value: quantizeValue(act.min, s, z, qmin, qmax) }]);
    if (act.max !== undefined && act.max < Infinity) out.push(['activation_max', { kind: 'int', value: quantizeValue(act.max, s, z, qmin, qmax) }]);
    return out;
  }

  /** Constant 8-bit weights DQ: per-tensor, or per-axis along `axis` (normalized with `rank`). */
  private weightDq(value: string, axis: number, rank: number): QParams | undefined {
    const p = this.ix.dq(value);
    if (!p || !isInt8(p) || !this.ix.initializer(p.value)) return undefined;
    if (p.perTensor) return p;
    const ax = p.axis < 0 ? p.axis + rank : p.axis;
    return ax === axis ? p : undefined;
  }

  /** int32 bias DQ with zero point 0 (the int32 accumulator's bias, as ORT's quantizer writes it). */
  private biasDq(value: string): QParams | undefined {
    const p = this.ix.dq(value);
    if (!p || p.dtype !== 'int32' || !this.ix.initializer(p.value)) return undefined;
    if (p.zeroPoint && Array.from(p.zeroPoint.data as Int32Array).some((v) => v !== 0)) return undefined;
    return p;
  }

  private removed(...nodes: (GraphNode | undefined)[]): GraphNode[] {
    return nodes.filter((n): n is GraphNode => n !== undefined);
  }

  private conv(n: GraphNode): Rewrite | undefined {
    const x = this.activationDq(n.inputs[0]);
    const wInit = this.ix.dq(n.inputs[1]);
    const wTensor = wInit ? this.ix.initializer(wInit.value) : undefined; // absent in a malformed model
    const w = wTensor ? this.weightDq(n.inputs[1], 0, wTensor.dims.length) : undefined;
    if (!x || !w || w.dtype !== 'int8' && w.dtype !== 'uint8') return undefined;
    const hasBias = (n.inputs[2] ?? '') !== '';
    const b = hasBias ? this.biasDq(n.inputs[2]) : undefined;
    if (hasBias && !b) return undefined;
    const out = this.outputQ(n.outputs[0]);
    if (!out || out.q.dtype !== x.dtype) return undefined;
    const { q, act } = out;
    return {
      remove: this.removed(q.node, act.node),
      add: fusedNode(
        n,
        'QLinearConv',
        [x.value, x.scaleName, x.zeroPointName, w.value, w.scaleName, w.zeroPointName, q.scaleName, q.zeroPointName, ...(b ? [b.value] : [])],
        [q.value],
        this.clampAttrs(q, act),
      ),
    };
  }

  private matMul(n: GraphNode): Rewrite | undefined {
    const a = this.activationDq(n.inputs[0]);
    if (!a) return undefined;
    let b = this.activationDq(n.inputs[1]);
    if (!b) {
      const bp = this.ix.dq(n.inputs[1]);
      const init = bp ? this.ix.initializer(bp.value) : undefined;
      // Per-column weights only for a 2-D B (axis 1).
      b = init && init.dims.length === 2 ? this.weightDq(n.inputs[1], 1, 2) : undefined;
      if (b && (b.zeroPointName === '' || (!b.perTensor && init!.dims[1] !== b.scale.data.length))) b = undefined;
    }
    if (!b) return undefined;
    const out = this.outputQ(n.outputs[0]);
    if (out) {
      if (out.q.dtype !== a.dtype) return undefined;
      const { q, act } = out;
      return {
        remove: this.removed(q.node, act.node),
        add: fusedNode(
          n,
          'QLinearMatMul',
          [a.value, a.scaleName, a.zeroPointName, b.value, b.scaleName, b.zeroPointName, q.scaleName, q.zeroPointName],
          [q.value],
          this.clampAttrs(q, act),
        ),
      };
    }
    return { remove: [], add: fusedNode(n, 'MatMulIntegerToFloat', [a.value, b.value, a.scaleName, b.scaleName, a.zeroPointName, b.zeroPointName], [...n.outputs]) };
  }

  private gemm(n: GraphNode): Rewrite | undefined {
    const attr = (k: string, d: number) => {
      const v = n.attributes.get(k);
      return v && (v.kind === 'int' || v.kind === 'float') ? v.value : d;
    };
    if (attr('transA', 0) !== 0) return undefined;
    const transB = attr('transB', 0) !== 0;
    const a = this.activationDq(n.inputs[0]);
    const b = this.weightDq(n.inputs[1], transB ? 0 : 1, 2);
    if (!a || !b) return undefined;
    const hasC = (n.inputs[2] ?? '') !== '';
    const c = hasC ? this.biasDq(n.inputs[2]) : undefined;
    if (hasC && (!c || attr('beta', 1) !== 1)) return undefined;
    const out = this.outputQ(n.outputs[0]);
    const extra: [string, AttributeValue][] = [];
    if (out && out.q.dtype !== a.dtype) return undefined;
    const inputs = [a.value, a.scaleName, a.zeroPointName, b.value, b.scaleName, b.zeroPointName, c ? c.value : ''];
    if (!out) return { remove: [], add: fusedNode(n, 'QGemm', inputs, [...n.outputs]) };
    extra.push(...this.clampAttrs(out.q, out.act));
    return {
      remove: this.removed(out.q.node, out.act.node),
      add: fusedNode(n, 'QGemm', [...inputs, out.q.scaleName, out.q.zeroPointName], [out.q.value], extra),
    };
  }

  private binary(n: GraphNode): Rewrite | undefined {
    const a = this.activationDq(n.inputs[0]);
    const b = this.activationDq(n.inputs[1]);
    if (!a || !b || a.dtype !== b.dtype) return undefined;
    const q = this.ix.soleQ(n.outputs[0]);
    if (!q || !q.perTensor || q.dtype !== a.dtype || q.zeroPointName === '') return undefined;
    return {
      remove: [q.node],
      add: fusedNode(n, n.opType === 'Add' ? 'QLinearAdd' : 'QLinearMul', [a.value, a.scaleName, a.zeroPointName, b.value, b.scaleName, b.zeroPointName, q.scaleName, q.zeroPointName], [q.value]),
    };
  }

  private unary(n: GraphNode): Rewrite | undefined {
    const x = this.activationDq(n.inputs[0]);
    if (!x) return undefined;
    const q = this.ix.soleQ(n.outputs[0]);
    if (!q || !q.perTensor || q.dtype !== x.dtype || q.zeroPointName === '') return undefined;
    const extra: [string, AttributeValue][] = [];
    if (n.opType === 'Softmax') extra.push(['opset', { kind: 'int', value: opsetOf(this.graph, '') }]);
    if (n.opType === 'AveragePool' || n.opType === 'GlobalAveragePool') extra.push(['channels_last', { kind: 'int', value: 0 }]);
    return {
      remove: [q.node],
      add: fusedNode(n, UNARY[n.opType], [x.value, x.scaleName, x.zeroPointName, q.scaleName, q.zeroPointName], [q.value], extra),
    };
  }

  private concat(n: GraphNode): Rewrite | undefined {
    const ins = n.inputs.map((v) => this.activationDq(v));
    if (ins.some((p) => !p)) return undefined;
    const q = this.ix.soleQ(n.outputs[0]);
    if (!q || !q.perTensor || q.zeroPointName === '' || ins.some((p) => p!.dtype !== q.dtype)) return undefined;
    return {
      remove: [q.node],
      add: fusedNode(n, 'QLinearConcat', [q.scaleName, q.zeroPointName, ...ins.flatMap((p) => [p!.value, p!.scaleName, p!.zeroPointName])], [q.value]),
    };
  }

  /** DQ → data-movement op → Q with equal parameters: the op runs on the integers. */
  private dropQdq(n: GraphNode): Rewrite | undefined {
    const x = this.ix.dq(n.inputs[0]);
    if (!x || !x.perTensor || !isInt8(x)) return undefined;
    if (n.opType === 'MaxPool' && (n.outputs.length > 1 && n.outputs[1] !== '')) return undefined;
    if (n.opType === 'MaxPool' && !(Number(x.scale.data[0]) > 0)) return undefined;
    const q = this.ix.soleQ(n.outputs[0]);
    if (!q || !sameParams(x, q)) return undefined;
    const kept: GraphNode = { ...n, inputs: [x.value, ...n.inputs.slice(1)], outputs: [q.value, ...n.outputs.slice(1)] };
    return { remove: [q.node], add: kept };
  }

  private removeDeadDequantize(): void {
    let changed = true;
    while (changed) {
      changed = false;
      this.ix.rebuild();
      const before = this.graph.nodes.length;
      this.graph.nodes = this.graph.nodes.filter(
        (n) => !(n.opType === 'DequantizeLinear' && n.domain === '' && n.outputs.every((o) => this.ix.consumers(o).length === 0 && !this.ix.isGraphOutput(o))),
      );
      changed = this.graph.nodes.length !== before;
    }
  }
}

export const qdqFusionPattern: GraphPattern = {
  name: 'qdq-to-integer-ops',
  apply(graph) {
    new QdqFusion(graph).run();
  },
};
