import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import type { ModelExecutor } from '../executor/executor.js';
import { inferElemTypes } from '../model/elem-types.js';
import { makeNode } from '../model/graph.js';
import { DT } from '../model/tensors.js';
import { MinMaxCollector } from './minmax.js';
import { QuantizerError } from '../errors.js';
import { batches, type CalibrationData } from './data.js';
import type { RangeCollector, TensorRange } from './range-collector.js';

export interface CalibrationResult {
  ranges: Map<string, TensorRange>;
  /** element type of every observed tensor ('float32', 'int64', …) */
  types: Map<string, string>;
  batches: number;
}

/**
 * Runs the float model over the calibration data batch by batch and feeds every observed float32
 * tensor to the collector. Only the collector's streaming statistics survive a batch.
 */
export async function calibrate(
  model: Uint8Array,
  tensors: readonly string[],
  data: CalibrationData,
  executor: ModelExecutor,
  collector: RangeCollector,
  opts: { batchSize?: number; onBatch?: (done: number) => void } = {},
): Promise<CalibrationResult> {
  // MinMax needs two numbers per tensor and batch: let the engine reduce (ReduceMin/ReduceMax
  // appended to a copy of the model, as ONNX Runtime's calibrator does) instead of copying whole
  // activations out. Tensors whose type is not known to be float are observed in full.
  let observe = [...tensors];
  const reduced = new Map<string, [string, string]>();
  if (collector instanceof MinMaxCollector) {
    const m = fromBinary(ModelProtoSchema, model);
    const g = m.graph!;
    const elem = inferElemTypes(g);
    const used = new Set<string>([...g.node.flatMap((n) => n.output), ...g.input.map((i) => i.name)]);
    observe = [];
    for (const t of tensors) {
      if (elem.get(t) !== DT.FLOAT) {
        observe.push(t);
        continue;
      }
      let lo = `${t}__octet_min`;
      let hi = `${t}__octet_max`;
      while (used.has(lo) || used.has(hi)) {
        lo += '_';
        hi += '_';
      }
      g.node.push(makeNode('ReduceMin', [t], [lo], { keepdims: 0 }, lo), makeNode('ReduceMax', [t], [hi], { keepdims: 0 }, hi));
      reduced.set(t, [lo, hi]);
      observe.push(lo, hi);
    }
    model = toBinary(ModelProtoSchema, m);
  }
  const session = await executor.open(model, observe, { exact: true });
  const types = new Map<string, string>();
  const wanted = new Set(tensors);
  let n = 0;
  try {
    for await (const feeds of batches(data, opts.batchSize ?? 16)) {
      const out = await session.run(feeds);
      for (const [name, t] of Object.entries(feeds)) types.set(name, t.type);
      for (const [name, t] of Object.entries(out)) {
        types.set(name, t.type);
        if (wanted.has(name) && t.type === 'float32') collector.observe(name, t.data as Float32Array);
      }
      for (const [name, [lo, hi]] of reduced) {
        const a = out[lo];
        const b = out[hi];
        if (a?.type !== 'float32' || b?.type !== 'float32') continue;
        types.set(name, 'float32');
        (collector as MinMaxCollector).observeRange(name, (a.data as Float32Array)[0], (b.data as Float32Array)[0]);
      }
      for (const [name, t] of Object.entries(feeds)) {
        if (wanted.has(name) && t.type === 'float32') collector.observe(name, t.data as Float32Array);
      }
      opts.onBatch?.(++n);
    }
  } finally {
    await session.dispose();
  }
  if (!n) throw new QuantizerError('calibration data is empty');
  return { ranges: collector.ranges(), types, batches: n };
}
