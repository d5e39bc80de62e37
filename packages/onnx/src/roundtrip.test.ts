// Every model and value file in test-data (and in ../shared when present) decodes, re-encodes to
// bytes that decode to an equal message, byte-identically (the sources are canonical protobuf
// C++ output), and survives the IR unchanged.
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createRegistry, equals } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ModelProtoSchema, dataProtoSchema, decodeMessage, encodeMessage, parseModel, serializeModel, type DataProtoKind, type Model } from './index.js';
import { hasShared, readBytes, sharedDir, testData } from './test-helpers.js';

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.name.endsWith('.onnx') || e.name.endsWith('.pb')) yield p;
  }
}

/** ONNX backend tests: input_K/output_K hold the type of the model's K-th feed input/output. */
function kindOf(file: string, models: Map<string, Model>): DataProtoKind {
  const m = /^(input|output)_(\d+)\.pb$/.exec(basename(file));
  const modelPath = join(dirname(dirname(file)), 'model.onnx');
  if (!m || !/test_data_set_\d+$/.test(dirname(file)) || !existsSync(modelPath)) return 'tensor';
  let model = models.get(modelPath);
  if (!model) {
    model = parseModel(readBytes(modelPath));
    models.set(modelPath, model);
  }
  const list = m[1] === 'input' ? model.graph.feedInputs : model.graph.outputs;
  const t = list[Number(m[2])]?.type?.value.case;
  return t === 'sequenceType' ? 'sequence' : t === 'mapType' ? 'map' : t === 'optionalType' ? 'optional' : 'tensor';
}

const roots = [testData(''), ...(hasShared ? [`${sharedDir}fixtures`, `${sharedDir}onnx-tests`] : [])].filter(existsSync);

describe('lossless round trip', () => {
  for (const root of roots) {
    it(`every .onnx and .pb under ${root.replace(/.*\/(test-data|shared)/, '$1')}`, () => {
      const models = new Map<string, Model>();
      const failures: string[] = [];
      let files = 0;
      const kinds = new Map<string, number>();
      for (const file of walk(root)) {
        files++;
        const kind: DataProtoKind | 'model' = file.endsWith('.onnx') ? 'model' : kindOf(file, models);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        const schema = kind === 'model' ? ModelProtoSchema : dataProtoSchema(kind);
        try {
          const bytes = readBytes(file);
          const msg = decodeMessage(schema, bytes, { file });
          const again = encodeMessage(schema, msg);
          if (!Buffer.from(again).equals(Buffer.from(bytes))) {
            const back = decodeMessage(schema, again);
            failures.push(`${file}: re-encoding differs (${equals(schema, msg, back, { unknown: true, registry: createRegistry() }) ? 'equal message, reordered bytes' : 'message changed'})`);
          }
          if (kind === 'model' && !Buffer.from(serializeModel(parseModel(bytes))).equals(Buffer.from(bytes))) {
            failures.push(`${file}: IR round trip changed the bytes`);
          }
        } catch (e) {
          failures.push(`${file}: ${(e as Error).message}`);
        }
      }
      expect(failures).toEqual([]);
      expect(files).toBeGreaterThan(20);
      expect(kinds.get('model')).toBeGreaterThan(0);
    });
  }

  it('a ModelProto without a graph stays without one through the IR', () => {
    const proto = decodeMessage(ModelProtoSchema, readBytes(testData('fixtures/mlp_diabetes/model.onnx')));
    delete (proto as { graph?: unknown }).graph;
    const bytes = encodeMessage(ModelProtoSchema, proto);
    expect(Buffer.from(serializeModel(parseModel(bytes))).equals(Buffer.from(bytes))).toBe(true);
  });

  it('keeps unknown fields, metadata, functions, doc strings and value_info', () => {
    const bytes = readBytes(testData('fixtures/encoder_sentiment/model.onnx'));
    const proto = decodeMessage(ModelProtoSchema, bytes);
    proto.docString = 'doc';
    proto.metadataProps.push({ $typeName: 'onnx.StringStringEntryProto', key: 'k', value: 'v' });
    proto.functions.push(decodeMessage(ModelProtoSchema, bytes).functions[0] ?? { $typeName: 'onnx.FunctionProto', name: 'f', domain: 'local', overload: '', input: ['a'], output: ['b'], attribute: [], attributeProto: [], node: [], docString: 'fn', opsetImport: [], valueInfo: [], metadataProps: [] });
    // Unknown fields at three levels: model (field 99), graph (field 98), tensor (field 97).
    proto.$unknown = [{ no: 99, wireType: 2, data: Uint8Array.of(3, 1, 2, 3) }];
    proto.graph!.$unknown = [{ no: 98, wireType: 0, data: Uint8Array.of(0x96, 0x01) }];
    proto.graph!.initializer[0].$unknown = [{ no: 97, wireType: 5, data: Uint8Array.of(1, 2, 3, 4) }];
    proto.graph!.valueInfo.push({ $typeName: 'onnx.ValueInfoProto', name: 'extra', docString: 'vi', metadataProps: [] });
    const enc = encodeMessage(ModelProtoSchema, proto);
    const m = parseModel(enc);
    const out = serializeModel(m);
    expect(Buffer.from(out).equals(Buffer.from(enc))).toBe(true);
    const back = decodeMessage(ModelProtoSchema, out);
    expect(back.$unknown).toEqual(proto.$unknown);
    expect(back.graph!.$unknown).toEqual(proto.graph!.$unknown);
    expect(back.graph!.initializer[0].$unknown).toEqual(proto.graph!.initializer[0].$unknown);
    expect(back.docString).toBe('doc');
    expect(m.metadata.get('k')).toBe('v');
    expect(back.functions.length).toBe(1);
    expect(back.graph!.valueInfo.at(-1)!.docString).toBe('vi');
    expect(equals(ModelProtoSchema, back, proto, { unknown: true, registry: createRegistry() })).toBe(true);
  });
});
