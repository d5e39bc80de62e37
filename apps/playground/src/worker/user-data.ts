// Labelled data of the user's own (for a dropped model): one JSON file, or tensor files — ONNX
// TensorProto .pb (the ONNX test-data layout) or NumPy .npy. Checked against the model's inputs
// before anything runs; every problem is a UserDataError naming the file, the input and what was
// expected.
//
// JSON: { "inputs": { "<input name>": <nested array> | { "dims": [N, ...], "data": [flat] } },
//         "labels": [...] }   — the first axis of every input is the sample axis.
// Tensor files: labels.pb|npy plus, per model input, input_<K>.pb|npy (K = the input's position)
// or <name>.pb|npy. A .pb must have the input's exact type (ONNX tools write typed tensors); a
// .npy is converted as NumPy users expect (float64 → float32, any integer type → the input's
// integer type, integers → float32), but floats are never truncated into an integer input.
import type { TensorValue, ValueMetadata } from '@octet/runtime-web';
import type { MetricName, UserFile } from '../shared/protocol.js';
import { tensorFromPb, type Feeds } from './data.js';
import { NpyError, parseNpy } from './npy.js';

export class UserDataError extends Error {
  override name = 'UserDataError';
}

export interface LabelledData {
  /** one tensor per model input, samples along the first axis */
  feeds: Feeds;
  labels: ArrayLike<number | bigint>;
  samples: number;
  /** samples per run: the model's fixed first dimension, or `undefined` (any) */
  fixedBatch?: number;
  /** the file(s) the data came from, for messages */
  source: string;
}

type Supported = 'float32' | 'int64' | 'int32';
const SUPPORTED: readonly string[] = ['float32', 'int64', 'int32'];

/** The input's type, when labelled data can feed it. */
function supportedType(input: ValueMetadata): Supported {
  if (!SUPPORTED.includes(input.type)) throw new UserDataError(`input '${input.name}' is ${input.type}: labelled data can feed float32, int32 and int64 inputs only`);
  return input.type as Supported;
}

const shapeText = (shape: readonly (number | string)[]) => `[${shape.join(', ')}]`;

/** Parses and checks `files` against the model's `inputs`. */
export function parseUserData(files: readonly UserFile[], inputs: readonly ValueMetadata[], metric: MetricName): LabelledData {
  if (files.length === 0) throw new UserDataError('no labelled data file was given');
  const json = files.filter((f) => /\.json$/i.test(f.name));
  const tensors = files.filter((f) => /\.(pb|npy)$/i.test(f.name));
  const other = files.filter((f) => !json.includes(f) && !tensors.includes(f));
  if (other.length || (json.length && tensors.length) || json.length > 1) {
    throw new UserDataError(`labelled data: give one .json file, or tensor files (.pb or .npy: input_0 …, labels); got ${files.map((f) => f.name).join(', ')}`);
  }
  const raw = json.length ? fromJson(json[0]!, inputs) : fromTensorFiles(tensors, inputs);
  return checkData(raw, inputs, metric);
}

interface RawData {
  tensors: Map<string, TensorValue>;
  labels: ArrayLike<number | bigint>;
  source: string;
}

function fromJson(file: UserFile, inputs: readonly ValueMetadata[]): RawData {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(file.bytes));
  } catch (e) {
    throw new UserDataError(`${file.name} is not valid JSON: ${(e as Error).message}`);
  }
  const where = (path: string) => `${file.name}: ${path}`;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new UserDataError(where('expected an object { "inputs": { … }, "labels": [ … ] }'));
  const { inputs: given, labels } = doc as { inputs?: unknown; labels?: unknown };
  if (typeof given !== 'object' || given === null || Array.isArray(given)) throw new UserDataError(where('"inputs" must be an object with one entry per model input name'));
  const byName = new Map(inputs.map((i) => [i.name, i]));
  const tensors = new Map<string, TensorValue>();
  for (const [name, value] of Object.entries(given)) {
    const input = byName.get(name);
    if (!input) throw new UserDataError(where(`"inputs" has '${name}', which is not an input of the model (its inputs: ${[...byName.keys()].join(', ')})`));
    tensors.set(name, jsonTensor(value, input, where(`inputs.${name}`)));
  }
  if (labels === undefined) throw new UserDataError(where('"labels" is missing'));
  const l = flatten(labels, where('labels'));
  for (let i = 0; i < l.values.length; i++) if (typeof l.values[i] !== 'number') throw new UserDataError(where(`labels[${i}] is not a number`));
  return { tensors, labels: l.values as number[], source: file.name };
}

