export * from './numerics/qtype.js';
export { roundHalfEven } from './numerics/round.js';
export { computeScaleZeroPoint, scaleZeroPointFor, type ScaleZeroPoint } from './numerics/scale-zero-point.js';
export { quantizeValues, quantizeValue, minMax, type QuantArray } from './numerics/quantize-values.js';
export {
  quantizeWeight,
  requantizeWithParams,
  dequantizeWeight,
  perChannelAxis,
  type QuantizedWeight,
  type WeightQuantOptions,
} from './numerics/weight.js';
export { quantizeBias, adjustWeightScaleForInt32Bias, type QuantizedBias } from './numerics/bias.js';
export type { RangeCollector, TensorRange, CalibrationMethod } from './calibration/range-collector.js';
export { MinMaxCollector, type MinMaxOptions } from './calibration/minmax.js';
export {
  PercentileCollector,
  EntropyCollector,
  MseCollector,
  HistogramCollectorBase,
  entropyThreshold,
  histogramMse,
  type Histogram,
} from './calibration/histogram.js';
export { quantize, type QuantizeResult } from './quantize.js';
export type { QuantizeOptions, QuantizeMode, QuantFormat, ProgressEvent } from './options.js';
export type { QuantizeReport } from './report.js';
export { QuantizerError } from './errors.js';
export type { ModelExecutor, ExecutorSession, HostTensor, Feeds, OpenOptions } from './executor/executor.js';
export { createOrtExecutor, type OrtLike } from './executor/ort-executor.js';
export { calibrate, type CalibrationResult } from './calibration/calibrate.js';
export { batches, sampleCount, type CalibrationData } from './calibration/data.js';
export { DEFAULT_STATIC_OPS, SUPPORTED_STATIC_OPS } from './modes/op-classes.js';
export { PREPARATION_PASSES, prepare, type Pass } from './passes/pipeline.js';
export { createOctetExecutor, type OctetRuntimeLike } from './executor/octet-executor.js';
export * from './analysis/index.js';
