/** Ops whose second input is a weight (and third a bias for Conv/ConvTranspose/Gemm). */
export const WEIGHTED_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

/**
 * Ops whose constant scale (input 1) ONNX Runtime's QDQ quantizer stores as a per-tensor weight and
 * whose bias (input 2) as int32 at inputScale × scaleScale (its QDQNormalization).
 */
export const NORMALIZATION_WEIGHTED_OPS = new Set(['LayerNormalization']);

/** Ops that move data without changing values: the output reuses the input's scale and zero point. */
export const SHARED_PARAM_OPS = new Set(['Reshape', 'Transpose', 'Flatten', 'Squeeze', 'Unsqueeze', 'MaxPool', 'Identity', 'Expand', 'Slice', 'Gather']);

/** Activations a quantized output range already implements (removed as ONNX Runtime does). */
export const REMOVABLE_ACTIVATIONS = new Set(['Relu', 'Clip']);

/**
 * Octet's default op set for static quantization: the compute-heavy ops plus the data movement and
 * residual ops between them, so integer tensors flow from one GEMM to the next. Softmax,
 * LayerNormalization, Gelu/Erf and friends stay in float by default; they are the usual accuracy
 * breakers and cost little to run in float.
 */
export const DEFAULT_STATIC_OPS = [
  'Conv',
  'ConvTranspose',
  'Gemm',
  'MatMul',
  'Add',
  'Mul',
  'Relu',
  'Clip',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'Reshape',
  'Transpose',
  'Flatten',
  'Squeeze',
  'Unsqueeze',
  'Concat',
];

/** Everything the static quantizer knows how to quantize (users may opt into these). */
export const SUPPORTED_STATIC_OPS = new Set([
  ...DEFAULT_STATIC_OPS,
  'Softmax',
  'LayerNormalization',
  'Sigmoid',
  'Tanh',
  'Gather',
  'Resize',
  'Pad',
  'Split',
  'Div',
  'Sub',
  'Where',
  'InstanceNormalization',
  'Erf',
  'Gelu',
  'Identity',
  'Expand',
  'Slice',
]);
