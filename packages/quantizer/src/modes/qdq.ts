// Static quantization in QDQ form: QuantizeLinear/DequantizeLinear pairs on activations, quantized
// weights (per tensor or per channel) behind DequantizeLinear, int32 biases.
import type { ModelProto, NodeProto } from 'onnx-buf';
import { adjustWeightScaleForInt32Bias, quantizeBias } from '../numerics/bias.js';
import { QUANT_TYPE_ONNX, isSignedQuantType, type QuantType } from '../numerics/qtype.js';
import { scaleZeroPointFor, type ScaleZeroPoint } from '../numerics/scale-zero-point.js';
import { perChannelAxis, quantizeWeight, requantizeWithParams } from '../numerics/weight.js';
import type { TensorRange } from '../calibration/range-collector.js';
import { DT, dimsOf, floatTensor, intTensor, toFloat32, type ExternalLoader } from '../model/tensors.js';
import {
  GraphIndex,
  attrFloat,
  attrInt,
  ensureOpset,
  makeNode,
  removeUnusedInitializers,
  topoSort,
} from '../model/graph.js';
import { NORMALIZATION_WEIGHTED_OPS, REMOVABLE_ACTIVATIONS, SHARED_PARAM_OPS, WEIGHTED_OPS } from './op-classes.js';

export interface QdqOptions {
  activationType: QuantType;
  weightType: QuantType;
  activationSymmetric: boolean;
  weightSymmetric: boolean;
  perChannel: boolean;
  reduceRange: boolean;
  opTypes: ReadonlySet<string>;
  excludeNodes: ReadonlySet<string>;
  /** Tensors that must stay float (chosen by the sensitivity step or the user). */
  floatTensors: ReadonlySet<string>;
  /** Remove Relu/Clip(0, …) whose quantized output range already clamps (ONNX Runtime does). */
  removeActivations: boolean;
  minRealRange?: number;
  external?: ExternalLoader;
  /** Reuse quantized weights across repeated builds of the same model (sensitivity search). */
  weightCache?: Map<string, { scales: Float32Array; zeroPoints: Int32Array; data: ArrayLike<number>; biasAdjusted: boolean }>;
}

export interface ActivationParams extends ScaleZeroPoint {
  type: QuantType;
  range: TensorRange;
}

export interface WeightRecord {
  name: string;
  node: string;
  axis?: number;
  scales: Float32Array;
  zeroPoints: Int32Array;
  type: QuantType;
  biasAdjusted: boolean;
}

export interface QdqResult {
  quantizedNodes: string[];
  activations: Map<string, ActivationParams>;
  weights: WeightRecord[];
  removedActivations: string[];
}

/** Indices of a node's inputs that carry activations to quantize (constants are handled apart). */
function activationInputIndices(n: NodeProto): number[] {
  switch (n.opType) {
    case 'Conv':
    case 'ConvTranspose':
    case 'Gemm':
    case 'MatMul':
      return [0, 1];
    case 'Reshape':
    case 'Expand':
    case 'Slice':
    case 'Squeeze':
    case 'Unsqueeze':
    case 'Resize':
    case 'Pad':
    case 'Split':
    case 'Clip':
    case 'Gather':
    case 'LayerNormalization':
    case 'InstanceNormalization':
      return [0];
    case 'Where':
      return [1, 2];
    default:
      return n.input.map((_, i) => i);
  }
}

function nodeLabel(n: NodeProto): string {
  return n.name || `${n.opType}(${n.output[0]})`;
}

/**
 * Inserts QDQ pairs and quantized weights into `model` in place, following ONNX Runtime's QDQ
 * quantizer: activations use `ranges` (calibration), weights their own min/max, biases
 * inputScale × weightScale.
 */
