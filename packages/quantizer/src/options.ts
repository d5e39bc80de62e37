import type { CalibrationData } from './calibration/data.js';
import type { CalibrationMethod } from './calibration/range-collector.js';
import type { ModelExecutor } from './executor/executor.js';
import type { ExternalLoader } from './model/tensors.js';
import type { QuantType } from './numerics/qtype.js';

export type QuantizeMode = 'static' | 'dynamic' | 'weight-only' | 'float16';
export type QuantFormat = 'qdq' | 'qoperator';

export interface ProgressEvent {
  stage: 'prepare' | 'calibrate' | 'sensitivity' | 'quantize' | 'finalize';
  /** 0..1 within the stage, when known */
  fraction?: number;
  message: string;
}

export interface QuantizeOptions {
  mode?: QuantizeMode;
  /** static only: QDQ (default) or QOperator (QLinearConv, QLinearMatMul, QGemm, …). */
  format?: QuantFormat;
  /** static: calibration samples (first axis = samples) or batches. */
  calibration?: CalibrationData;
  /** Runs the float model for calibration and sensitivity (e.g. `createOrtExecutor(ort)`). */
  executor?: ModelExecutor;
  calibrationMethod?: CalibrationMethod;
  /** samples per calibration batch (default 16) */
  calibrationBatchSize?: number;
  /** MinMax: average per-batch extremes instead of global ones. */
  movingAverage?: boolean;
  /** Percentile method's percentile (default 99.999). */
  percentile?: number;
  /** histogram bins for Percentile/Entropy/MSE (defaults 2048). */
  histogramBins?: number;
  perChannel?: boolean;
  activationType?: 'uint8' | 'int8' | 'uint16' | 'int16';
  weightType?: 'int8' | 'uint8' | 'int16' | 'uint16' | 'int4' | 'uint4';
  activationSymmetric?: boolean;
  weightSymmetric?: boolean;
  reduceRange?: boolean;
  /** op types to quantize (static/dynamic); defaults per mode. */
  opTypes?: readonly string[];
  /** node names left in float. */
  excludeNodes?: readonly string[];
  /** static: find tensors whose quantization breaks the model and keep them in float (default true). */
  autoFallback?: boolean;
  /** output SQNR (dB, on calibration data) below which the automatic fallback searches (default 20). */
  targetSqnrDb?: number;
  /** dynamic: 'integer' = DynamicQuantizeLinear + MatMulInteger (ONNX Runtime's default), 'fused' = com.microsoft DynamicQuantizeMatMul. */
  dynamicMatMul?: 'integer' | 'fused';
  /** weight-only: bits (4 or 8), block size (16–256), symmetric, and the encoding. */
  bits?: 4 | 8;
  blockSize?: number;
  symmetric?: boolean;
  weightOnlyFormat?: 'matmulnbits' | 'qdq';
  /** float16: ops kept in float32, and whether graph inputs/outputs stay float32. */
  float16BlockOps?: readonly string[];
  keepIoTypes?: boolean;
  /** skip preparation passes (already prepared models). */
  skipPreparation?: boolean;
  /** reader for tensors in external data (set by quantizeFile). */
  external?: ExternalLoader;
  /**
   * Optional reader whose bytes stay valid only until its next call (one reusable buffer); used by
   * steps that handle one weight at a time (weight-only), so memory stays at one tensor.
   */
  streamingExternal?: ExternalLoader;
  onProgress?: (e: ProgressEvent) => void;
}

export function defaultsFor(opts: QuantizeOptions) {
  const activationType = (opts.activationType ?? 'uint8') as QuantType;
  const weightType = (opts.weightType ?? 'int8') as QuantType;
  return { activationType, weightType };
}
