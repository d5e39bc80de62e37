// Per-layer error: run the float and the quantized model on the same samples and compare every
// activation the two graphs share, worst first.
//
// Matching: QDQ keeps the float tensor names; where the tensor is quantized, its
// QuantizeLinear → DequantizeLinear output is read (what the next layer sees), else the tensor
// itself (float, computed from dequantized inputs). In
// QOperator form the producer emits `<name>_QuantizeLinear_Output` in int8/uint8; a
// DequantizeLinear (with the parameters the quantizer stored as `<name>_scale` /
// `<name>_zero_point`, or those of an existing DequantizeLinear) is added on a copy to read it.
import { clone, toBinary } from '@bufbuild/protobuf';
import { decodeModelProto } from '@octet/onnx';
import { ModelProtoSchema, type ModelProto } from 'onnx-buf';
import { batches, type CalibrationData } from '../calibration/data.js';
import { QuantizerError } from '../errors.js';
import type { Feeds, HostTensor, ModelExecutor } from '../executor/executor.js';
import { GraphIndex, makeNode } from '../model/graph.js';
import { ErrorStats } from './error-stats.js';

export interface LayerComparison {
  /** the activation (tensor) compared */
  tensor: string;
  /** node of the float model that produces it */
  node: string;
  opType: string;
  sqnrDb: number;
  cosine: number;
  maxAbsError: number;
  /** values compared over all samples */
  elements: number;
  /** how the quantized model's value was read: the float tensor of the same name, or the dequantized value of its quantized form */
  match: 'name' | 'dequantized';
}

export interface CompareLayersOptions {
  /** runs both models and observes intermediate tensors */
  executor: ModelExecutor;
  /** samples compared (default 64) */
  maxSamples?: number;
  /** samples per run (default 16) */
  batchSize?: number;
  /** also compare outputs of data-movement ops (Reshape, Transpose, …), which repeat their input's error */
  includeDataMovement?: boolean;
}

const DATA_MOVEMENT = new Set([
  'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Flatten', 'Identity', 'Shape', 'Constant', 'ConstantOfShape',
  'Cast', 'Expand', 'Slice', 'Split', 'Concat', 'QuantizeLinear', 'DequantizeLinear', 'Size', 'Range', 'Dropout',
]);

export function toModelProto(m: ModelProto | Uint8Array, what: string): ModelProto {
  if (!(m instanceof Uint8Array)) return m;
  try {
    return decodeModelProto(m);
  } catch (e) {
    throw new QuantizerError(`${what} is not a valid ONNX model: ${(e as Error).message}`);
  }
}

const bytesOf = (m: ModelProto | Uint8Array) => (m instanceof Uint8Array ? m : toBinary(ModelProtoSchema, m));

