// @octet/onnx — browser-safe main entry. File system helpers live in '@octet/onnx/node'.
export * from './errors.js';
export * from './dtypes.js';
export * from './proto.js';
export {
  decodeModelProto,
  decodeTensorProto,
  encodeModelProto,
  encodeTensorProto,
  decodeMessage,
  decodeDataProto,
  encodeDataProto,
  dataProtoSchema,
  type DecodeOptions,
  type DataProtoKind,
} from './proto-codec.js';
export { onnxData, type SequenceProto, type MapProto, type OptionalProto } from './proto-data.js';
export { checkWireFormat } from './wire-check.js';
export { encodeMessage, encodeMessageTo, encodedSize, type ChunkSink, type StreamEncodeOptions } from './proto-encoder.js';
export { mapModelTensors, forEachModelTensor, type TensorMapper } from './tensor-walk.js';
export * from './float16.js';
export * from './packed-int.js';
export {
  tensorDims,
  tensorElementCount,
  tensorValues,
  tensorToFloat32,
  tensorRawBytes,
  makeTensor,
  setTensorValues,
  isExternal,
  type ExternalDataReader,
  type TensorReadOptions,
  type TensorInput,
  type MakeTensorOptions,
} from './tensor-codec.js';
export { checkExternalLocation, externalDataInfo, externalDataFromMap, inlineExternalData, type ExternalDataInfo } from './external-data.js';
export { layoutExternalData, withInlineData, PROTO_LIMIT, type ExternalLayoutOptions } from './external-layout.js';
export { parseModel, serializeModel, type ParseModelOptions } from './model-io.js';
export { Model } from './ir/model.js';
export { Graph } from './ir/graph.js';
export { Node } from './ir/node.js';
export { Value } from './ir/value.js';
export { tensorTypeOf, makeTensorTypeProto, shapeToString, shapeSize, type Dim, type Shape, type TensorType } from './ir/types.js';
export { attr, makeAttribute, attributeValue, type TypedAttr } from './ir/attributes.js';
export { GraphBuilder, ModelBuilder, type Attrs, type ModelBuilderOptions } from './builder.js';
export { inferShapes, supportedInferenceOps, type InferOptions, type InferResult } from './shape-inference.js';
export { validateModel, assertValid, type ValidateOptions } from './validator.js';
