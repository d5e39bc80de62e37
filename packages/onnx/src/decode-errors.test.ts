import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import {
  ModelProtoSchema,
  OnnxDecodeError,
  OnnxTensorError,
  TensorProtoSchema,
  decodeModelProto,
  decodeTensorProto,
  encodeMessage,
  encodeTensorProto,
  makeTensor,
  tensorValues,
} from './index.js';
import { readBytes, rng, testData } from './test-helpers.js';

function decodeError(fn: () => unknown): OnnxDecodeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OnnxDecodeError);
    return e as OnnxDecodeError;
  }
  throw new Error('expected an OnnxDecodeError');
}

const modelBytes = readBytes(testData('fixtures/mlp_diabetes/model.onnx'));

/** Byte offset of the raw_data tag of initializer `k` (found by decoding, as a view offset). */
function rawDataTagOffset(k: number): { tag: number; payload: number; len: number } {
  const m = decodeModelProto(modelBytes);
  const raw = m.graph!.initializer[k].rawData;
  const payload = raw.byteOffset - modelBytes.byteOffset;
  // tag (1 byte: field 9, wire 2 = 0x4a) + length varint precede the payload
  let lenBytes = 1;
  while (raw.length >= 2 ** (7 * lenBytes)) lenBytes++;
  return { tag: payload - lenBytes - 1, payload, len: raw.length };
}

