// A dropped model's external data (tensors kept in side files such as `model.onnx.data`), and the
// quantized model as downloadable files: one self-contained .onnx while it fits protobuf's 2 GiB
// limit, else the .onnx plus `<name>.data` (the layout @octet/onnx's saveModel writes in Node).
import {
  checkExternalLocation,
  encodeModelProto,
  encodedSize,
  externalDataFromMap,
  externalDataInfo,
  forEachModelTensor,
  isExternal,
  layoutExternalData,
  ModelProtoSchema,
  PROTO_LIMIT,
  withInlineData,
  type ExternalDataReader,
  type ModelProto,
} from '@octet/onnx';
import type { UserFile } from '../shared/protocol.js';


/** The model names an external data file that was not dropped with it. */
export class MissingExternalDataError extends Error {
  override name = 'MissingExternalDataError';
  constructor(readonly files: string[], message: string) {
    super(message);
  }
}

export interface ExternalData {
  reader: ExternalDataReader;
  /** the side files the model uses, in @octet/runtime's `externalData` form */
  files: { path: string; data: Uint8Array }[];
  bytes: number;
}

/**
 * Checks that every file `model`'s tensors name was given (paths relative to the model's folder)
 * and that every tensor's range lies inside it; undefined when the model has no external data.
 */
export function externalDataOf(modelName: string, model: ModelProto, sideFiles: readonly UserFile[]): ExternalData | undefined {
  const users = new Map<string, string[]>();
  forEachModelTensor(model, (t) => {
    if (!isExternal(t)) return;
    const { location } = externalDataInfo(t);
    users.set(location, [...(users.get(location) ?? []), t.name]);
  });
  if (users.size === 0) return undefined;
  const given = new Map<string, Uint8Array>();
  for (const f of sideFiles) {
    try {
      given.set(checkExternalLocation(f.name), new Uint8Array(f.bytes));
    } catch {
      // not a name a model can refer to (e.g. outside the model's folder): never read
    }
  }
  const missing = [...users.keys()].filter((l) => !given.has(l));
  if (missing.length) {
    const list = missing
      .map((l) => {
        const names = users.get(l)!;
        return `'${l}' (tensor${names.length > 1 ? 's' : ''} ${names.slice(0, 3).map((n) => `'${n}'`).join(', ')}${names.length > 3 ? ', …' : ''})`;
      })
      .join(', ');
    throw new MissingExternalDataError(
      missing,
      `${modelName} keeps weights in external data file${missing.length > 1 ? 's' : ''} ${list}, not dropped with it: drop the model together with its data file${missing.length > 1 ? 's' : ''} (or its whole folder)`,
    );
  }
  const files = [...users.keys()].map((path) => ({ path, data: given.get(path)! }));
  const reader = externalDataFromMap(new Map(files.map((f) => [f.path, f.data])));
  // Every range now, so a truncated file is reported before any work starts.
  forEachModelTensor(model, (t) => void (isExternal(t) && reader.read(t)));
  return { reader, files, bytes: files.reduce((n, f) => n + f.data.length, 0) };
}

export interface ModelFiles {
  /** what to download: the .onnx first */
  files: { name: string; blob: Blob }[];
  /** the .onnx bytes (to run it) and, when split, its data file in `externalData` form */
  modelBytes: Uint8Array;
  externalData?: { path: string; data: Blob }[];
  totalBytes: number;
}

/**
 * `model` (tensors still in the dropped model's external data are read through `source`) as
 * `fileName`: one self-contained file up to `limit` bytes, else `fileName` + `fileName.data`.
 */
export function modelFiles(model: ModelProto, source: ExternalDataReader | undefined, fileName: string, limit: number = PROTO_LIMIT): ModelFiles {
  const whole = withInlineData(model, source);
  if (encodedSize(ModelProtoSchema, whole) <= limit) {
    const bytes = encodeModelProto(whole);
    return { files: [{ name: fileName, blob: new Blob([bytes as Uint8Array<ArrayBuffer>]) }], modelBytes: bytes, totalBytes: bytes.length };
  }
  const dataName = `${fileName}.data`;
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let end = 0;
  const split = layoutExternalData(model, { location: dataName, source }, (bytes, offset) => {
    if (offset > end) parts.push(new Uint8Array(offset - end));
    parts.push(bytes as Uint8Array<ArrayBuffer>);
    end = offset + bytes.length;
  });
  const modelBytes = encodeModelProto(split);
  const data = new Blob(parts);
  return {
    files: [
      { name: fileName, blob: new Blob([modelBytes as Uint8Array<ArrayBuffer>]) },
      { name: dataName, blob: data },
    ],
    modelBytes,
    externalData: [{ path: dataName, data }],
    totalBytes: modelBytes.length + data.size,
  };
}
