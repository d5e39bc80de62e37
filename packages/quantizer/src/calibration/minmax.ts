import type { RangeCollector, TensorRange } from './range-collector.js';

interface MinMaxState {
  min: number;
  max: number;
  sumMin: number;
  sumMax: number;
  batches: number;
}

export interface MinMaxOptions {
  symmetric?: boolean;
  /** Average the per-batch minima/maxima instead of taking the global ones (ONNX Runtime's nanmean). */
  movingAverage?: boolean;
}

/** ONNX Runtime's MinMaxCalibrater, streamed: per-batch min/max reduced as they arrive. */
export class MinMaxCollector implements RangeCollector {
  private readonly state = new Map<string, MinMaxState>();
  constructor(private readonly options: MinMaxOptions = {}) {}

  observe(name: string, data: Float32Array): void {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo === Infinity) return; // empty or all-NaN batch (nanmin ignores it)
    this.observeRange(name, lo, hi);
  }

  /** One batch's extremes, when the engine already reduced the tensor (ReduceMin/ReduceMax). */
  observeRange(name: string, lo: number, hi: number): void {
    if (!(lo <= hi)) return;
    let s = this.state.get(name);
    if (!s) {
      s = { min: lo, max: hi, sumMin: 0, sumMax: 0, batches: 0 };
      this.state.set(name, s);
    }
    s.min = Math.min(s.min, lo);
    s.max = Math.max(s.max, hi);
    s.sumMin += lo;
    s.sumMax += hi;
    s.batches++;
  }

  ranges(): Map<string, TensorRange> {
    const out = new Map<string, TensorRange>();
    for (const [name, s] of this.state) {
      let min = this.options.movingAverage ? Math.fround(s.sumMin / s.batches) : s.min;
      let max = this.options.movingAverage ? Math.fround(s.sumMax / s.batches) : s.max;
      if (this.options.symmetric) {
        const a = Math.max(Math.abs(min), Math.abs(max));
        min = -a;
        max = a;
      }
      out.set(name, { min, max });
    }
    return out;
  }
}
