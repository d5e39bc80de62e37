// Data folders (docs/cli.md): `input_K.pb` TensorProto files for the model's K-th input (matched by
// tensor name when it equals an input name, else by K), first axis = samples, optional
// `labels.pb`; large sets split into numbered subfolders `0/`, `1/`, … read one at a time.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeTensorProto, dtypeName, tensorValues, type TensorProto } from '@octet/onnx';
import { CliError } from './errors.js';

/** A tensor as onnxruntime-common, Octet's runtime and the quantizer's executor take it. */
export interface DataTensor {
  type: string;
  dims: number[];
  data: ArrayLike<unknown> & { length: number; subarray?(begin: number, end: number): unknown };
}

export interface DataPart {
  /** folder the part was read from */
  dir: string;
  /** one tensor per model input, keyed by input name */
  feeds: Record<string, DataTensor>;
  /** `labels.pb`, when present (and asked for) */
  labels?: DataTensor;
  /** size of the first axis, shared by every tensor of the part */
  samples: number;
}

export interface ReadDataOptions {
  /** 'required': a part without labels.pb is an error; 'optional' (default): read if present; 'ignore'. */
  labels?: 'required' | 'optional' | 'ignore';
}

const INPUT_FILE = /^input_(\d+)\.pb$/;

/** The folders holding the data: `dir` itself, or its numbered subfolders in numeric order. */
export function dataParts(dir: string): string[] {
  if (!existsSync(dir)) throw new CliError(`${dir}: no such data folder`);
  if (!statSync(dir).isDirectory()) throw new CliError(`${dir}: not a folder`);
  const entries = readdirSync(dir);
  if (entries.some((f) => INPUT_FILE.test(f))) return [dir];
  const numbered = entries
    .filter((f) => /^\d+$/.test(f) && statSync(join(dir, f)).isDirectory())
    .sort((a, b) => Number(a) - Number(b))
    .map((f) => join(dir, f));
  if (!numbered.length) throw new CliError(`${dir}: no input_K.pb files and no numbered subfolders (0/, 1/, …)`);
  return numbered;
}

export function readTensorFile(path: string): { name: string; tensor: DataTensor } {
  let proto: TensorProto;
  try {
    const b = readFileSync(path);
    proto = decodeTensorProto(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), { file: path });
  } catch (e) {
    const msg = (e as Error).message;
    throw new CliError(msg.includes(path) ? msg : `${path}: ${msg}`, { cause: e });
  }
  let data;
  let type;
  try {
    type = dtypeName(proto.dataType);
    data = tensorValues(proto);
  } catch (e) {
    throw new CliError(`${path}: ${(e as Error).message}`, { cause: e });
  }
  return { name: proto.name, tensor: { type, dims: proto.dims.map(Number), data: data as DataTensor['data'] } };
}

/** Reads one folder of `input_K.pb` (+ `labels.pb`) as feeds for a model with `inputNames`. */
export function readDataPart(dir: string, inputNames: readonly string[], options: ReadDataOptions = {}): DataPart {
  const files = readdirSync(dir)
    .map((f) => INPUT_FILE.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]));
  if (!files.length) throw new CliError(`${dir}: no input_K.pb files`);
  const feeds: Record<string, DataTensor> = {};
  const from: Record<string, string> = {};
  for (const m of files) {
    const path = join(dir, m[0]);
    const { name, tensor } = readTensorFile(path);
    const target = inputNames.includes(name) ? name : inputNames[Number(m[1])];
    if (target === undefined) throw new CliError(`${path}: tensor '${name}' matches no model input (inputs: ${inputNames.join(', ')})`);
    if (feeds[target]) throw new CliError(`${path}: model input '${target}' already read from ${from[target]}`);
    feeds[target] = tensor;
    from[target] = path;
  }
  for (const n of inputNames) if (!feeds[n]) throw new CliError(`${dir}: no input_K.pb for model input '${n}'`);
  let samples: number | undefined;
  for (const n of inputNames) {
    const t = feeds[n];
    if (!t.dims.length) throw new CliError(`${from[n]}: a scalar; the first axis must be samples`);
    if (samples !== undefined && t.dims[0] !== samples) {
      throw new CliError(`${from[n]}: ${t.dims[0]} samples, but ${from[inputNames[0]]} has ${samples}`);
    }
    samples = t.dims[0];
  }
  const part: DataPart = { dir, feeds, samples: samples ?? 0 };
  const labelsPath = join(dir, 'labels.pb');
  if (options.labels !== 'ignore') {
    if (existsSync(labelsPath)) {
      part.labels = readTensorFile(labelsPath).tensor;
      if (part.labels.dims[0] !== part.samples) {
        throw new CliError(`${labelsPath}: ${part.labels.dims[0] ?? 'no'} samples, but the inputs have ${part.samples}`);
      }
    } else if (options.labels === 'required') {
      throw new CliError(`${dir}: no labels.pb`);
    }
  }
  return part;
}

/** Streams every part of a data folder, one in memory at a time. */
export function* readDataFolder(dir: string, inputNames: readonly string[], options: ReadDataOptions = {}): Generator<DataPart> {
  for (const d of dataParts(dir)) yield readDataPart(d, inputNames, options);
}

/** Rows [start, end) of a tensor along the first axis (a view when the data allows it). */
export function sliceSamples(t: DataTensor, start: number, end: number): DataTensor {
  const rows = t.dims[0];
  const per = rows ? t.data.length / rows : 0;
  const data = t.data.subarray
    ? (t.data.subarray(start * per, end * per) as DataTensor['data'])
    : (Array.prototype.slice.call(t.data, start * per, end * per) as DataTensor['data']);
  return { type: t.type, dims: [end - start, ...t.dims.slice(1)], data };
}

export interface Batch {
  feeds: Record<string, DataTensor>;
  labels?: DataTensor;
  /** index of the batch's first sample within its part */
  start: number;
  count: number;
}

/** Splits a part into batches of at most `batchSize` samples (Infinity: one batch). */
export function* batchesOf(part: DataPart, batchSize = Infinity): Generator<Batch> {
  const n = part.samples;
  const size = Math.max(1, Math.min(batchSize, n || 1));
  for (let s = 0; s < n; s += size) {
    const e = Math.min(n, s + size);
    const whole = s === 0 && e === n;
    const feeds: Record<string, DataTensor> = {};
    for (const [k, t] of Object.entries(part.feeds)) feeds[k] = whole ? t : sliceSamples(t, s, e);
    const labels = part.labels && (whole ? part.labels : sliceSamples(part.labels, s, e));
    yield { feeds, labels, start: s, count: e - s };
  }
}
