// Reading calibration/evaluation folders laid out as `input_K.pb` (+ `labels.pb`), per docs/cli.md.
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeTensorProto, dtypeName, tensorValues } from '@octet/onnx';
import type { Feeds, HostTensor } from './executor/executor.js';
import { QuantizerError } from './errors.js';

export function readTensorFile(path: string): { name: string; tensor: HostTensor } {
  let t;
  try {
    t = decodeTensorProto(readFileSync(path));
  } catch (e) {
    throw new QuantizerError(`${path}: not a TensorProto file (${(e as Error).message})`);
  }
  const type = dtypeName(t.dataType);
  const data = tensorValues(t);
  return { name: t.name, tensor: { type, data, dims: t.dims.map(Number) } };
}

/**
 * Loads `input_K.pb` files from `dir` as feeds for a model with `inputNames`: a tensor whose
 * name is an input name goes there, otherwise input K gets `input_K.pb`.
 */
export function readDataDir(dir: string, inputNames: readonly string[]): Feeds {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new QuantizerError(`data folder '${dir}' does not exist`);
  const files = readdirSync(dir).filter((f) => /^input_\d+\.pb$/.test(f));
  if (!files.length) throw new QuantizerError(`data folder '${dir}' has no input_K.pb files`);
  const feeds: Feeds = {};
  for (const f of files) {
    const k = Number(/\d+/.exec(f)![0]);
    const { name, tensor } = readTensorFile(join(dir, f));
    const target = inputNames.includes(name) ? name : inputNames[k];
    if (!target) throw new QuantizerError(`${join(dir, f)}: no model input for it (model inputs: ${inputNames.join(', ')})`);
    feeds[target] = tensor;
  }
  for (const n of inputNames) if (!feeds[n]) throw new QuantizerError(`data folder '${dir}' has no tensor for model input '${n}'`);
  return feeds;
}

export function readLabels(dir: string): HostTensor {
  return readTensorFile(join(dir, 'labels.pb')).tensor;
}
