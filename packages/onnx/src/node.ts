// Node-only entry (`@octet/onnx/node`): file system helpers. The main entry stays browser-safe.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { decodeModelProto, decodeTensorProto, encodeTensorProto } from './proto-codec.js';
import type { ModelProto, TensorProto } from './proto.js';
import { Model } from './ir/model.js';
import { externalDataFromDir } from './node/external-data-fs.js';
import { writeFileAtomic } from './node/atomic-write.js';

export { externalDataFromDir } from './node/external-data-fs.js';
export { writeFileAtomic } from './node/atomic-write.js';

/**
 * Read and decode a model file. Tensors in external data are read lazily, relative to the file's
 * folder (`tensorValues(t, { external: model.externalData })`, `model.initializerValues`), or all at
 * once with `inlineExternalData(model)`.
 */
export function loadModel(path: string): Model {
  const proto = loadModelProto(path);
  return Model.fromProto(proto, { externalData: externalDataFromDir(dirname(path)) });
}

export function loadModelProto(path: string): ModelProto {
  return decodeModelProto(readFile(path), { file: path });
}

export { saveModel, type SaveModelOptions, type ExternalDataOptions } from './node/save-model.js';

/** Read a TensorProto `.pb` file (test inputs/outputs, calibration batches). */
export function loadTensor(path: string): TensorProto {
  return decodeTensorProto(readFile(path), { file: path });
}

export function saveTensor(tensor: TensorProto, path: string): number {
  return writeFileAtomic(path, [encodeTensorProto(tensor)]);
}

function readFile(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
