import { describe, expect, it } from 'vitest';
import {
  DataType,
  ModelBuilder,
  bfloat16ToFloat32,
  decodeTensorProto,
  encodeTensorProto,
  float16BitsToNumber,
  float16ToFloat32,
  float32ToBfloat16,
  float32ToFloat16,
  makeTensor,
  packInt4,
  tensorToFloat32,
  tensorValues,
  unpackInt4,
  OnnxTensorError,
  type DTypeName,
  type TensorInput,
} from './index.js';
import { ort, rng, runOrt } from './test-helpers.js';

const roundTrip = <T>(t: Parameters<typeof encodeTensorProto>[0]) => decodeTensorProto(encodeTensorProto(t)) as T;

describe('tensor data <-> typed arrays', () => {
  const cases: [DTypeName, ArrayLike<number | bigint | boolean> | string[], string][] = [
    ['float32', [1.5, -2, 3.25, 0], 'Float32Array'],
    ['float64', [1.5, -2, 1e300, 0], 'Float64Array'],
    ['int8', [-128, 127, 0, 5], 'Int8Array'],
    ['uint8', [0, 255, 7, 1], 'Uint8Array'],
    ['int16', [-32768, 32767, 1, 2], 'Int16Array'],
    ['uint16', [65535, 0, 1, 2], 'Uint16Array'],
    ['int32', [-(2 ** 31), 2 ** 31 - 1, 0, 1], 'Int32Array'],
    ['uint32', [2 ** 32 - 1, 0, 1, 2], 'Uint32Array'],
    ['int64', [-(2n ** 63n), 2n ** 63n - 1n, 0n, 1n], 'BigInt64Array'],
    ['uint64', [2n ** 64n - 1n, 0n, 1n, 2n], 'BigUint64Array'],
    ['bool', [true, false, true, true], 'Uint8Array'],
    ['int4', [-8, 7, -1, 0], 'Int8Array'],
    ['uint4', [15, 0, 9, 1], 'Uint8Array'],
    ['string', ['a', 'héllo', '', 'z'], 'Array'],
  ];
  for (const [dt, vals, ctor] of cases) {
    for (const typedFields of [false, true]) {
      it(`${dt} via ${typedFields ? 'typed repeated field' : 'raw_data'}`, () => {
        const t = makeTensor('t', dt, [2, 2], vals as TensorInput, { typedFields });
        const back = roundTrip<typeof t>(t);
        const v = tensorValues(back);
        expect(v.constructor.name).toBe(ctor);
        const expected = dt === 'bool' ? (vals as boolean[]).map((b) => (b ? 1 : 0)) : Array.from(vals as ArrayLike<unknown>);
        expect(Array.from(v as ArrayLike<unknown>)).toEqual(expected);
        if (dt !== 'string') expect(back.rawData.length > 0).toBe(!typedFields);
      });
    }
  }

  it('float16 and bfloat16 from numbers, both storage forms', () => {
    const vals = [1, -2.5, 65504, 0.333];
    for (const typedFields of [false, true]) {
      const h = roundTrip<ReturnType<typeof makeTensor>>(makeTensor('h', 'float16', [4], vals, { typedFields }));
      expect(Array.from(tensorToFloat32(h))).toEqual([1, -2.5, 65504, float16BitsToNumber(0x3554)]);
      const b = roundTrip<ReturnType<typeof makeTensor>>(makeTensor('b', 'bfloat16', [4], vals, { typedFields }));
      expect(Array.from(tensorToFloat32(b)).slice(0, 2)).toEqual([1, -2.5]);
    }
  });

  it('raw_data payloads are zero-copy views when aligned, copies when not', () => {
    const t = makeTensor('w', 'float32', [3], [1, 2, 3]);
    const bytes = encodeTensorProto(t);
    // Place the message at every offset 0..3 in a bigger buffer: some align, some do not.
    for (let shift = 0; shift < 4; shift++) {
      const buf = new Uint8Array(bytes.length + 8);
      buf.set(bytes, shift);
      const back = decodeTensorProto(buf.subarray(shift, shift + bytes.length));
      const v = tensorValues(back) as Float32Array;
      expect(Array.from(v)).toEqual([1, 2, 3]);
      expect(back.rawData.buffer).toBe(buf.buffer);
      if (back.rawData.byteOffset % 4 === 0) expect(v.buffer).toBe(buf.buffer);
      else expect(v.buffer).not.toBe(buf.buffer);
    }
  });

  it('int4 packs two per byte, low nibble first', () => {
    expect(Array.from(packInt4([1, 2, 3]))).toEqual([0x21, 0x03]);
    expect(Array.from(unpackInt4(new Uint8Array([0xf8, 0x07]), 3, true))).toEqual([-8, -1, 7]);
    expect(Array.from(unpackInt4(new Uint8Array([0xf8, 0x07]), 3, false))).toEqual([8, 15, 7]);
  });

  it('rejects payloads that do not match dims', () => {
    const t = makeTensor('w', 'float32', [3], [1, 2, 3]);
    t.dims = [4n];
    expect(() => tensorValues(t)).toThrow(OnnxTensorError);
    expect(() => makeTensor('x', 'int8', [2], [1, 2, 3])).toThrow(/3 values for 2 elements/);
  });

  it('float16/bfloat16 conversions match ONNX Runtime Cast bit for bit', async () => {
    const r = rng(7);
    const n = 4096;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = (r() - 0.5) * 2 ** Math.floor(r() * 40 - 24);
    // Edge cases: ties, overflow, subnormals, specials.
    x.set([1 + 2 ** -11, 1 + 3 * 2 ** -11, 65520, 65519, 2 ** -25, 2 ** -24 * 1.5, Infinity, -Infinity, NaN, -0, 1e-45, 3.4e38]);
    const b = new ModelBuilder({ opset: 17 });
    b.input('x', 'float32', [n]);
    b.node('Cast', ['x'], ['h'], { to: DataType.FLOAT16 });
    // onnxruntime-node cannot return bfloat16 tensors: cast there and back to float32.
    b.node('Cast', ['x'], ['bf16'], { to: DataType.BFLOAT16 });
    b.node('Cast', ['bf16'], ['bf'], { to: DataType.FLOAT });
    b.output('h', 'float16', [n]);
    b.output('bf', 'float32', [n]);
    const out = await runOrt(b.build(), { x: new ort.Tensor('float32', x, [n]) });
    const ortHalf = new Uint16Array((out.h.data as Uint16Array).buffer, (out.h.data as Uint16Array).byteOffset, n);
    expect(Array.from(float32ToFloat16(x))).toEqual(Array.from(ortHalf));
    const ortBf = out.bf.data as Float32Array;
    const ours = bfloat16ToFloat32(float32ToBfloat16(x));
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(x[i])) expect(Number.isNaN(ortBf[i]) && Number.isNaN(ours[i])).toBe(true);
      else expect(Object.is(ours[i], ortBf[i])).toBe(true);
    }
    // And widening back is exact.
    const wide = float16ToFloat32(ortHalf);
    for (let i = 0; i < n; i++) if (!Number.isNaN(x[i])) expect(float32ToFloat16(wide.subarray(i, i + 1))[0]).toBe(ortHalf[i]);
  });

  it('int4 tensors agree with ONNX Runtime DequantizeLinear (opset 21)', async () => {
    const vals = [-8, -7, -1, 0, 1, 6, 7, 3, -2];
    const b = new ModelBuilder({ opset: 21 });
    b.initializer('q', 'int4', [vals.length], vals);
    b.initializer('s', 'float32', [], [1]);
    b.initializer('z', 'int4', [], [0]);
    b.node('DequantizeLinear', ['q', 's', 'z'], ['y']);
    b.output('y', 'float32', [vals.length]);
    const out = await runOrt(b.build(), {});
    expect(Array.from(out.y.data as Float32Array)).toEqual(vals);
  });
});
