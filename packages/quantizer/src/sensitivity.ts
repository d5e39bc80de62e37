import type { ModelProto } from 'onnx-buf';
import type { CalibrationResult } from './calibration/calibrate.js';
import type { QdqOptions } from './modes/qdq.js';
import type { QuantizeOptions } from './options.js';

export interface FallbackResult {
  floatTensors: Set<string>;
  fallback: { tensor: string; sqnrDb: number }[];
  outputSqnrDb?: { before: number; after: number };
}

export async function autoFallback(
  _model: ModelProto,
  _floatBytes: Uint8Array,
  _cal: CalibrationResult,
  _qdq: QdqOptions,
  _options: QuantizeOptions,
  _onProgress: (f: number) => void,
): Promise<FallbackResult> {
  return { floatTensors: new Set(), fallback: [] };
}
