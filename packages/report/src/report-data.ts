/**
 * The plain data a report is rendered from. Everything is optional except the model name, so a
 * caller fills in what it measured and the report shows only those sections. No class instances,
 * no dependency on the quantizer: numbers, strings and arrays (typed arrays welcome for big ones).
 */
export interface ReportData {
  /** page title; defaults to "Quantization report — <model.name>" */
  title?: string;
  /** shown in the header as given (ISO string recommended); omitted → no date (output stays deterministic) */
  generatedAt?: string;
  model: ModelInfo;
  summary?: Summary;
  /** per-layer error between float and quantized activations, any order (the report ranks them) */
  layers?: LayerError[];
  /** weight distributions; histograms are drawn for the worst-ranked layers that have one */
  weights?: WeightDistribution[];
  /** activation ranges chosen by calibration */
  activations?: ActivationRange[];
  /** model outputs of the float and quantized model on the same inputs */
  outputs?: OutputComparison[];
  /** accuracy-driven mixed precision, when it ran */
  tuning?: TuningRun;
  /** options the run used, shown as a table (arrays are joined with ", ") */
  options?: Record<string, OptionValue>;
  warnings?: string[];
  /** how much to draw (defaults in brackets) */
  limits?: ReportLimits;
}

export type OptionValue = string | number | boolean | null | undefined | readonly (string | number)[];

export interface ReportLimits {
  /** bars in the per-layer error chart [30] */
  maxLayers?: number;
  /** weight histograms [4] */
  maxWeightHistograms?: number;
  /** bins when weights are given as raw values [60] */
  histogramBins?: number;
  /** rows in the activation range chart [40] */
  maxActivations?: number;
  /** points per output scatter [2000] */
  maxScatterPoints?: number;
}

export interface ModelInfo {
  name: string;
  /** file path or URL as the user gave it (shown, never fetched) */
  source?: string;
  /** quantization mode, e.g. "static", "dynamic", "weight-only" */
  mode?: string;
  opset?: number;
  producer?: string;
  nodes?: number;
  /** quantized nodes / quantizable nodes */
  quantizedNodes?: number;
  quantizableNodes?: number;
  parameters?: number;
  inputs?: TensorInfo[];
  outputs?: TensorInfo[];
}

export interface TensorInfo {
  name: string;
  /** element type, e.g. "float32" */
  type?: string;
  /** dimensions; strings for symbolic ones */
  shape?: readonly (number | string)[];
}

/** A value measured on the float model, the quantized model and optionally a reference (e.g. ONNX Runtime's quantizer). */
export interface Comparison {
  float: number;
  quantized: number;
  reference?: number;
}

export interface Summary {
  /** label of the reference column, e.g. "onnxruntime quantized" [Reference] */
  referenceLabel?: string;
  metrics?: MetricComparison[];
  /** model file size in bytes */
  sizeBytes?: Comparison;
  /** median latency per inference in milliseconds */
  latencyMs?: LatencyComparison;
}

export interface MetricComparison extends Comparison {
  /** e.g. "accuracy", "rmse", "mae" */
  name: string;
  higherIsBetter: boolean;
  /** fractions (accuracy 0.97) are shown as percentages when true */
  isFraction?: boolean;
  /** evaluation samples */
  samples?: number;
}

export interface LatencyComparison extends Comparison {
  /** e.g. "octet wasm simd, 1 thread" */
  runtime?: string;
  batchSize?: number;
  runs?: number;
}

export interface LayerError {
  /** node or tensor name */
  name: string;
  opType?: string;
  /** signal-to-quantization-noise ratio in dB; Infinity when identical */
  sqnrDb: number;
  /** cosine similarity of float vs quantized activation, -1..1 */
  cosine: number;
  maxAbsError?: number;
  /** kept in float by fallback or tuning */
  keptFloat?: boolean;
}

/** How values map to integers: q = clamp(round(x / scale) + zeroPoint, qmin, qmax). */
export interface QuantGrid {
  scale: number;
  zeroPoint: number;
  qmin: number;
  qmax: number;
}

export interface WeightDistribution {
  /** layer (node) name, matched against `layers[].name` to pick the worst ones */
  layer: string;
  tensor?: string;
  /** raw weight values (binned by the report) … */
  values?: ArrayLike<number>;
  /** … or a histogram: `edges.length === counts.length + 1`, ascending */
  histogram?: { edges: ArrayLike<number>; counts: ArrayLike<number> };
  grid: QuantGrid;
  /** per-channel quantization: which channel `grid` (and the values) belong to */
  channel?: number;
  /** e.g. "int8" */
  type?: string;
}

export interface ActivationRange {
  tensor: string;
  /** range calibration chose (what the quantization parameters represent) */
  chosenMin: number;
  chosenMax: number;
  /** range actually seen on the calibration data; omit both when the calibrator only reports its choice */
  observedMin?: number;
  observedMax?: number;
  scale?: number;
  zeroPoint?: number;
}

export interface OutputComparison {
  /** graph output name */
  name: string;
  /** same length; element i of both comes from the same input */
  float: ArrayLike<number>;
  quantized: ArrayLike<number>;
}

export interface TuningRun {
  /** metric name, e.g. "accuracy" */
  metric: string;
  higherIsBetter: boolean;
  isFraction?: boolean;
  /** metric of the float model */
  floatMetric: number;
  /** allowed drop from the float metric */
  targetDrop: number;
  steps: TuningStep[];
  /** layers kept in float in the final model */
  keptFloat: string[];
  /** number of quantizable layers, to show "kept k of n" */
  quantizableLayers?: number;
}

export interface TuningStep {
  /** 0 = everything quantized */
  step: number;
  /** layers in float at this step */
  keptFloat: string[];
  metric: number;
  /** why this step was taken, e.g. "keep /conv3 (most sensitive)" */
  note?: string;
}
