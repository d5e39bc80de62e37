// External data: tensors whose payload lives in a side file (`location`, `offset`, `length`).
import type { TensorProto } from './proto.js';
import { OnnxExternalDataError } from './errors.js';
import { checkExternalLocation } from './external-location.js';

export { checkExternalLocation };
import { rawByteLength } from './dtypes.js';
import { tensorElementCount, type ExternalDataReader } from './tensor-codec.js';
import { forEachModelTensor } from './tensor-walk.js';
import type { Model } from './ir/model.js';

export interface ExternalDataInfo {
  location: string;
  offset: number;
  /** Undefined when the key is absent (then: the tensor's byte size). */
  length: number | undefined;
  checksum?: string;
}

/** Parse and check a tensor's external_data entries. */
export function externalDataInfo(t: TensorProto): ExternalDataInfo {
  const kv = new Map(t.externalData.map((e) => [e.key, e.value]));
  const location = checkExternalLocation(kv.get('location') ?? '', t.name);
  const num = (key: string): number | undefined => {
    const s = kv.get(key);
    if (s === undefined) return undefined;
    if (!/^\d+$/.test(s) || !Number.isSafeInteger(Number(s))) {
      throw new OnnxExternalDataError(`external data ${key} '${s}' is not a non-negative integer`, t.name, location);
    }
    return Number(s);
  };
  const offset = num('offset') ?? 0;
  const length = num('length');
  const expected = rawByteLength(t.dataType, tensorElementCount(t));
  if (length !== undefined && length !== expected) {
    throw new OnnxExternalDataError(`external data length ${length} does not match dims (${expected} bytes)`, t.name, location);
  }
  return { location, offset, length: length ?? expected, checksum: kv.get('checksum') };
}

/**
 * External data from in-memory files (browser: fetched side files): file name → bytes. Returned
 * payloads are views into the given buffers.
 */
export function externalDataFromMap(files: Map<string, Uint8Array> | Record<string, Uint8Array>): ExternalDataReader {
  const m = files instanceof Map ? files : new Map(Object.entries(files));
  const normalized = new Map<string, Uint8Array>();
  for (const [k, v] of m) normalized.set(checkExternalLocation(k), v);
  return {
    read(t: TensorProto): Uint8Array {
      const info = externalDataInfo(t);
      const file = normalized.get(info.location);
      if (!file) throw new OnnxExternalDataError(`external data file '${info.location}' not provided`, t.name, info.location);
      const len = info.length!;
      if (info.offset + len > file.length) {
        throw new OnnxExternalDataError(`external data range ${info.offset}+${len} runs past the end of '${info.location}' (${file.length} bytes)`, t.name, info.location);
      }
      return file.subarray(info.offset, info.offset + len);
    },
  };
}

/**
 * Read every external tensor of `model` into memory (raw_data), so `serializeModel` gives one
 * self-contained file. Mutates the tensors in place. Returns the number of tensors inlined.
 */
export function inlineExternalData(model: Model, reader: ExternalDataReader | undefined = model.externalData): number {
  let count = 0;
  const visit = (t: TensorProto) => {
    if (t.dataLocation !== 1) return;
    if (!reader) throw new OnnxExternalDataError('model has external data but no reader', t.name);
    const bytes = reader.read(t);
    t.rawData = bytes as Uint8Array<ArrayBuffer>;
    t.externalData = [];
    delete (t as { dataLocation?: number }).dataLocation;
    count++;
  };
  forEachModelTensor(model.toProto(), visit);
  return count;
}