/** Compares every matched activation of `floatModel` and `quantModel` on `samples`; worst SQNR first. */
export async function compareLayers(
  floatModel: ModelProto | Uint8Array,
  quantModel: ModelProto | Uint8Array,
  samples: CalibrationData,
  options: CompareLayersOptions,
): Promise<LayerComparison[]> {
  const fm = toModelProto(floatModel, 'the float model');
  const qm = clone(ModelProtoSchema, toModelProto(quantModel, 'the quantized model'));
  if (!fm.graph || !qm.graph) throw new QuantizerError('model has no graph');
  const fIdx = new GraphIndex(fm.graph);
  const qIdx = new GraphIndex(qm.graph);

  const fInputs = new Set(fm.graph.input.map((i) => i.name));
  const qInputs = new Set(qm.graph.input.map((i) => i.name).filter((n) => !qIdx.inits.has(n)));
  for (const i of fInputs) {
    if (!fIdx.inits.has(i) && !qInputs.has(i)) throw new QuantizerError(`the quantized model has no input '${i}' (inputs: ${[...qInputs].join(', ')}); is it a quantization of this model?`);
  }

  // float tensor → name to observe in the quantized model
  const pairs = new Map<string, { q: string; node: string; opType: string; match: LayerComparison['match'] }>();
  const added: ReturnType<typeof makeNode>[] = [];
  for (const n of fm.graph.node) {
    if (!options.includeDataMovement && DATA_MOVEMENT.has(n.opType)) continue;
    for (const t of n.output) {
      if (!t || fInputs.has(t)) continue;
      const label = n.name || t;
      const p = qIdx.producer.get(t);
      if (p) {
        // what the quantized model's consumers see: the DequantizeLinear of its quantized value
        // (also the only faithful view when a removed Relu left the clamping to QuantizeLinear)
        const q = qIdx.consumersOf(t).find((c) => c.opType === 'QuantizeLinear' && c.input[0] === t);
        const dq = q && qIdx.consumersOf(q.output[0]).find((c) => c.opType === 'DequantizeLinear' && c.input[0] === q.output[0]);
        pairs.set(t, dq ? { q: dq.output[0], node: label, opType: n.opType, match: 'dequantized' } : { q: t, node: label, opType: n.opType, match: 'name' });
        continue;
      }
      const qt = `${t}_QuantizeLinear_Output`;
      const qp = qIdx.producer.get(qt);
      if (!qp || qp.opType === 'QuantizeLinear') continue;
      const dq = qIdx.consumersOf(qt).find((c) => c.opType === 'DequantizeLinear' && c.input[0] === qt);
      const s = dq?.input[1] ?? (qIdx.inits.has(`${t}_scale`) ? `${t}_scale` : undefined);
      const z = dq?.input[2] ?? (qIdx.inits.has(`${t}_zero_point`) ? `${t}_zero_point` : undefined);
      if (!s) continue;
      const out = qIdx.unique(`${t}_explain_dequantized`);
      added.push(makeNode('DequantizeLinear', z ? [qt, s, z] : [qt, s], [out], {}, qIdx.unique(`${t}_explain_DequantizeLinear`)));
      pairs.set(t, { q: out, node: label, opType: n.opType, match: 'dequantized' });
    }
  }
  qm.graph.node.push(...added);
  if (!pairs.size) throw new QuantizerError('the two models share no activation to compare (is the second a quantization of the first?)');

  const stats = new Map<string, ErrorStats>();
  const fSession = await options.executor.open(bytesOf(fm), [...pairs.keys()]);
  try {
    const qSession = await options.executor.open(toBinary(ModelProtoSchema, qm), [...pairs.values()].map((p) => p.q));
    try {
      for await (const feeds of batches(samples, options.batchSize ?? 16, options.maxSamples ?? 64)) {
        const fo = await fSession.run(pick(feeds, fSession.inputNames));
        const qo = await qSession.run(pick(feeds, qSession.inputNames));
        for (const [t, p] of pairs) {
          const a = fo[t];
          const b = qo[p.q];
          if (!isFloat(a) || !isFloat(b)) continue;
          const da = a.data as Float32Array;
          const db = b.data as Float32Array;
          if (da.length !== db.length) continue;
          let s = stats.get(t);
          if (!s) stats.set(t, (s = new ErrorStats()));
          s.add(da, db);
        }
      }
    } finally {
      await qSession.dispose();
    }
  } finally {
    await fSession.dispose();
  }
  const rows: LayerComparison[] = [];
  for (const [t, s] of stats) {
    const p = pairs.get(t)!;
    const e = s.summary();
    if (!e.elements) continue;
    rows.push({ tensor: t, node: p.node, opType: p.opType, match: p.match, ...e });
  }
  return rows.sort(worstFirst);
}

/** Lowest SQNR first; ties (e.g. both exact) by lower cosine, then name. */
export function worstFirst(a: { sqnrDb: number; cosine: number; tensor: string }, b: { sqnrDb: number; cosine: number; tensor: string }): number {
  const sa = Number.isNaN(a.sqnrDb) ? -Infinity : a.sqnrDb;
  const sb = Number.isNaN(b.sqnrDb) ? -Infinity : b.sqnrDb;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (a.cosine !== b.cosine) return a.cosine - b.cosine;
  return a.tensor < b.tensor ? -1 : a.tensor > b.tensor ? 1 : 0;
}

function isFloat(t: HostTensor | undefined): t is HostTensor {
  return t !== undefined && t.type === 'float32';
}

function pick(feeds: Feeds, names: readonly string[]): Feeds {
  const out: Feeds = {};
  for (const n of names) if (feeds[n]) out[n] = feeds[n];
  return out;
}