export function insertQdq(model: ModelProto, ranges: Map<string, TensorRange>, types: Map<string, string>, opts: QdqOptions): QdqResult {
  const graph = model.graph!;
  topoSort(graph);
  let idx = new GraphIndex(graph);
  const isFloatValue = (name: string) => {
    const c = idx.inits.get(name);
    if (c) return c.dataType === DT.FLOAT;
    return types.get(name) === 'float32';
  };
  const canQuantizeActivation = (name: string) => !!name && isFloatValue(name) && ranges.has(name) && !opts.floatTensors.has(name);
  // An embedding lookup: ONNX Runtime quantizes the float table like an activation (its own
  // min/max, activation type) and gives the gathered output the table's parameters.
  const isGatherTable = (n: NodeProto) => {
    if (n.opType !== 'Gather' || !idx.inits.has(n.input[0])) return false;
    const t = idx.constant(n.input[0]);
    return !!t && t.dataType === DT.FLOAT && !opts.floatTensors.has(n.output[0]);
  };

  // 1. Select nodes.
  const selected = new Set<NodeProto>();
  for (const n of graph.node) {
    if (n.domain && n.domain !== 'ai.onnx') continue;
    if (!opts.opTypes.has(n.opType)) continue;
    if (opts.excludeNodes.has(n.name)) continue;
    if (isGatherTable(n)) {
      selected.add(n);
      continue;
    }
    const acts = activationInputIndices(n).filter((i) => i < n.input.length && n.input[i] && !idx.constant(n.input[i]));
    if (!acts.length) continue;
    if (!acts.every((i) => canQuantizeActivation(n.input[i]))) continue;
    if (WEIGHTED_OPS.has(n.opType)) {
      const w = n.input[1];
      const wc = idx.constant(w);
      if (wc && wc.dataType !== DT.FLOAT) continue;
      if (n.opType === 'Gemm' && attrInt(n, 'transA', 0) !== 0 && !wc) continue;
    }
    selected.add(n);
  }
  const takesAsActivation = (consumer: NodeProto, name: string) =>
    selected.has(consumer) && activationInputIndices(consumer).some((i) => consumer.input[i] === name && !idx.constant(name));

  // 2. Remove Relu/Clip(0, …) after a quantized producer when the quantized range clamps the same.
  const removed: string[] = [];
  if (opts.removeActivations && !opts.activationSymmetric) {
    for (const r of [...graph.node]) {
      if (!REMOVABLE_ACTIVATIONS.has(r.opType) || !selected.has(r)) continue;
      if (r.opType === 'Clip' && !clipStartsAtZero(r, idx)) continue;
      const t = r.input[0];
      const out = r.output[0];
      const producer = idx.producer.get(t);
      if (!producer || !selected.has(producer) || idx.graphOutputs.has(t) || idx.graphOutputs.has(out)) continue;
      if (idx.consumersOf(t).length !== 1) continue;
      const consumers = idx.consumersOf(out);
      if (!consumers.length || !consumers.every((c) => takesAsActivation(c, out))) continue;
      if (!ranges.has(out) || opts.floatTensors.has(out)) continue;
      producer.output[producer.output.indexOf(t)] = out;
      graph.node.splice(graph.node.indexOf(r), 1);
      selected.delete(r);
      removed.push(nodeLabel(r));
      idx = new GraphIndex(graph);
    }
  }

  // 3. Activation parameters in topological order (data-movement ops share their input's).
  const activations = new Map<string, ActivationParams>();
  const paramsFor = (name: string): ActivationParams => {
    const have = activations.get(name);
    if (have) return have;
    const producer = idx.producer.get(name);
    if (producer && SHARED_PARAM_OPS.has(producer.opType) && selected.has(producer) && producer.output[0] === name) {
      const src = producer.input[0];
      if (!idx.constant(src) && canQuantizeActivation(src)) {
        const p = paramsFor(src);
        activations.set(name, p);
        return p;
      }
    }
    const range = ranges.get(name)!;
    const szp = scaleZeroPointFor(range.min, range.max, opts.activationType, {
      symmetric: opts.activationSymmetric,
      minRealRange: opts.minRealRange,
    });
    const p: ActivationParams = { ...szp, type: opts.activationType, range };
    activations.set(name, p);
    return p;
  };

  const tables: { node: NodeProto; params: ActivationParams; data: Float32Array; dims: number[] }[] = [];
  for (const n of selected) {
    if (!isGatherTable(n)) continue;
    const t = idx.constant(n.input[0])!;
    const data = toFloat32(t, opts.external);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < data.length; i++) {
      if (data[i] < lo) lo = data[i];
      if (data[i] > hi) hi = data[i];
    }
    if (lo === Infinity) lo = hi = 0;
    const range = { min: lo, max: hi };
    const params: ActivationParams = { ...scaleZeroPointFor(lo, hi, opts.activationType, { symmetric: opts.activationSymmetric }), type: opts.activationType, range };
    activations.set(n.output[0], params);
    tables.push({ node: n, params, data, dims: dimsOf(t) });
  }

  const toQuantize = new Set<string>();
  for (const n of graph.node) {
    if (!selected.has(n)) continue;
    for (const i of activationInputIndices(n)) {
      const name = n.input[i];
      if (i < n.input.length && name && !idx.constant(name)) toQuantize.add(name);
    }
  }
  for (const n of graph.node) for (const o of n.output) if (toQuantize.has(o)) paramsFor(o);
  for (const name of toQuantize) paramsFor(name);

  // 4. QDQ pairs on activations.
  const newNodes: NodeProto[] = [];
  const aType = QUANT_TYPE_ONNX[opts.activationType];
  const dqOut = new Map<string, string>();
  const paramNames = new Map<ActivationParams, { s: string; z: string }>();
  for (const name of toQuantize) {
    const p = activations.get(name)!;
    let pn = paramNames.get(p);
    if (!pn) {
      const s = idx.addInitializer(floatTensor(idx.unique(`${name}_scale`), [], Float32Array.of(p.scale)));
      const z = idx.addInitializer(intTensor(idx.unique(`${name}_zero_point`), aType, [], [p.zeroPoint]));
      pn = { s, z };
      paramNames.set(p, pn);
    }
    const q = idx.unique(`${name}_QuantizeLinear_Output`);
    const dq = idx.unique(`${name}_DequantizeLinear_Output`);
    newNodes.push(makeNode('QuantizeLinear', [name, pn.s, pn.z], [q], {}, idx.unique(`${name}_QuantizeLinear`)));
    newNodes.push(makeNode('DequantizeLinear', [q, pn.s, pn.z], [dq], {}, idx.unique(`${name}_DequantizeLinear`)));
    dqOut.set(name, dq);
  }
  for (const n of selected) {
    for (const i of activationInputIndices(n)) {
      const name = n.input[i];
      const dq = name ? dqOut.get(name) : undefined;
      if (dq) n.input[i] = dq;
    }
  }

  // 5. Weights and biases of the weighted ops.
  const weights: WeightRecord[] = [];
  const wType = QUANT_TYPE_ONNX[opts.weightType];
  let perChannelUsed = false;
  const aOnnx = QUANT_TYPE_ONNX[opts.activationType];
  for (const { node, params, data, dims } of tables) {
    const table = node.input[0];
    const q = requantizeWithParams(data, dims, opts.activationType, Float32Array.of(params.scale), Int32Array.of(params.zeroPoint));
    const qName = idx.addInitializer(intTensor(idx.unique(`${table}_quantized`), aOnnx, dims, q));
    const sName = idx.addInitializer(floatTensor(idx.unique(`${table}_scale`), [], Float32Array.of(params.scale)));
    const zName = idx.addInitializer(intTensor(idx.unique(`${table}_zero_point`), aOnnx, [], [params.zeroPoint]));
    const out = idx.unique(`${table}_DequantizeLinear_Output`);
    newNodes.push(makeNode('DequantizeLinear', [qName, sName, zName], [out], {}, idx.unique(`${table}_DequantizeLinear`)));
    node.input[0] = out;
    weights.push({ name: table, node: nodeLabel(node), scales: Float32Array.of(params.scale), zeroPoints: Int32Array.of(params.zeroPoint), type: opts.activationType, biasAdjusted: false });
  }
  for (const n of graph.node) {
    if (!selected.has(n) || !(WEIGHTED_OPS.has(n.opType) || NORMALIZATION_WEIGHTED_OPS.has(n.opType))) continue;
    const wName = n.input[1];
    const wc = idx.constant(wName);
    if (!wc) continue;
    const dims = dimsOf(wc);
    if (wc.dataType !== DT.FLOAT) continue;
    let axis: number | undefined;
    if (opts.perChannel && dims.length >= 2 && WEIGHTED_OPS.has(n.opType)) {
      axis = n.opType === 'MatMul' ? dims.length - 1 : perChannelAxis(n.opType, { transB: attrInt(n, 'transB', 0) });
    }
    // int32 bias (Conv/ConvTranspose/Gemm input 2) with ONNX Runtime's underflow guard on the weight scale.
    const bName = n.opType !== 'MatMul' ? n.input[2] : undefined; // Conv/ConvTranspose/Gemm bias, or the normalization's B
    const bc = bName ? idx.constant(bName) : undefined;
    const inName = (n.input[0] && [...dqOut].find(([, v]) => v === n.input[0])?.[0]) || undefined;
    const inParams = inName ? activations.get(inName) : undefined;
    const channels = axis === undefined ? 1 : dims[axis];
    const biasOk =
      !!bc &&
      !!inParams &&
      bc.dataType === DT.FLOAT &&
      dims.length >= 1 &&
      (n.opType !== 'Gemm' || (attrFloat(n, 'alpha', 1) === 1 && attrFloat(n, 'beta', 1) === 1)) &&
      dimsOf(bc).length === 1 &&
      (axis === undefined || dimsOf(bc)[0] === channels);
    const biasData = biasOk ? toFloat32(bc!, opts.external) : undefined;
    const cacheKey = `${wName}|${axis}|${biasOk ? inParams!.scale : ''}|${bName ?? ''}`;
    let qw = opts.weightCache?.get(cacheKey);
    if (!qw) {
      const data = toFloat32(wc, opts.external);
      const fresh = quantizeWeight(data, dims, opts.weightType, {
        symmetric: opts.weightSymmetric,
        reduceRange: opts.reduceRange,
        minRealRange: opts.minRealRange,
        axis,
      });
      let biasAdjusted = false;
      if (biasData) {
        const adj = adjustWeightScaleForInt32Bias(inParams!.scale, fresh.scales, biasData);
        if (adj.changed) {
          fresh.scales = adj.scales;
          fresh.data = requantizeWithParams(data, dims, opts.weightType, fresh.scales, fresh.zeroPoints, axis);
          biasAdjusted = true;
        }
      }
      qw = { scales: fresh.scales, zeroPoints: fresh.zeroPoints, data: fresh.data, biasAdjusted };
      opts.weightCache?.set(cacheKey, qw);
    }
    const biasAdjusted = qw.biasAdjusted;
    const base = wName;
    const qName = idx.addInitializer(intTensor(idx.unique(`${base}_quantized`), wType, dims, qw.data));
    const sDims = axis === undefined ? [] : [channels];
    const sName = idx.addInitializer(floatTensor(idx.unique(`${base}_scale`), sDims, qw.scales));
    const zName = idx.addInitializer(intTensor(idx.unique(`${base}_zero_point`), wType, sDims, qw.zeroPoints));
    const out = idx.unique(`${base}_DequantizeLinear_Output`);
    newNodes.push(makeNode('DequantizeLinear', [qName, sName, zName], [out], { axis }, idx.unique(`${base}_DequantizeLinear`)));
    n.input[1] = out;
    if (axis !== undefined) perChannelUsed = true;
    weights.push({ name: wName, node: nodeLabel(n), axis, scales: qw.scales, zeroPoints: qw.zeroPoints, type: opts.weightType, biasAdjusted });

    if (biasData) {
      const qb = quantizeBias(biasData, inParams!.scale, qw.scales);
      const bq = idx.addInitializer(intTensor(idx.unique(`${bName}_quantized`), DT.INT32, dimsOf(bc!), qb.data));
      const bDims = axis === undefined ? [] : [channels];
      const bs = idx.addInitializer(floatTensor(idx.unique(`${bName}_quantized_scale`), bDims, qb.scales));
      const bz = idx.addInitializer(intTensor(idx.unique(`${bName}_quantized_zero_point`), DT.INT32, bDims, new Int32Array(qb.scales.length)));
      const bOut = idx.unique(`${bName}_DequantizeLinear_Output`);
      newNodes.push(makeNode('DequantizeLinear', [bq, bs, bz], [bOut], { axis: axis === undefined ? undefined : 0 }, idx.unique(`${bName}_DequantizeLinear`)));
      n.input[2] = bOut;
    }
  }

  graph.node.push(...newNodes);
  removeUnusedInitializers(graph);
  topoSort(graph);
  ensureOpset(model, '', perChannelUsed ? 13 : 10);
  const wide = (t: QuantType) => t === 'int16' || t === 'uint16' || t === 'int4' || t === 'uint4';
  if (wide(opts.activationType) || wide(opts.weightType)) ensureOpset(model, '', 21);
  return {
    quantizedNodes: [...selected].map(nodeLabel),
    activations,
    weights,
    removedActivations: removed,
  };
}

function clipStartsAtZero(n: NodeProto, idx: GraphIndex): boolean {
  const minAttr = n.attribute.find((a) => a.name === 'min');
  if (minAttr) return minAttr.f === 0;
  const minName = n.input[1];
  if (!minName) return false;
  const c = idx.constant(minName);
  if (!c) return false;
  const v = toFloat32(c);
  return v.length === 1 && v[0] === 0;
}

export function defaultWeightSymmetric(t: QuantType): boolean {
  return isSignedQuantType(t);
}