/** A nested array (dims from the nesting) or { dims, data (flat), type? } as the input's type. */
function jsonTensor(value: unknown, input: ValueMetadata, where: string): TensorValue {
  let dims: number[];
  let values: unknown[];
  if (Array.isArray(value)) {
    ({ dims, values } = flatten(value, where));
  } else if (typeof value === 'object' && value !== null && Array.isArray((value as { data?: unknown }).data)) {
    const v = value as { dims?: unknown; data: unknown[]; type?: unknown };
    if (!Array.isArray(v.dims) || !v.dims.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) throw new UserDataError(`${where}.dims must be an array of non-negative integers`);
    dims = v.dims as number[];
    values = v.data;
    const n = dims.reduce((a, b) => a * b, 1);
    if (values.length !== n) throw new UserDataError(`${where}: dims ${shapeText(dims)} need ${n} values, data has ${values.length}`);
    if (v.type !== undefined && v.type !== input.type) throw new UserDataError(`${where}: the data is ${String(v.type)}, the model's input '${input.name}' is ${input.type}`);
  } else {
    throw new UserDataError(`${where} must be a nested array or { "dims": [...], "data": [...] }`);
  }
  const type = supportedType(input);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x !== 'number') throw new UserDataError(`${where}: value ${i} is ${JSON.stringify(x)}, not a number`);
    if (type !== 'float32' && !Number.isInteger(x)) throw new UserDataError(`${where}: value ${i} is ${x}, not an integer; the model's input '${input.name}' is ${type}`);
  }
  const nums = values as number[];
  const data = type === 'float32' ? Float32Array.from(nums) : type === 'int32' ? Int32Array.from(nums) : BigInt64Array.from(nums, (x) => BigInt(x));
  return { type, dims, data };
}

/** A rectangular nested array → its dims and values in row-major order. */
function flatten(value: unknown, where: string): { dims: number[]; values: unknown[] } {
  if (!Array.isArray(value)) throw new UserDataError(`${where} must be an array`);
  const dims: number[] = [];
  for (let v: unknown = value; Array.isArray(v); v = v[0]) dims.push(v.length);
  const values: unknown[] = [];
  const walk = (v: unknown, depth: number, path: string) => {
    if (depth === dims.length) {
      if (Array.isArray(v)) throw new UserDataError(`${where}${path} is nested deeper than its first element`);
      values.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== dims[depth]) throw new UserDataError(`${where}${path} should be an array of ${dims[depth]} (the rows are not all the same length)`);
    for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, `${path}[${i}]`);
  };
  walk(value, 0, '');
  return { dims, values };
}

/** A .pb or .npy file as a tensor of the input's type (`input` undefined: labels, any numbers). */
function tensorFile(f: UserFile, input: ValueMetadata | undefined): { dims: number[]; data: TensorValue['data'] | ArrayLike<number | bigint>; type?: string } {
  const bytes = new Uint8Array(f.bytes);
  if (/\.pb$/i.test(f.name)) {
    let t: TensorValue;
    try {
      t = tensorFromPb(bytes, f.name);
    } catch (e) {
      throw new UserDataError(`${f.name} is not an ONNX TensorProto: ${(e as Error).message}`);
    }
    if (input && t.type !== input.type) throw new UserDataError(`${f.name}: the data is ${t.type}, the model's input '${input.name}' is ${input.type}`);
    return { dims: [...t.dims], data: t.data, type: t.type };
  }
  let npy;
  try {
    npy = parseNpy(bytes, f.name);
  } catch (e) {
    if (e instanceof NpyError) throw new UserDataError(e.message);
    throw e;
  }
  if (!input) return { dims: npy.dims, data: npy.data };
  supportedType(input);
  const isFloat = npy.descr.endsWith('f4') || npy.descr.endsWith('f8');
  if (input.type === 'float32') return { dims: npy.dims, data: npy.data instanceof Float32Array ? npy.data : Float32Array.from(npy.data as ArrayLike<number | bigint>, Number), type: 'float32' };
  if (isFloat) throw new UserDataError(`${f.name}: the data is ${npy.descr.endsWith('f4') ? 'float32' : 'float64'}, the model's input '${input.name}' is ${input.type} (save integers, e.g. a.astype(np.int64))`);
  const ints = npy.data as ArrayLike<number | bigint>;
  const data = input.type === 'int64' ? (npy.data instanceof BigInt64Array ? npy.data : BigInt64Array.from(ints, (v) => BigInt(v))) : Int32Array.from(ints, Number);
  return { dims: npy.dims, data, type: input.type };
}

