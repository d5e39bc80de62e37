// Streaming model writer: the model file is encoded chunk by chunk, and tensors moved to external
// data are written one at a time with positional writes, so memory never holds more than the
// largest tensor and files over 2 GB are fine. Both files appear atomically (temp + rename).
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { ModelProtoSchema, StringStringEntryProtoSchema, type ModelProto, type TensorProto } from '../proto.js';
import { DataType, rawByteLength } from '../dtypes.js';
import { OnnxError, OnnxExternalDataError } from '../errors.js';
import { checkExternalLocation } from '../external-data.js';
import { encodeMessageTo, encodedSize } from '../proto-encoder.js';
import { isExternal, tensorElementCount, tensorRawBytes, type ExternalDataReader } from '../tensor-codec.js';
import { mapModelTensors } from '../tensor-walk.js';
import { shallowClone } from '../ir/clone.js';
import { Model } from '../ir/model.js';
import { tempPathFor } from './atomic-write.js';

export interface ExternalDataOptions {
  /** Data file name, relative to the model's folder (default `<model file name>.data`). */
  location?: string;
  /** Tensors with at least this many payload bytes go to the data file (default 1024). */
  threshold?: number;
  /** Offset alignment of each tensor in the data file (default 64). */
  align?: number;
}

export interface SaveModelOptions {
  /** Move large tensors to a side file (required for models over 2 GB). `true` = defaults. */
  externalData?: boolean | ExternalDataOptions;
  /** Reader for tensors the source keeps in external data (default: the Model's own). */
  source?: ExternalDataReader;
  /** Encoder scratch size in bytes (default 1 MiB); exposed for tests of the chunking logic. */
  chunkSize?: number;
}

/** protobuf's hard limit for one serialized message. */
const PROTO_LIMIT = 2 ** 31 - 1;

class FileSink {
  fd: number;
  pos = 0;
  readonly tmp: string;
  constructor(readonly path: string) {
    this.tmp = tempPathFor(path);
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(this.tmp, 'wx');
  }
  write(chunk: Uint8Array, at = this.pos): void {
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off, at + off);
    this.pos = Math.max(this.pos, at + chunk.length);
  }
  commit(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
    renameSync(this.tmp, this.path);
  }
  abort(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    rmSync(this.tmp, { force: true });
  }
}

/** Write `model` to `path`; see SaveModelOptions. Returns the model file's byte size. */
export function saveModel(model: Model | ModelProto, path: string, opts: SaveModelOptions = {}): number {
  const proto = model instanceof Model ? model.toProto() : model;
  const source = opts.source ?? (model instanceof Model ? model.externalData : undefined);
  const ext = opts.externalData === true ? {} : opts.externalData || undefined;
  const sinks: FileSink[] = [];
  try {
    let out: ModelProto;
    if (ext) {
      const location = checkExternalLocation(ext.location ?? `${basename(path)}.data`);
      const threshold = ext.threshold ?? 1024;
      const align = Math.max(1, ext.align ?? 64);
      const data = new FileSink(join(dirname(path), location));
      sinks.push(data);
      out = mapModelTensors(proto, (t) => {
        if (t.dataType === DataType.STRING) return t;
        const size = rawByteLength(t.dataType, tensorElementCount(t));
        if (size < threshold) return isExternal(t) ? inlined(t, source) : t;
        const bytes = payload(t, source);
        const offset = Math.ceil(data.pos / align) * align;
        data.write(bytes, offset);
        return externalized(t, location, offset, bytes.length);
      });
    } else {
      out = mapModelTensors(proto, (t) => (isExternal(t) ? inlined(t, source) : t));
    }
    const size = encodedSize(ModelProtoSchema, out);
    if (size > PROTO_LIMIT) {
      throw new OnnxError(`model is ${size} bytes, over protobuf's 2 GiB limit: save with { externalData: true }`);
    }
    const file = new FileSink(path);
    sinks.push(file);
    encodeMessageTo(ModelProtoSchema, out, (c) => file.write(c), { chunkSize: opts.chunkSize });
    // A data file nobody points to is not written at all.
    for (const s of sinks) (s === file || s.pos > 0 ? s.commit() : s.abort());
    return size;
  } catch (e) {
    for (const s of sinks) s.abort();
    throw e;
  }
}

function payload(t: TensorProto, source: ExternalDataReader | undefined): Uint8Array {
  if (isExternal(t) && !source) throw new OnnxExternalDataError('tensor is in external data but no reader was given (pass { source })', t.name);
  return tensorRawBytes(t, { external: source });
}

/** A copy of `t` holding its payload in raw_data. */
function inlined(t: TensorProto, source: ExternalDataReader | undefined): TensorProto {
  const c = shallowClone(t);
  c.rawData = payload(t, source) as Uint8Array<ArrayBuffer>;
  c.externalData = [];
  delete (c as { dataLocation?: number }).dataLocation;
  return c;
}

/** A copy of `t` pointing at external data, with every inline payload field cleared. */
function externalized(t: TensorProto, location: string, offset: number, length: number): TensorProto {
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
