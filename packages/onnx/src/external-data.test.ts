import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ModelBuilder,
  ModelProtoSchema,
  OnnxDecodeError,
  OnnxExternalDataError,
  checkExternalLocation,
  encodeMessage,
  encodeMessageTo,
  externalDataFromMap,
  inlineExternalData,
  isExternal,
  layoutExternalData,
  makeTensor,
  parseModel,
  serializeModel,
  tensorValues,
  tensorDims,
  withInlineData,
} from './index.js';
import { loadModel, loadTensor, saveModel } from './node.js';
import { ort, readBytes, runOrt, testData } from './test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'octet-onnx-ext-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const encoder = testData('fixtures/encoder_sentiment');

async function encoderFeeds() {
  const ids = loadTensor(`${encoder}/test/input_0.pb`);
  const mask = loadTensor(`${encoder}/test/input_1.pb`);
  return {
    input_ids: new ort.Tensor('int64', tensorValues(ids) as BigInt64Array, tensorDims(ids)),
    attention_mask: new ort.Tensor('int64', tensorValues(mask) as BigInt64Array, tensorDims(mask)),
  };
}

describe('external data', () => {
  it('saveModel moves large tensors out; ONNX Runtime and loadModel read them back', async () => {
    const src = loadModel(`${encoder}/model.onnx`);
    const path = join(dir, 'enc.onnx');
    const size = saveModel(src, path, { externalData: { threshold: 256 } });
    expect(size).toBe(statSync(path).size);
    expect(size).toBeLessThan(100_000);
    expect(statSync(join(dir, 'enc.onnx.data')).size).toBeGreaterThan(1_800_000);
    // No temp files left behind.
    expect(readdirSync(dir).sort()).toEqual(['enc.onnx', 'enc.onnx.data']);

    const back = loadModel(path);
    let moved = 0;
    for (const [name, t] of src.graph.initializers) {
      const bt = back.graph.initializer(name)!;
      if (isExternal(bt)) moved++;
      expect(Array.from(back.initializerValues(name) as ArrayLike<unknown>)).toEqual(Array.from(tensorValues(t) as ArrayLike<unknown>));
    }
    expect(moved).toBeGreaterThan(5);

    const feeds = await encoderFeeds();
    const ref = await runOrt(readBytes(`${encoder}/model.onnx`), feeds);
    const s = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'disabled' });
    const got = await s.run(feeds);
    await s.release();
    const out = Object.keys(ref)[0];
    expect(Array.from(got[out].data as Float32Array)).toEqual(Array.from(ref[out].data as Float32Array));

    // Nothing over the threshold: no data file is left behind.
    saveModel(src, join(dir, 'small.onnx'), { externalData: { threshold: 1e9 } });
    expect(readdirSync(dir).filter((f) => f.startsWith('small'))).toEqual(['small.onnx']);

    // Saving again without externalData inlines everything: byte-identical to the original.
    const inl = join(dir, 'enc-inline.onnx');
    saveModel(back, inl);
    expect(readFileSync(inl).equals(readFileSync(`${encoder}/model.onnx`))).toBe(true);
  });

  it('browser path: external data from a map of file name -> bytes', () => {
    const path = join(dir, 'enc2.onnx');
    saveModel(loadModel(`${encoder}/model.onnx`), path, { externalData: { location: 'weights/enc2.bin', threshold: 1 } });
    const files = { 'weights/enc2.bin': readBytes(join(dir, 'weights/enc2.bin')) };
    const m = parseModel(readBytes(path), { externalData: externalDataFromMap(files) });
    const orig = parseModel(readBytes(`${encoder}/model.onnx`));
    expect(inlineExternalData(m)).toBeGreaterThan(10);
    expect(Buffer.from(serializeModel(m)).equals(Buffer.from(serializeModel(orig)))).toBe(true);
    expect(() => parseModel(readBytes(path), { externalData: externalDataFromMap({}) }).initializerValues(orig.graph.nodes.length ? [...orig.graph.initializers.keys()][0] : '')).toThrow(OnnxExternalDataError);
  });

  it('layoutExternalData (browser-safe) places payloads exactly as saveModel writes them', () => {
    const src = loadModel(`${encoder}/model.onnx`);
    const proto = src.toProto();
    const before = encodeMessage(ModelProtoSchema, proto);
    const path = join(dir, 'lay.onnx');
    saveModel(src, path, { externalData: { location: 'lay.bin', threshold: 300, align: 128 } });
    const writes: { offset: number; bytes: Uint8Array }[] = [];
    const split = layoutExternalData(proto, { location: 'lay.bin', threshold: 300, align: 128 }, (bytes, offset) => writes.push({ bytes, offset }));
    // the model file and the data file are byte-identical to the Node writer's
    expect(Buffer.from(encodeMessage(ModelProtoSchema, split)).equals(readFileSync(path))).toBe(true);
    const data = readFileSync(join(dir, 'lay.bin'));
    expect(writes.length).toBeGreaterThan(5);
    let end = 0;
    for (const w of writes) {
      expect(w.offset % 128).toBe(0);
      expect(w.offset).toBeGreaterThanOrEqual(end);
      expect(data.subarray(w.offset, w.offset + w.bytes.length).equals(Buffer.from(w.bytes))).toBe(true);
      end = w.offset + w.bytes.length;
    }
    expect(data.length).toBe(end);
    // the input is untouched, and inlining the split model through a reader restores it
    expect(Buffer.from(encodeMessage(ModelProtoSchema, proto)).equals(Buffer.from(before))).toBe(true);
    const back = withInlineData(split, externalDataFromMap({ 'lay.bin': new Uint8Array(data) }));
    expect(Buffer.from(encodeMessage(ModelProtoSchema, back)).equals(Buffer.from(before))).toBe(true);
    expect(() => withInlineData(split, undefined)).toThrow(OnnxExternalDataError);
    expect(() => layoutExternalData(proto, { location: '../out.bin' }, () => {})).toThrow(OnnxExternalDataError);
  });

  it('offsets beyond 2 GiB (sparse data file) write and read back', () => {
    const b = new ModelBuilder();
    b.initializer('a', 'float32', [256], Float32Array.from({ length: 256 }, (_, i) => i));
    b.initializer('b', 'int8', [1024], Int8Array.from({ length: 1024 }, (_, i) => (i % 251) - 125));
    b.input('x', 'float32', [256]);
    b.output(b.op('Add', ['x', 'a']), 'float32', [256]);
    const path = join(dir, 'big.onnx');
    // Alignment 2^31 puts the second tensor past 2 GiB; the gap is a hole, not written bytes.
    saveModel(b.build(), path, { externalData: { align: 2 ** 31, threshold: 1 } });
    expect(statSync(join(dir, 'big.onnx.data')).size).toBe(2 ** 31 + 1024);
    const m = loadModel(path);
    const tb = m.graph.initializer('b')!;
    expect(tb.externalData.find((e) => e.key === 'offset')!.value).toBe(String(2 ** 31));
    expect(Array.from(m.initializerValues('b') as Int8Array).slice(0, 4)).toEqual([-125, -124, -123, -122]);
    rmSync(join(dir, 'big.onnx.data'));
  });

  it('streaming encoder emits the same bytes in small chunks', () => {
    for (const f of ['encoder_sentiment/model.onnx', 'mlp_diabetes/ref/ort_qdq.onnx', 'cnn_digits/model.onnx']) {
      const proto = parseModel(readBytes(testData(`fixtures/${f}`))).toProto();
      const whole = encodeMessage(ModelProtoSchema, proto);
      for (const chunkSize of [16, 1000]) {
        const parts: Buffer[] = [];
        const total = encodeMessageTo(ModelProtoSchema, proto, (c) => {
          parts.push(Buffer.from(c));
        }, { chunkSize, passThrough: 64 });
        expect(total).toBe(whole.length);
        if (chunkSize === 16) expect(parts.length).toBeGreaterThan(50);
        expect(Buffer.concat(parts).equals(Buffer.from(whole))).toBe(true);
      }
    }
  });

  it('rejects locations outside the model folder', () => {
    for (const bad of ['/etc/passwd', '../x.bin', 'a/../../x.bin', 'a/..', 'C:\\x.bin', '\\\\server\\share', '', 'a\0b', '..\\x']) {
      expect(() => checkExternalLocation(bad), bad).toThrow(OnnxExternalDataError);
    }
    expect(checkExternalLocation('./w/./x.bin')).toBe('w/x.bin');
    expect(() => saveModel(new ModelBuilder().model, join(dir, 'm.onnx'), { externalData: { location: '../escape.bin' } })).toThrow(OnnxExternalDataError);

    // A model file pointing outside its folder fails to decode (path + byte offset); bad ranges
    // fail when the tensor is read.
    const t = makeTensor('w', 'float32', [2], [1, 2]);
    for (const [location, offset, length, msg, atDecode] of [
      ['../../etc/passwd', '0', '8', /leaves the model's folder/, true],
      ['/etc/passwd', '0', '8', /absolute/, true],
      ['w.bin', '-1', '8', /not a non-negative integer/, true],
      ['w.bin', '4', '8', /past the end/, false],
      ['w.bin', '0', '12', /does not match dims/, false],
      ['missing.bin', '0', '8', /cannot open/, false],
    ] as const) {
      const b = new ModelBuilder();
      b.addTensor(t);
      const m = b.model.toProto();
      const w = m.graph!.initializer[0];
      delete (w as { rawData?: Uint8Array }).rawData;
      w.dataLocation = 1;
      w.externalData = [
        { $typeName: 'onnx.StringStringEntryProto', key: 'location', value: location },
        { $typeName: 'onnx.StringStringEntryProto', key: 'offset', value: offset },
        { $typeName: 'onnx.StringStringEntryProto', key: 'length', value: length },
      ];
      const sub = mkdtempSync(join(dir, 'case-'));
      writeFileSync(join(sub, 'w.bin'), Buffer.alloc(8));
      writeFileSync(join(sub, 'm.onnx'), serializeModel(m));
      if (atDecode) {
        let err: unknown;
        try {
          loadModel(join(sub, 'm.onnx'));
        } catch (e) {
          err = e;
        }
        expect(err, location).toBeInstanceOf(OnnxDecodeError);
        expect((err as OnnxDecodeError).reason).toMatch(msg);
        expect((err as OnnxDecodeError).path).toBe(`ModelProto.graph.initializer[0].external_data[${offset === '-1' ? 1 : 0}].value`);
        expect((err as OnnxDecodeError).offset).toBeGreaterThan(0);
        continue;
      }
      const loaded = loadModel(join(sub, 'm.onnx'));
      expect(() => loaded.initializerValues('w'), location).toThrow(OnnxExternalDataError);
      expect(() => loaded.initializerValues('w'), location).toThrow(msg);
    }
  });
});
