// Bytes <-> Model (IR).
import { decodeModelProto, encodeModelProto, type DecodeOptions } from './proto-codec.js';
import type { ModelProto } from './proto.js';
import { Model } from './ir/model.js';
import type { ExternalDataReader } from './tensor-codec.js';

export interface ParseModelOptions extends DecodeOptions {
  /** Where tensors with external data get their bytes (browser: `externalDataFromMap`). */
  externalData?: ExternalDataReader;
}

/** Decode `model.onnx` bytes into the IR. Tensor payloads stay views into `bytes`. */
export function parseModel(bytes: Uint8Array, opts: ParseModelOptions = {}): Model {
  return Model.fromProto(decodeModelProto(bytes, opts), { externalData: opts.externalData });
}

/** Encode a Model (or a ModelProto) to bytes. */
export function serializeModel(model: Model | ModelProto): Uint8Array {
  return encodeModelProto(model instanceof Model ? model.toProto() : model);
}
