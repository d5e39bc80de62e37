// Binary ModelProto / TensorProto codec. Decoding: a strict wire pre-pass (exact error
// positions, dims/payload checks) then bufbuild's reader, which keeps unknown fields in
// `$unknown` and returns `bytes` fields (raw_data) as zero-copy views into the input.
import { fromBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { ModelProtoSchema, TensorProtoSchema, type ModelProto, type TensorProto } from './proto.js';
import { checkWireFormat } from './wire-check.js';
import { OnnxDecodeError } from './errors.js';
import { encodeMessage } from './proto-encoder.js';
import { onnxData, type MapProto, type OptionalProto, type SequenceProto } from './proto-data.js';

export interface DecodeOptions {
  /** Name of the source (file path) used in error messages. */
  file?: string;
}

/** Decode any ONNX message type with the strict checks. */
export function decodeMessage<D extends DescMessage>(desc: D, bytes: Uint8Array, opts: DecodeOptions = {}): MessageShape<D> {
  checkWireFormat(bytes, desc, opts.file);
  try {
    return fromBinary(desc, bytes, { readUnknownFields: true });
  } catch (e) {
    // The pre-pass accepts everything bufbuild reads, so this is a defect; keep it typed anyway.
    throw new OnnxDecodeError(e instanceof Error ? e.message : String(e), desc.name, 0, opts.file);
  }
}

/** Decode a serialized ModelProto (`model.onnx` bytes). Tensor payloads stay views of `bytes`. */
export function decodeModelProto(bytes: Uint8Array, opts?: DecodeOptions): ModelProto {
  return decodeMessage(ModelProtoSchema, bytes, opts);
}

/** Decode a serialized TensorProto (`input_0.pb`, calibration batches). */
export function decodeTensorProto(bytes: Uint8Array, opts?: DecodeOptions): TensorProto {
  return decodeMessage(TensorProtoSchema, bytes, opts);
}

/** Encode a ModelProto; fields in field-number order, unknown fields last (like protobuf C++). */
export function encodeModelProto(model: ModelProto): Uint8Array {
  return encodeMessage(ModelProtoSchema, model);
}

export function encodeTensorProto(tensor: TensorProto): Uint8Array {
  return encodeMessage(TensorProtoSchema, tensor);
}

/** The message type a test-data `.pb` file holds, from the ONNX type of the value it feeds. */
export type DataProtoKind = 'tensor' | 'sequence' | 'map' | 'optional';

/** Decode a `.pb` value file of the given kind (TensorProto, SequenceProto, MapProto, OptionalProto). */
export function decodeDataProto(bytes: Uint8Array, kind: DataProtoKind, opts?: DecodeOptions): TensorProto | SequenceProto | MapProto | OptionalProto {
  return decodeMessage(dataProtoSchema(kind), bytes, opts) as TensorProto | SequenceProto | MapProto | OptionalProto;
}

export function encodeDataProto(msg: TensorProto | SequenceProto | MapProto | OptionalProto, kind: DataProtoKind): Uint8Array {
  return encodeMessage(dataProtoSchema(kind), msg as never);
}

export function dataProtoSchema(kind: DataProtoKind): DescMessage {
  switch (kind) {
    case 'tensor':
      return TensorProtoSchema;
    case 'sequence':
      return onnxData.SequenceProtoSchema;
    case 'map':
      return onnxData.MapProtoSchema;
    case 'optional':
      return onnxData.OptionalProtoSchema;
  }
}
