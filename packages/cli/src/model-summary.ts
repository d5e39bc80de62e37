// What `octet inspect` reports about a model: ops, opsets, I/O, parameters, and how (if at all)
// it is quantized. Pure function of the IR, so it also works in a browser.
import { dtypeName, rawByteLength, tensorElementCount, isExternal, type Graph, type Model, type Node, type TensorProto } from '@octet/onnx';

export type QuantScheme = 'qdq' | 'qoperator' | 'dynamic' | 'weight-only';

export interface IoSummary {
  name: string;
  type: string;
  /** numbers for fixed sizes, names for symbolic dims, null when unknown; null as a whole when the rank is unknown */
  shape: (number | string | null)[] | null;
}

export interface QuantizedNode {
  name: string;
  opType: string;
  domain: string;
  scheme: QuantScheme;
  /** element type of its quantized weight, when it has one (int8, uint8, int4, …) */
  weightType?: string;
}

export interface ModelSummary {
  irVersion: number;
  producer: string;
  opsets: { domain: string; version: number }[];
  inputs: IoSummary[];
  outputs: IoSummary[];
  nodes: number;
  ops: { opType: string; domain: string; count: number }[];
  parameters: number;
  parameterBytes: number;
  /** parameter elements and bytes per element type */
  parameterTypes: { type: string; count: number; bytes: number }[];
  externalTensors: number;
  quantization: {
    quantized: boolean;
    schemes: Partial<Record<QuantScheme, number>>;
    /** QuantizeLinear / DequantizeLinear / DynamicQuantizeLinear nodes */
    quantizeNodes: number;
    dequantizeNodes: number;
    nodes: QuantizedNode[];
    /** Conv/ConvTranspose/MatMul/Gemm nodes still computing in float */
    floatComputeNodes: string[];
  };
}

const QOPERATOR_OPS = new Set([
  'QLinearConv', 'QLinearConvTranspose', 'QLinearMatMul', 'QLinearAdd', 'QLinearMul', 'QLinearGlobalAveragePool',
  'QLinearAveragePool', 'QLinearConcat', 'QLinearSigmoid', 'QLinearLeakyRelu', 'QLinearSoftmax', 'QLinearReduceMean',
  'QLinearWhere', 'QGemm', 'QAttention', 'QEmbedLayerNormalization', 'QOrderedMatMul',
]);
const DYNAMIC_OPS = new Set(['MatMulInteger', 'ConvInteger', 'DynamicQuantizeMatMul', 'MatMulIntegerToFloat', 'DynamicQuantizeLSTM']);
const WEIGHT_ONLY_OPS = new Set(['MatMulNBits', 'GatherBlockQuantized', 'MatMulBnb4', 'MatMulFpQ4']);
const FLOAT_COMPUTE_OPS = new Set(['Conv', 'ConvTranspose', 'MatMul', 'Gemm']);
const QUANTIZE_OPS = new Set(['QuantizeLinear', 'DynamicQuantizeLinear']);
const DEQUANTIZE_OPS = new Set(['DequantizeLinear']);

function ioSummary(v: { name: string; elemType?: number; shape?: (number | string | undefined)[] }): IoSummary {
  return {
    name: v.name,
    type: v.elemType ? safeDtypeName(v.elemType) : 'unknown',
    shape: v.shape ? v.shape.map((d) => (d === undefined ? null : d)) : null,
  };
}

function safeDtypeName(dt: number): string {
  try {
    return dtypeName(dt);
  } catch {
    return `dtype ${dt}`;
  }
}

function* allGraphs(g: Graph): Generator<Graph> {
  yield g;
  for (const n of g.nodes) for (const s of n.allSubgraphs()) yield* allGraphs(s);
}

