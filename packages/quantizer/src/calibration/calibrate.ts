import type { ModelExecutor } from '../executor/executor.js';
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
  const session = await executor.open(model, tensors);
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
