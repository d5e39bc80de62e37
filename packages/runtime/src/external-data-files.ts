// onnxruntime-common's `externalData` session option — `[{ path, data }]` or plain paths — as
// the ExternalDataReader that @octet/onnx's tensor decoding and @octet/signature's canonical
// encoding read payloads through, so a model given as bytes loads and verifies exactly like
// the same model read from its folder. Only the listed files can be read: a model cannot name
// anything else.
import { OctetRuntimeError } from './errors.js';
import { checkExternalLocation, externalDataFromMap, externalDataInfo, type ExternalDataReader, type TensorProto } from '@octet/onnx';

/** File contents in memory (a whole ArrayBuffer is the whole file). */
export type ExternalDataBytes = Uint8Array | ArrayBufferLike;

/**
 * One entry of `externalData`, as in onnxruntime-common: `path` is the file name the model's
 * tensors give as `location`; `data` its contents, a Blob, or a path/URL the adapters load
 * (@octet/runtime-node: a file path or file: URL, relative to the working directory;
 * @octet/runtime-web: a URL, relative to the page — both as onnxruntime does). A plain string is
 * both the name and where to load it from.
 */
export type ExternalDataFile = string | { readonly path: string; readonly data: ExternalDataBytes | Blob | string };

/** `SessionOptions.externalData`: a reader (e.g. `externalDataFromDir`) or onnxruntime-common's file list. */
export type ExternalDataOption = ExternalDataReader | readonly ExternalDataFile[];

/** Loads a path or URL given in `externalData` (adapter-specific: fs in Node, fetch in browsers); throws ExternalDataLoadError. */
export type ExternalFileLoader = (pathOrUrl: string) => Promise<Uint8Array>;

/** A file named in the `externalData` option could not be read or fetched. */
export class ExternalDataLoadError extends OctetRuntimeError {
  override name = 'ExternalDataLoadError';
  constructor(readonly file: string, reason: string, options?: ErrorOptions) {
    super(`cannot load externalData file '${file}': ${reason}`, options);
  }
}

const isReader = (o: unknown): o is ExternalDataReader => typeof o === 'object' && o !== null && !Array.isArray(o) && typeof (o as ExternalDataReader).read === 'function';

function bytesOf(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && data instanceof SharedArrayBuffer)) return new Uint8Array(data);
  return undefined;
}

function entries(option: readonly ExternalDataFile[]): { path: string; data: unknown }[] {
  if (!Array.isArray(option)) throw new TypeError('externalData must be an ExternalDataReader or an array of { path, data } entries or paths');
  return option.map((e, i) => {
    if (typeof e === 'string') return { path: e, data: e };
    if (typeof e !== 'object' || e === null || typeof e.path !== 'string') throw new TypeError(`externalData[${i}] must be a path string or { path: string, data }`);
    return { path: e.path, data: e.data };
  });
}

/**
 * A reader over in-memory files, falling back to `fallback` (the model's folder) for locations
 * not listed. Names are compared as @octet/onnx normalises locations ('./w.bin' = 'w.bin').
 */
function readerOver(files: Map<string, Uint8Array>, fallback: ExternalDataReader | undefined): ExternalDataReader {
  const listed = externalDataFromMap(files);
  if (!fallback) return listed;
  const names = new Set([...files.keys()].map((k) => checkExternalLocation(k)));
  return { read: (t: TensorProto) => (names.has(externalDataInfo(t).location) ? listed : fallback).read(t) };
}

/** The reader for `option`, synchronously: every entry must already be bytes (use `loadExternalData` for paths, URLs, Blobs). */
export function externalDataReader(option: ExternalDataOption | undefined, fallback?: ExternalDataReader): ExternalDataReader | undefined {
  if (option === undefined) return fallback;
  if (isReader(option)) return option;
  const files = new Map<string, Uint8Array>();
  for (const { path, data } of entries(option)) {
    const b = bytesOf(data);
    if (!b) {
      throw new TypeError(
        `externalData '${path}': ${typeof data === 'string' ? `'${data}' is a path or URL, which only createSession in @octet/runtime-node or @octet/runtime-web (or onnxruntime's InferenceSession) can load` : 'data must be a Uint8Array or ArrayBuffer here'}; pass the file's bytes instead`,
      );
    }
    files.set(path, b);
  }
  return readerOver(files, fallback);
}

/** The reader for `option`, loading paths/URLs with `load` and reading Blobs first. */
export async function loadExternalData(option: ExternalDataOption | undefined, load?: ExternalFileLoader, fallback?: ExternalDataReader): Promise<ExternalDataReader | undefined> {
  if (option === undefined || isReader(option)) return externalDataReader(option, fallback);
  const resolved = await Promise.all(
    entries(option).map(async ({ path, data }) => {
      if (typeof data === 'string' && load) return { path, data: await load(data) };
      if (typeof Blob !== 'undefined' && data instanceof Blob) return { path, data: new Uint8Array(await data.arrayBuffer()) };
      return { path, data: data as ExternalDataBytes };
    }),
  );
  return externalDataReader(resolved, fallback);
}
