// Read-only helpers the QDQ patterns share: producer/consumer lookups over the current graph and
// the quantization parameters of Q/DQ nodes whose scale and zero point are initializers.

import type { GraphNode, RuntimeGraph } from '../graph.js';
import type { Tensor } from '../tensor.js';

export interface QParams {
  readonly node: GraphNode;
  /** The quantized value (DQ's input, Q's output). */
  readonly value: string;
  readonly scaleName: string;
  readonly zeroPointName: string;
  readonly scale: Tensor;
  readonly zeroPoint: Tensor | undefined;
  readonly perTensor: boolean;
  /** Normalized later by the caller against the tensor rank; the attribute as written (default 1). */
  readonly axis: number;
  readonly dtype: string;
}

export class GraphIndex {
  private producers = new Map<string, GraphNode>();
  private consumerMap = new Map<string, GraphNode[]>();
  private outputs: Set<string>;

  constructor(private readonly graph: RuntimeGraph) {
    this.outputs = new Set(graph.outputs.map((o) => o.name));
    this.rebuild();
  }

  rebuild(): void {
    this.producers.clear();
    this.consumerMap.clear();
    for (const n of this.graph.nodes) {
      for (const o of n.outputs) if (o !== '') this.producers.set(o, n);
      for (const i of new Set(n.inputs)) {
        if (i === '') continue;
        const list = this.consumerMap.get(i);
        if (list) list.push(n);
        else this.consumerMap.set(i, [n]);
      }
    }
  }

  producer(value: string): GraphNode | undefined {
    return this.producers.get(value);
  }

  consumers(value: string): GraphNode[] {
    return this.consumerMap.get(value) ?? [];
  }

  isGraphOutput(value: string): boolean {
    return this.outputs.has(value);
  }

  initializer(name: string): Tensor | undefined {
    return name === '' ? undefined : this.graph.initializers.get(name);
  }

  /** The node's only consumer when `value` feeds exactly one node and no graph output. */
  soleConsumer(value: string): GraphNode | undefined {
    const c = this.consumers(value);
    return c.length === 1 && !this.isGraphOutput(value) ? c[0] : undefined;
  }

  private params(node: GraphNode, value: string): QParams | undefined {
    const scaleName = node.inputs[1] ?? '';
    const zeroPointName = node.inputs[2] ?? '';
    const scale = this.initializer(scaleName);
    if (!scale || scale.dtype !== 'float32') return undefined;
    const zeroPoint = this.initializer(zeroPointName);
    if (zeroPointName !== '' && !zeroPoint) return undefined;
    const a = node.attributes.get('axis');
    const b = node.attributes.get('block_size');
    if (b && b.kind === 'int' && b.value !== 0) return undefined;
    const perTensor = scale.data.length === 1;
    // Without a zero point the type is the quantized tensor's (a DQ of a constant) or uint8 (a Q's default).
    let dtype: string = zeroPoint?.dtype ?? (node.opType === 'DequantizeLinear' ? this.initializer(value)?.dtype ?? 'unknown' : 'uint8');
    if (!zeroPoint && node.opType === 'QuantizeLinear') {
      const od = node.attributes.get('output_dtype');
      if (od && od.kind === 'int' && od.value !== 0 && od.value !== 2) dtype = od.value === 3 ? 'int8' : 'other';
    }
    return { node, value, scaleName, zeroPointName, scale, zeroPoint, perTensor, axis: a && a.kind === 'int' ? a.value : 1, dtype };
  }

  /** DequantizeLinear producing `value`, with initializer scale/zero point. */
  dq(value: string): QParams | undefined {
    const n = this.producer(value);
    if (!n || n.opType !== 'DequantizeLinear' || n.domain !== '') return undefined;
    return this.params(n, n.inputs[0]);
  }

  /** The single QuantizeLinear reading `value` (and nothing else reading it). */
  soleQ(value: string): QParams | undefined {
    const n = this.soleConsumer(value);
    if (!n || n.opType !== 'QuantizeLinear' || n.domain !== '' || n.inputs[0] !== value) return undefined;
    return this.params(n, n.outputs[0]);
  }
}

export function isInt8(p: QParams | undefined): boolean {
  return p !== undefined && (p.dtype === 'uint8' || p.dtype === 'int8');
}

export function sameParams(a: QParams, b: QParams): boolean {
  if (!a.perTensor || !b.perTensor || a.dtype !== b.dtype) return false;
  const za = a.zeroPoint ? Number(a.zeroPoint.data[0]) : 0;
  const zb = b.zeroPoint ? Number(b.zeroPoint.data[0]) : 0;
  return a.scale.data[0] === b.scale.data[0] && za === zb;
}