describe('bad input → OnnxDecodeError with field path and byte offset', () => {
  it('truncated inside a tensor payload', () => {
    const { tag, payload, len } = rawDataTagOffset(1);
    expect(modelBytes[tag]).toBe(0x4a);
    const e = decodeError(() => decodeModelProto(modelBytes.subarray(0, payload + len - 3), { file: 'model.onnx' }));
    expect(e.path).toBe('ModelProto.graph.initializer[1].raw_data');
    expect(e.offset).toBe(tag + 1); // the length prefix
    expect(e.reason).toMatch(/length \d+ runs past the end/);
    expect(e.message).toMatch(/^model\.onnx: /);
  });

  it('truncated anywhere: a typed error or a shorter valid message, never anything else', () => {
    const r = rng(11);
    let errors = 0;
    for (let i = 0; i < 300; i++) {
      const cut = Math.floor(r() * modelBytes.length);
      try {
        decodeModelProto(modelBytes.subarray(0, cut));
      } catch (e) {
        expect(e).toBeInstanceOf(OnnxDecodeError);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(250);
  });

  it('wrong wire type on a known field', () => {
    // ir_version is field 1, varint (tag 0x08). Make it fixed32 (tag 0x0d).
    expect(modelBytes[0]).toBe(0x08);
    const bad = modelBytes.slice();
    bad[0] = 0x0d;
    const e = decodeError(() => decodeModelProto(bad));
    expect(e.path).toBe('ModelProto.ir_version');
    expect(e.offset).toBe(0);
    expect(e.reason).toMatch(/wrong wire type 5 \(expected 0\)/);
  });

  it('invalid wire types, field number 0, overlong varints, unterminated groups', () => {
    expect(decodeError(() => decodeTensorProto(Uint8Array.of(0x0f))).reason).toMatch(/invalid wire type 7/);
    expect(decodeError(() => decodeTensorProto(Uint8Array.of(0x00, 0x01))).reason).toMatch(/field number 0/);
    const e = decodeError(() => decodeTensorProto(Uint8Array.of(0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)));
    expect(e.reason).toMatch(/varint/);
    expect(e.path).toBe('TensorProto.data_type');
    expect(e.offset).toBe(1);
    expect(decodeError(() => decodeTensorProto(Uint8Array.of(0xfb, 0x01))).reason).toMatch(/unterminated group/); // field 31, start group
    expect(decodeError(() => decodeTensorProto(Uint8Array.of(0xfc, 0x01))).reason).toMatch(/unexpected group end/);
  });

  it('length past the buffer, without allocating it', () => {
    // graph (field 7, LEN) claiming 2^31 bytes in a 7-byte input.
    const e = decodeError(() => decodeModelProto(Uint8Array.of(0x3a, 0x80, 0x80, 0x80, 0x80, 0x08, 0x00)));
    expect(e.path).toBe('ModelProto.graph');
    expect(e.offset).toBe(1);
    expect(e.reason).toMatch(/length 2147483648 runs past the end of the buffer \(1 bytes left\)/);
    // A nested length that fits the buffer but not its enclosing message.
    const nested = Uint8Array.of(0x3a, 0x03, 0x12, 0x05, 0x61, 0x62, 0x63, 0x64, 0x65);
    const n = decodeError(() => decodeModelProto(nested));
    expect(n.path).toBe('ModelProto.graph.name');
    expect(n.reason).toMatch(/enclosing message/);
  });

  it('negative and overflowing dims', () => {
    const neg = create(TensorProtoSchema, { dims: [2n, -3n], dataType: 1 });
    const e = decodeError(() => decodeTensorProto(encodeMessage(TensorProtoSchema, neg)));
    expect(e.path).toBe('TensorProto.dims');
    expect(e.reason).toMatch(/negative dimension -3/);
    expect(e.offset).toBe(2);

    const huge = create(TensorProtoSchema, { dims: [2n ** 62n], dataType: 1 });
    expect(decodeError(() => decodeTensorProto(encodeMessage(TensorProtoSchema, huge))).reason).toMatch(/dimension \d+ overflows/);
    const product = create(TensorProtoSchema, { dims: [2n ** 30n, 2n ** 30n, 2n ** 30n], dataType: 1 });
    expect(decodeError(() => decodeTensorProto(encodeMessage(TensorProtoSchema, product))).reason).toMatch(/element count .* overflows/);
  });

  it('payload sizes that do not match dims', () => {
    const t = makeTensor('w', 'float32', [3], [1, 2, 3]);
    t.dims = [4n];
    const e = decodeError(() => decodeTensorProto(encodeTensorProto(t)));
    expect(e.path).toBe('TensorProto.raw_data');
    expect(e.reason).toBe('raw_data has 12 bytes, dims [4] need 16');

    const f = makeTensor('w', 'float32', [3], [1, 2, 3], { typedFields: true });
    f.dims = [2n];
    expect(decodeError(() => decodeTensorProto(encodeTensorProto(f))).reason).toBe('float_data has 3 elements, dims [2] need 2');

    // A billion elements claimed, no payload: rejected before anything is allocated.
    const empty = create(TensorProtoSchema, { dims: [1_000_000_000n], dataType: 1 });
    expect(decodeError(() => decodeTensorProto(encodeMessage(TensorProtoSchema, empty))).reason).toMatch(/no data for 1000000000 elements/);

    // The same checks guard in-memory protos built by hand.
    const mem = makeTensor('m', 'int8', [4], [1, 2, 3, 4]);
    mem.dims = [1_000_000_000n];
    expect(() => tensorValues(mem)).toThrow(OnnxTensorError);

    // Inside a model the path names the initializer.
    const model = decodeModelProto(modelBytes);
    model.graph!.initializer[2].dims = [999n];
    const me = decodeError(() => decodeModelProto(encodeMessage(ModelProtoSchema, model)));
    expect(me.path).toBe('ModelProto.graph.initializer[2].raw_data');
  });

  it('random corruption never escapes as another error type and never hangs', () => {
    const r = rng(5);
    let typed = 0;
    for (let i = 0; i < 1500; i++) {
      const bad = modelBytes.slice();
      const flips = 1 + Math.floor(r() * 4);
      for (let k = 0; k < flips; k++) bad[Math.floor(r() * 400)] = Math.floor(r() * 256); // structure lives up front
      try {
        decodeModelProto(bad);
      } catch (e) {
        if (!(e instanceof OnnxDecodeError)) throw e;
        typed++;
      }
    }
    for (let i = 0; i < 300; i++) {
      const junk = Uint8Array.from({ length: 1 + Math.floor(r() * 64) }, () => Math.floor(r() * 256));
      try {
        decodeModelProto(junk);
        decodeTensorProto(junk);
      } catch (e) {
        if (!(e instanceof OnnxDecodeError)) throw e;
        typed++;
      }
    }
    expect(typed).toBeGreaterThan(300);
  });
});
