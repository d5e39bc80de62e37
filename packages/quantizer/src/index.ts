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
