/** A calibrated float range for one tensor. */
export interface TensorRange {
  min: number;
  max: number;
}

/**
 * Streaming statistics over the batches of one calibration run: `observe` is called once per
 * tensor per batch and must not keep the data; memory stays flat in the number of samples.
 */
export interface RangeCollector {
  observe(name: string, data: Float32Array): void;
  /** Final ranges (float32 values). */
  ranges(): Map<string, TensorRange>;
}

export type CalibrationMethod = 'minmax' | 'percentile' | 'entropy' | 'mse';
