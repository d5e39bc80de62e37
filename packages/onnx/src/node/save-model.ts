// Streaming model writer: the model file is encoded chunk by chunk, and tensors moved to external
// data are written one at a time with positional writes, so memory never holds more than the
// largest tensor and files over 2 GB are fine. Both files appear atomically (temp + rename).
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ModelProtoSchema, type ModelProto } from '../proto.js';
import { OnnxError } from '../errors.js';
import { checkExternalLocation } from '../external-data.js';
import { layoutExternalData, PROTO_LIMIT, withInlineData } from '../external-layout.js';
import { encodeMessageTo, encodedSize } from '../proto-encoder.js';
import { type ExternalDataReader } from '../tensor-codec.js';
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
      const data = new FileSink(join(dirname(path), location));
      sinks.push(data);
      out = layoutExternalData(proto, { location, threshold: ext.threshold, align: ext.align, source }, (bytes, offset) => data.write(bytes, offset));
    } else {
      out = withInlineData(proto, source);
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
