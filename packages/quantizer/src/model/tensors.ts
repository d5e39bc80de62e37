// Minimal TensorProto helpers the quantizer needs (float32 in, quantized ints out).
import { create } from '@bufbuild/protobuf';
import { TensorProtoSchema, type TensorProto } from 'onnx-buf';
import { QuantizerError } from '../errors.js';

export const DT = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT4: 21,
  INT4: 22,
} as const;

/** Reads an external tensor's payload; set by file-level entry points. */
export type ExternalLoader = (t: TensorProto) => Uint8Array;

export function dimsOf(t: TensorProto): number[] {
  return t.dims.map(Number);
}

export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

function isExternal(t: TensorProto): boolean {
  return t.dataLocation === 1;
}

function rawBytes(t: TensorProto, external?: ExternalLoader): Uint8Array | undefined {
  if (isExternal(t)) {
    if (!external) throw new QuantizerError(`tensor '${t.name}' lives in external data but no external data reader was given`);
    return external(t);
  }
  return t.rawData.length ? t.rawData : undefined;
}

function aligned(bytes: Uint8Array, bpe: number): ArrayBuffer {
  // copy so typed views are aligned and detached from the input buffer
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  void bpe;
  return copy.buffer;
}

/** float32 values of a FLOAT / FLOAT16 / DOUBLE tensor. */
export function toFloat32(t: TensorProto, external?: ExternalLoader): Float32Array {
  const n = elementCount(dimsOf(t));
  const raw = rawBytes(t, external);
  switch (t.dataType) {
    case DT.FLOAT:
      if (raw && isExternal(t) && raw.byteOffset % 4 === 0 && raw.length === n * 4) {
        return new Float32Array(raw.buffer, raw.byteOffset, n); // a fresh read: no second copy
      }
      if (raw) {
        if (raw.byteOffset % 4 === 0 && raw.length === n * 4) return new Float32Array(raw.buffer, raw.byteOffset, n).slice();
        return new Float32Array(aligned(raw, 4), 0, n);
      }
      return Float32Array.from(t.floatData);
    case DT.DOUBLE:
      return raw ? Float32Array.from(new Float64Array(aligned(raw, 8), 0, n)) : Float32Array.from(t.doubleData);
    case DT.FLOAT16: {
      const bits = raw ? new Uint16Array(aligned(raw, 2), 0, n) : Uint16Array.from(t.int32Data);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(bits[i]);
      return out;
    }
    default:
      throw new QuantizerError(`tensor '${t.name}' has data type ${t.dataType}, expected a float type`);
  }
}

/** int64 values (as numbers) of an INT64/INT32 tensor. */
export function toInts(t: TensorProto, external?: ExternalLoader): number[] {
  const n = elementCount(dimsOf(t));
  const raw = rawBytes(t, external);
  if (t.dataType === DT.INT64) {
    if (raw) return Array.from(new BigInt64Array(aligned(raw, 8), 0, n), Number);
    return t.int64Data.map(Number);
  }
  if (t.dataType === DT.INT32) {
    if (raw) return Array.from(new Int32Array(aligned(raw, 4), 0, n));
    return [...t.int32Data];
  }
  throw new QuantizerError(`tensor '${t.name}' has data type ${t.dataType}, expected int64/int32`);
}

export function floatTensor(name: string, dims: readonly number[], data: Float32Array): TensorProto {
  return create(TensorProtoSchema, {
    name,
    dataType: DT.FLOAT,
    dims: dims.map(BigInt),
    rawData: new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength).slice(),
  });
}

export function int64Tensor(name: string, dims: readonly number[], data: readonly number[]): TensorProto {
  const a = BigInt64Array.from(data.map(BigInt));
  return create(TensorProtoSchema, { name, dataType: DT.INT64, dims: dims.map(BigInt), rawData: new Uint8Array(a.buffer) });
}

/** Integer tensor of any quantized type; 4-bit types are packed two per byte, low nibble first. */
export function intTensor(name: string, dataType: number, dims: readonly number[], data: ArrayLike<number>): TensorProto {
  let raw: Uint8Array<ArrayBuffer>;
  switch (dataType) {
    case DT.INT8:
      raw = new Uint8Array(Int8Array.from(data).buffer);
      break;
    case DT.UINT8:
      raw = Uint8Array.from(data);
      break;
    case DT.INT16:
      raw = new Uint8Array(Int16Array.from(data).buffer);
      break;
    case DT.UINT16:
      raw = new Uint8Array(Uint16Array.from(data).buffer);
      break;
    case DT.INT32:
      raw = new Uint8Array(Int32Array.from(data).buffer);
      break;
    case DT.INT4:
    case DT.UINT4:
      raw = packNibbles(data);
      break;
    default:
      throw new QuantizerError(`cannot build an integer tensor of data type ${dataType}`);
  }
  return create(TensorProtoSchema, { name, dataType, dims: dims.map(BigInt), rawData: raw });
}

export function packNibbles(data: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array((data.length + 1) >> 1);
  for (let i = 0; i < data.length; i += 2) {
    const lo = data[i] & 0xf;
    const hi = i + 1 < data.length ? data[i + 1] & 0xf : 0;
    out[i >> 1] = lo | (hi << 4);
  }
  return out;
}

export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);
/** float32 → IEEE half bits, round to nearest even. */
export function floatToHalf(v: number): number {
  f32buf[0] = v;
  const x = u32buf[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 255) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    if (rem > half || (rem === half && r & 1)) r++;
    return sign | r;
  }
  let r = mant >> 13;
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && r & 1)) {
    r++;
    if (r === 0x400) {
      r = 0;
      e++;
      if (e >= 31) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | r;
}

export function float16Tensor(name: string, dims: readonly number[], data: Float32Array): TensorProto {
  const bits = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) bits[i] = floatToHalf(data[i]);
  return create(TensorProtoSchema, { name, dataType: DT.FLOAT16, dims: dims.map(BigInt), rawData: new Uint8Array(bits.buffer) });
}
