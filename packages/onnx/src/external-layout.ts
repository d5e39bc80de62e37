// Where a saved model's tensor payloads go: inline in the model, or in one external data file.
// File-system free, so the Node writer (node/save-model.ts) and browser apps building download
// blobs share one layout: same threshold, alignment and TensorProto fields.
import { create } from '@bufbuild/protobuf';
import { StringStringEntryProtoSchema, type ModelProto, type TensorProto } from './proto.js';
import { DataType, rawByteLength } from './dtypes.js';
import { OnnxExternalDataError } from './errors.js';
import { checkExternalLocation } from './external-data.js';
import { isExternal, tensorElementCount, tensorRawBytes, type ExternalDataReader } from './tensor-codec.js';
import { mapModelTensors } from './tensor-walk.js';
import { shallowClone } from './ir/clone.js';

/** protobuf's hard limit for one serialized message. */
export const PROTO_LIMIT = 2 ** 31 - 1;

export interface ExternalLayoutOptions {
  /** Data file name, relative to the model's folder. */
  location: string;
  /** Tensors with at least this many payload bytes go to the data file (default 1024). */
  threshold?: number;
  /** Offset alignment of each tensor in the data file (default 64). */
  align?: number;
  /** Reader for tensors the source model keeps in external data. */
  source?: ExternalDataReader;
}

/**
 * A copy of `model` whose large tensors point into `opts.location`. Each moved payload is handed
 * to `write(bytes, offset)` in increasing offset order (gaps are alignment padding); small and
 * string tensors stay inline. `model` is not modified.
 */
export function layoutExternalData(
  model: ModelProto,
  opts: ExternalLayoutOptions,
  write: (bytes: Uint8Array, offset: number) => void,
): ModelProto {
  const location = checkExternalLocation(opts.location);
  const threshold = opts.threshold ?? 1024;
  const align = Math.max(1, opts.align ?? 64);
  let end = 0;
  return mapModelTensors(model, (t) => {
    if (t.dataType === DataType.STRING) return t;
    if (rawByteLength(t.dataType, tensorElementCount(t)) < threshold) return isExternal(t) ? inlinedTensor(t, opts.source) : t;
    const bytes = tensorPayload(t, opts.source);
    const offset = Math.ceil(end / align) * align;
    write(bytes, offset);
    end = offset + bytes.length;
    return externalizedTensor(t, location, offset, bytes.length);
  });
}

/** A copy of `model` with every external tensor's payload read into raw_data. */
export function withInlineData(model: ModelProto, source: ExternalDataReader | undefined): ModelProto {
  return mapModelTensors(model, (t) => (isExternal(t) ? inlinedTensor(t, source) : t));
}

function tensorPayload(t: TensorProto, source: ExternalDataReader | undefined): Uint8Array {
  if (isExternal(t) && !source) throw new OnnxExternalDataError('tensor is in external data but no reader was given (pass { source })', t.name);
  return tensorRawBytes(t, { external: source });
}

/** A copy of `t` holding its payload in raw_data. */
function inlinedTensor(t: TensorProto, source: ExternalDataReader | undefined): TensorProto {
  const c = shallowClone(t);
  c.rawData = tensorPayload(t, source) as Uint8Array<ArrayBuffer>;
  c.externalData = [];
  delete (c as { dataLocation?: number }).dataLocation;
  return c;
}

/** A copy of `t` pointing at external data, with every inline payload field cleared. */
function externalizedTensor(t: TensorProto, location: string, offset: number, length: number): TensorProto {
  const c = shallowClone(t);
  delete (c as { rawData?: Uint8Array }).rawData;
  c.floatData = [];
  c.int32Data = [];
  c.int64Data = [];
  c.doubleData = [];
  c.uint64Data = [];
  c.dataLocation = 1;
  c.externalData = [
    create(StringStringEntryProtoSchema, { key: 'location', value: location }),
    create(StringStringEntryProtoSchema, { key: 'offset', value: String(offset) }),
    create(StringStringEntryProtoSchema, { key: 'length', value: String(length) }),
  ];
  return c;
}