function fromTensorFiles(files: readonly UserFile[], inputs: readonly ValueMetadata[]): RawData {
  const stemOf = (f: UserFile) => f.name.replace(/\.(pb|npy)$/i, '');
  const labelsFile = files.find((f) => stemOf(f).toLowerCase() === 'labels');
  if (!labelsFile) throw new UserDataError(`labels.pb (or labels.npy) is missing beside input_0 …; got ${files.map((f) => f.name).join(', ')}`);
  const tensors = new Map<string, TensorValue>();
  for (const f of files) {
    if (f === labelsFile) continue;
    const stem = stemOf(f);
    const k = /^input_(\d+)$/.exec(stem);
    const input = k ? inputs[Number(k[1])] : inputs.find((i) => i.name === stem);
    if (!input) throw new UserDataError(`${f.name} matches no model input (name the files input_0 … input_${inputs.length - 1} or by input name: ${inputs.map((i) => i.name).join(', ')})`);
    if (tensors.has(input.name)) throw new UserDataError(`${f.name}: input '${input.name}' is given twice`);
    const t = tensorFile(f, input);
    tensors.set(input.name, { type: t.type as TensorValue['type'], dims: t.dims, data: t.data as TensorValue['data'] });
  }
  const labels = tensorFile(labelsFile, undefined).data as ArrayLike<number | bigint>;
  return { tensors, labels, source: files.map((f) => f.name).join(', ') };
}

/** Every input present, shapes as the model declares them, one sample count, labels to match. */
function checkData(raw: RawData, inputs: readonly ValueMetadata[], metric: MetricName): LabelledData {
  let samples: number | undefined;
  let fixedBatch: number | undefined;
  const feeds: Feeds = {};
  for (const input of inputs) {
    const t = raw.tensors.get(input.name);
    if (!t) throw new UserDataError(`${raw.source}: no data for the model's input '${input.name}' (its inputs: ${inputs.map((i) => i.name).join(', ')})`);
    const expected = shapeText(input.shape);
    if (input.shape.length) {
      if (t.dims.length !== input.shape.length) throw new UserDataError(`${raw.source}: input '${input.name}' has shape ${shapeText(t.dims)}, the model expects ${expected} (rank ${input.shape.length}, the first axis = samples)`);
      for (let d = 1; d < t.dims.length; d++) {
        const want = input.shape[d];
        if (typeof want === 'number' && t.dims[d] !== want) throw new UserDataError(`${raw.source}: input '${input.name}' has shape ${shapeText(t.dims)}, the model expects ${expected} (dimension ${d} is ${t.dims[d]}, must be ${want})`);
      }
      const first = input.shape[0];
      if (typeof first === 'number' && first > 0) {
        if (t.dims[0]! % first !== 0) throw new UserDataError(`${raw.source}: input '${input.name}' has ${t.dims[0]} samples, the model takes batches of exactly ${first}`);
        fixedBatch = first;
      }
    }
    if (t.dims.length === 0) throw new UserDataError(`${raw.source}: input '${input.name}' is a scalar; the first axis must be the samples`);
    if (samples !== undefined && t.dims[0] !== samples) throw new UserDataError(`${raw.source}: input '${input.name}' has ${t.dims[0]} samples, the other inputs ${samples}`);
    samples = t.dims[0]!;
    feeds[input.name] = t;
  }
  if (!samples) throw new UserDataError(`${raw.source}: no samples`);
  const n = raw.labels.length;
  if (metric === 'accuracy') {
    if (n !== samples) throw new UserDataError(`${raw.source}: ${n} labels for ${samples} samples (accuracy needs one class id per sample)`);
    for (let i = 0; i < n; i++) {
      const y = Number(raw.labels[i]);
      if (!Number.isInteger(y) || y < 0) throw new UserDataError(`${raw.source}: label ${i} is ${y}; accuracy needs class ids (integers ≥ 0)`);
    }
  } else if (n % samples !== 0 || n === 0) {
    throw new UserDataError(`${raw.source}: ${n} labels for ${samples} samples (RMSE needs the same number of values per sample as the output)`);
  }
  return { feeds, labels: raw.labels, samples, fixedBatch, source: raw.source };
}

/**
 * Labels against the model's first output (`perSample` values per sample, from one float run):
 * accuracy needs class scores and class ids below their count; RMSE one label per output value.
 */
export function checkLabelsAgainstOutput(data: LabelledData, metric: MetricName, output: string, perSample: number): void {
  if (metric === 'accuracy') {
    if (perSample < 2) throw new UserDataError(`accuracy needs class scores per sample, but the model's output '${output}' has ${perSample} value per sample: choose RMSE`);
    for (let i = 0; i < data.labels.length; i++) {
      if (Number(data.labels[i]) >= perSample) throw new UserDataError(`${data.source}: label ${i} is class ${data.labels[i]}, but the model's output '${output}' scores ${perSample} classes (0…${perSample - 1})`);
    }
  } else if (data.labels.length !== data.samples * perSample) {
    throw new UserDataError(`${data.source}: ${data.labels.length / data.samples} label value(s) per sample, but the model's output '${output}' has ${perSample} per sample`);
  }
}