export function summarizeModel(model: Model): ModelSummary {
  const graphs = [...allGraphs(model.graph)];
  const opCounts = new Map<string, { opType: string; domain: string; count: number }>();
  const params = new Map<string, { type: string; count: number; bytes: number }>();
  let parameters = 0;
  let parameterBytes = 0;
  let externalTensors = 0;
  let nodes = 0;
  const addTensor = (t: TensorProto) => {
    const count = tensorElementCount(t);
    const type = safeDtypeName(t.dataType);
    let bytes = 0;
    try {
      bytes = rawByteLength(t.dataType, count);
    } catch {
      bytes = 0; // strings: no fixed width
    }
    parameters += count;
    parameterBytes += bytes;
    if (isExternal(t)) externalTensors++;
    const p = params.get(type) ?? { type, count: 0, bytes: 0 };
    p.count += count;
    p.bytes += bytes;
    params.set(type, p);
  };
  for (const g of graphs) {
    for (const t of g.initializers.values()) addTensor(t);
    for (const n of g.nodes) {
      nodes++;
      const key = `${n.domain}\0${n.opType}`;
      const c = opCounts.get(key) ?? { opType: n.opType, domain: n.domain || 'ai.onnx', count: 0 };
      c.count++;
      opCounts.set(key, c);
      if (n.opType === 'Constant' && !n.domain) {
        const t = n.getTensor('value');
        if (t) addTensor(t);
      }
    }
  }

  const qnodes: QuantizedNode[] = [];
  const floatCompute: string[] = [];
  let quantizeNodes = 0;
  let dequantizeNodes = 0;
  for (const g of graphs) {
    for (const n of g.nodes) {
      if (QUANTIZE_OPS.has(n.opType)) quantizeNodes++;
      if (DEQUANTIZE_OPS.has(n.opType)) dequantizeNodes++;
      const q = classify(g, n);
      if (q) qnodes.push(q);
      else if (FLOAT_COMPUTE_OPS.has(n.opType) && !n.domain) floatCompute.push(n.name || `${n.opType}#${g.nodes.indexOf(n)}`);
    }
  }
  const schemes: Partial<Record<QuantScheme, number>> = {};
  for (const q of qnodes) schemes[q.scheme] = (schemes[q.scheme] ?? 0) + 1;

  return {
    irVersion: model.irVersion,
    producer: [model.proto.producerName, model.proto.producerVersion].filter(Boolean).join(' '),
    opsets: model.opsets.map((o) => ({ domain: o.domain || 'ai.onnx', version: o.version })),
    inputs: model.graph.inputs.filter((v) => !model.graph.initializers.has(v.name)).map(ioSummary),
    outputs: model.graph.outputs.map(ioSummary),
    nodes,
    ops: [...opCounts.values()].sort((a, b) => b.count - a.count || a.opType.localeCompare(b.opType)),
    parameters,
    parameterBytes,
    parameterTypes: [...params.values()].sort((a, b) => b.bytes - a.bytes),
    externalTensors,
    quantization: {
      quantized: qnodes.length > 0,
      schemes,
      quantizeNodes,
      dequantizeNodes,
      nodes: qnodes,
      floatComputeNodes: floatCompute,
    },
  };
}

/** How a node computes on quantized data, or undefined when it is a float (or Q/DQ) node. */
function classify(g: Graph, n: Node): QuantizedNode | undefined {
  const base = { name: n.name || n.outputs[0] || n.opType, opType: n.opType, domain: n.domain || 'ai.onnx' };
  // The weight is the largest integer constant the node reads (directly, or through a DequantizeLinear).
  let weight: { type: string; count: number } | undefined;
  const consider = (name: string) => {
    const t = lookupInitializer(g, name) ?? constantTensor(g, name);
    if (!t) return false;
    const type = safeDtypeName(t.dataType);
    if (/^u?int(2|4|8|16)$/.test(type)) {
      const count = tensorElementCount(t);
      if (!weight || count > weight.count) weight = { type, count };
    }
    return true;
  };
  if (QOPERATOR_OPS.has(n.opType) || DYNAMIC_OPS.has(n.opType) || WEIGHT_ONLY_OPS.has(n.opType)) {
    for (const i of n.inputs) if (i) consider(i);
    const scheme: QuantScheme = QOPERATOR_OPS.has(n.opType) ? 'qoperator' : DYNAMIC_OPS.has(n.opType) ? 'dynamic' : 'weight-only';
    const bits = scheme === 'weight-only' ? n.getInt('bits') : undefined;
    const w = weight as { type: string } | undefined;
    return { ...base, scheme, weightType: bits ? `int${bits}` : w?.type };
  }
  if (QUANTIZE_OPS.has(n.opType) || DEQUANTIZE_OPS.has(n.opType)) return undefined;
  // QDQ: an input dequantizes an activation, or the output is quantized again. Otherwise, when
  // the only dequantized inputs are constant weights, the node is weight-only.
  let activation = n.outputs.some((o) => o && g.consumers(o).some((c) => c.opType === 'QuantizeLinear'));
  let dequantized = false;
  for (const i of n.inputs) {
    if (!i) continue;
    const p = g.producer(i);
    if (!p || p.opType !== 'DequantizeLinear') continue;
    dequantized = true;
    if (!consider(p.inputs[0])) activation = true;
  }
  const weightType = (weight as { type: string } | undefined)?.type;
  if (activation && dequantized) return { ...base, scheme: 'qdq', weightType };
  if (dequantized && weightType) return { ...base, scheme: 'weight-only', weightType };
  return undefined;
}

function lookupInitializer(g: Graph | undefined, name: string): TensorProto | undefined {
  for (let cur = g; cur; cur = cur.parent) {
    const t = cur.initializers.get(name);
    if (t) return t;
  }
  return undefined;
}

function constantTensor(g: Graph, name: string): TensorProto | undefined {
  const p = g.producer(name);
  return p?.opType === 'Constant' ? p.getTensor('value') : undefined;
}

export function formatShape(shape: IoSummary['shape']): string {
  if (!shape) return '?';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
