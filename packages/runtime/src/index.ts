// @octet/runtime public API: sessions, the op registry contract, errors and tensor types.

export type { Session, SessionOptions, RunOptions, Feeds, ModelSource, ValueMetadata, ProfileEntry } from './session.js';
export { createSession } from './session-impl.js';
export { createSessionSync } from './session-sync.js';
export { ModelSignatureError, type SignatureCheckOptions } from './verify-signature.js';
export { ResourceLimitError, DEFAULT_LIMITS, type RuntimeLimits } from './limits.js';
export { InvalidAttributeError } from './shape-checks.js';
export type {
  OpConfig,
  OpContext,
  OpRegistry,
  PreparedOp,
  TensorMeta,
  Attributes,
  GraphPattern,
  PatternContext,
} from './op-registry.js';
export { createOpRegistry } from './op-registry-impl.js';
export { registerAllOps, defaultRegistry, floatOpConfigs } from './register-all-ops.js';
export { FLOAT_OP_NAMES, type FloatOpName } from './op-names.js';
export type { RuntimeGraph, GraphNode, ValueInfo, AttributeValue, Dim } from './graph.js';
export { graphFromModel, tensorFromProto } from './model-from-onnx.js';
export { externalDataReader, loadExternalData, ExternalDataLoadError, type ExternalDataFile, type ExternalDataBytes, type ExternalDataOption, type ExternalFileLoader } from './external-data-files.js';
export type { KernelProvider } from './kernel-provider.js';
export type { DType, Tensor, TensorValue, TypedArray } from './tensor.js';
export {
  OctetRuntimeError,
  UnsupportedOperatorError,
  InvalidModelError,
  MissingFeedError,
  UnknownFeedError,
  FeedTypeError,
  FeedShapeError,
  NodeExecutionError,
  SessionDisposedError,
  OpError,
  type UnsupportedNode,
} from './errors.js';
export type { OrtBackend, OrtInferenceSessionHandler, OrtTensorLike, OrtSessionOptionsLike, OctetBackendOptions } from './backend.js';
export { createOctetBackend } from './backend-impl.js';
