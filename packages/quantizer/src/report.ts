import type { TensorRange } from './calibration/range-collector.js';
import type { QuantizeMode, QuantFormat } from './options.js';

export interface QuantizeReport {
  mode: QuantizeMode;
  format?: QuantFormat;
  passes: { name: string; changed: boolean; detail?: string }[];
  /** nodes whose compute was quantized */
  quantizedNodes: string[];
  /** activation tensors with their calibrated range and chosen parameters */
  activations: { tensor: string; min: number; max: number; scale: number; zeroPoint: number; type: string }[];
  weights: { tensor: string; node: string; axis?: number; channels: number; type: string; biasScaleAdjusted?: boolean }[];
  /** tensors kept in float by the automatic fallback, with why */
  fallback: { tensor: string; sqnrDb: number }[];
  /** output SQNR on calibration data (dB), full quantization and after fallback */
  outputSqnrDb?: { before: number; after: number };
  calibration?: { method: string; batches: number; ranges: number };
  warnings: string[];
  seconds: number;
}

export function emptyReport(mode: QuantizeMode): QuantizeReport {
  return { mode, passes: [], quantizedNodes: [], activations: [], weights: [], fallback: [], warnings: [], seconds: 0 };
}

export type { TensorRange };
