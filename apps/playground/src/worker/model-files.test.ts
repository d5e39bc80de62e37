// External data of a dropped model (the breast-cancer MLP saved with every weight in
// model.onnx.data by @octet/onnx's Node writer) and the int8 download's files.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModelProto, decodeTensorProto, forEachModelTensor, isExternal, tensorValues, OnnxExternalDataError } from '@octet/onnx';
import { loadModel, saveModel } from '@octet/onnx/node';
import { createSession, type TensorValue } from '@octet/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { externalDataOf, MissingExternalDataError, modelFiles } from './model-files.js';

const fixture = fileURLToPath(new URL('../../../../test-data/fixtures/mlp_breast_cancer/', import.meta.url));
let dir: string;
let modelBytes: Uint8Array;
let dataBytes: Uint8Array;
const x = decodeTensorProto(new Uint8Array(readFileSync(join(fixture, 'test/input_0.pb'))));
const feeds = { x: { type: 'float32', dims: x.dims.map(Number), data: tensorValues(x) as Float32Array } as TensorValue };

async function run(bytes: Uint8Array, externalData?: { path: string; data: Uint8Array }[]): Promise<Float32Array> {
  const s = await createSession(bytes, { externalData });
  try {
    return (await s.run(feeds))[s.outputNames[0]!]!.data as Float32Array;
  } finally {
    s.dispose();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'octet-playground-ext-'));
  saveModel(decodeModelProto(new Uint8Array(readFileSync(join(fixture, 'model.onnx')))), join(dir, 'model.onnx'), { externalData: { threshold: 0 } });
  modelBytes = new Uint8Array(readFileSync(join(dir, 'model.onnx')));
  dataBytes = new Uint8Array(readFileSync(join(dir, 'model.onnx.data')));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const file = (name: string, bytes: Uint8Array) => ({ name, bytes: bytes.slice().buffer as ArrayBuffer });

describe('externalDataOf', () => {
  it('names the missing side file and the tensors that need it', () => {
    const proto = decodeModelProto(modelBytes);
    const err = (() => {
      try {
        externalDataOf('model.onnx', proto, [file('other.bin', dataBytes)]);
      } catch (e) {
        return e as MissingExternalDataError;
      }
    })();
    expect(err).toBeInstanceOf(MissingExternalDataError);
    expect(err!.files).toEqual(['model.onnx.data']);
    expect(err!.message).toMatch(/^model\.onnx keeps weights in external data file 'model\.onnx\.data' \(tensors '.+', …\), not dropped with it/);
  });

  it('refuses a truncated side file before any work, and reads a complete one', () => {
    const proto = decodeModelProto(modelBytes);
    expect(() => externalDataOf('model.onnx', proto, [file('model.onnx.data', dataBytes.subarray(0, dataBytes.length - 8))])).toThrow(OnnxExternalDataError);
    const ext = externalDataOf('model.onnx', proto, [file('./model.onnx.data', dataBytes), file('notes.txt', new Uint8Array(3))])!;
    expect(ext.files.map((f) => f.path)).toEqual(['model.onnx.data']);
    expect(ext.bytes).toBe(dataBytes.length);
    expect(externalDataOf('model.onnx', decodeModelProto(new Uint8Array(readFileSync(join(fixture, 'model.onnx')))), [])).toBeUndefined();
  });
});

describe('modelFiles', () => {
  it('gives one self-contained .onnx that computes what the split original does', async () => {
    const proto = decodeModelProto(modelBytes);
    const ext = externalDataOf('model.onnx', proto, [file('model.onnx.data', dataBytes)])!;
    const out = modelFiles(proto, ext.reader, 'model.int8.onnx');
    expect(out.files.map((f) => f.name)).toEqual(['model.int8.onnx']);
    expect(out.externalData).toBeUndefined();
    const bytes = new Uint8Array(await out.files[0]!.blob.arrayBuffer());
    expect(bytes).toEqual(out.modelBytes);
    let external = 0;
    forEachModelTensor(decodeModelProto(bytes), (t) => void (isExternal(t) && external++));
    expect(external).toBe(0);
    expect(await run(bytes)).toEqual(await run(modelBytes, ext.files));
  });

  it('over the size limit, writes <name>.data beside the .onnx as @octet/onnx reads it', async () => {
    const proto = decodeModelProto(modelBytes);
    const ext = externalDataOf('model.onnx', proto, [file('model.onnx.data', dataBytes)])!;
    const out = modelFiles(proto, ext.reader, 'model.int8.onnx', 2000);
    expect(out.files.map((f) => f.name)).toEqual(['model.int8.onnx', 'model.int8.onnx.data']);
    expect(out.modelBytes.length).toBeLessThan(2000);
    const data = new Uint8Array(await out.files[1]!.blob.arrayBuffer());
    expect(out.totalBytes).toBe(out.modelBytes.length + data.length);
    // Written to a folder and read back by @octet/onnx's Node loader: the same weights.
    writeFileSync(join(dir, 'model.int8.onnx'), out.modelBytes);
    writeFileSync(join(dir, 'model.int8.onnx.data'), data);
    const back = loadModel(join(dir, 'model.int8.onnx'));
    const original = loadModel(join(dir, 'model.onnx'));
    for (const t of original.toProto().graph!.initializer) {
      expect(Array.from(back.initializerValues(t.name) as Float32Array), t.name).toEqual(Array.from(original.initializerValues(t.name) as Float32Array));
    }
    expect(await run(out.modelBytes, [{ path: 'model.int8.onnx.data', data }])).toEqual(await run(modelBytes, ext.files));
  });
});
