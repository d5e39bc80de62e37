import type { Feeds, HostTensor } from '../executor/executor.js';
import { QuantizerError } from '../errors.js';

/** Calibration data: whole tensors (first axis = samples, sliced into batches) or ready batches. */
export type CalibrationData = Feeds | Iterable<Feeds> | AsyncIterable<Feeds>;

function isFeeds(d: CalibrationData): d is Feeds {
  return !(Symbol.iterator in d) && !(Symbol.asyncIterator in d);
}

function sliceRows(t: HostTensor, start: number, end: number): HostTensor {
  const rows = t.dims[0];
  const rowSize = rows ? (t.data as { length: number }).length / rows : 0;
  const data = t.data as { subarray?: (a: number, b: number) => unknown; slice: (a: number, b: number) => unknown };
  const part = data.subarray ? data.subarray(start * rowSize, end * rowSize) : data.slice(start * rowSize, end * rowSize);
  return { type: t.type, data: part, dims: [end - start, ...t.dims.slice(1)] };
}

/** Number of samples in whole-tensor feeds (all inputs must agree on the first axis). */
export function sampleCount(feeds: Feeds): number {
  let n: number | undefined;
  for (const [name, t] of Object.entries(feeds)) {
    if (!t.dims.length) throw new QuantizerError(`calibration input '${name}' is a scalar; the first axis must be samples`);
    if (n !== undefined && t.dims[0] !== n) {
      throw new QuantizerError(`calibration inputs disagree on the number of samples ('${name}' has ${t.dims[0]}, expected ${n})`);
    }
    n = t.dims[0];
  }
  return n ?? 0;
}

/** Yields batches of at most `batchSize` samples. */
export async function* batches(data: CalibrationData, batchSize = 16, limit = Infinity): AsyncGenerator<Feeds> {
  if (isFeeds(data)) {
    const n = Math.min(sampleCount(data), limit);
    for (let s = 0; s < n; s += batchSize) {
      const e = Math.min(n, s + batchSize);
      const b: Feeds = {};
      for (const [k, t] of Object.entries(data)) b[k] = sliceRows(t, s, e);
      yield b;
    }
    return;
  }
  let seen = 0;
  for await (const b of data as AsyncIterable<Feeds>) {
    if (seen >= limit) return;
    seen += Object.values(b)[0]?.dims[0] ?? 1;
    yield b;
  }
}
