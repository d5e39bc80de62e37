// TensorProto payload <-> typed arrays, for raw_data and the typed repeated fields.
import { create } from '@bufbuild/protobuf';
import { TensorProtoSchema, type TensorProto } from './proto.js';
import { DataType, dtypeName, isKnownDType, rawByteLength, toDataType, type DTypeLike, type TensorArray, type TensorValues } from './dtypes.js';
import { bfloat16ToFloat32, float16ToFloat32, float32ToBfloat16, float32ToFloat16 } from './float16.js';
import { packInt2, packInt4, unpackInt2, unpackInt4 } from './packed-int.js';
import { OnnxTensorError } from './errors.js';
import { typedFieldCount } from './wire-check.js';

/** Where tensors with `data_location = EXTERNAL` get their bytes (see external-data.ts). */
export interface ExternalDataReader {
  /** Bytes of the tensor's payload (exactly `length` bytes from `offset` in `location`). */
  read(tensor: TensorProto): Uint8Array;
}

export interface TensorReadOptions {
  /** Needed for tensors stored in external data. */
  external?: ExternalDataReader;
}

const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function tensorDims(t: TensorProto): number[] {
  return t.dims.map(Number);
}

export function tensorElementCount(t: TensorProto): number {
  let n = 1;
  for (const d of t.dims) n *= Number(d);
  return n;
}

export function isExternal(t: TensorProto): boolean {
  return t.dataLocation === 1;
}

type ArrayCtor = { new (buf: ArrayBufferLike, off: number, len: number): TensorArray; new (len: number): TensorArray; BYTES_PER_ELEMENT: number };

/** The typed array class holding one element per value for a dtype (raw bit patterns for float16 etc.). */
function ctorFor(dt: number): ArrayCtor | undefined {
  switch (dt) {
    case DataType.FLOAT:
    case DataType.COMPLEX64:
      return Float32Array as unknown as ArrayCtor;
    case DataType.DOUBLE:
    case DataType.COMPLEX128:
      return Float64Array as unknown as ArrayCtor;
    case DataType.INT8:
      return Int8Array as unknown as ArrayCtor;
    case DataType.UINT8:
    case DataType.BOOL:
    case DataType.FLOAT8E4M3FN:
    case DataType.FLOAT8E4M3FNUZ:
    case DataType.FLOAT8E5M2:
    case DataType.FLOAT8E5M2FNUZ:
    case DataType.FLOAT8E8M0:
      return Uint8Array as unknown as ArrayCtor;
    case DataType.INT16:
      return Int16Array as unknown as ArrayCtor;
    case DataType.UINT16:
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
      return Uint16Array as unknown as ArrayCtor;
    case DataType.INT32:
      return Int32Array as unknown as ArrayCtor;
    case DataType.UINT32:
      return Uint32Array as unknown as ArrayCtor;
    case DataType.INT64:
      return BigInt64Array as unknown as ArrayCtor;
    case DataType.UINT64:
      return BigUint64Array as unknown as ArrayCtor;
    default:
      return undefined;
  }
}

/** Elements per value in the array form (complex numbers are two floats). */
function lanes(dt: number): number {
  return dt === DataType.COMPLEX64 || dt === DataType.COMPLEX128 ? 2 : 1;
}

/** A typed view over `bytes` when aligned, else an aligned copy. */
function viewOrCopy(bytes: Uint8Array, C: ArrayCtor, n: number): TensorArray {
  if (!LE) throw new OnnxTensorError('big-endian hosts are not supported');
  if (bytes.byteOffset % C.BYTES_PER_ELEMENT === 0) return new C(bytes.buffer, bytes.byteOffset, n);
  const copy = new Uint8Array(n * C.BYTES_PER_ELEMENT);
  copy.set(bytes.subarray(0, copy.length));
  return new C(copy.buffer, 0, n);
}

const utf8 = new TextDecoder('utf-8');
const utf8enc = new TextEncoder();

/** The bytes of a tensor's payload as stored in raw_data (or external data) layout. */
export function tensorRawBytes(t: TensorProto, opts: TensorReadOptions = {}): Uint8Array {
  const dt = t.dataType;
  if (dt === DataType.STRING) throw new OnnxTensorError('STRING tensors have no raw byte layout', t.name);
  if (isExternal(t)) {
    if (!opts.external) throw new OnnxTensorError('data is in external data; pass { external } (see loadModel / externalDataFromMap)', t.name);
    return checkedBytes(t, opts.external.read(t));
  }
  if (t.rawData !== undefined && (t.rawData.length > 0 || Object.prototype.hasOwnProperty.call(t, 'rawData'))) {
    return checkedBytes(t, t.rawData);
  }
  // Build raw layout from the typed field.
  const vals = tensorValues(t, opts);
  if (dt === DataType.INT4 || dt === DataType.UINT4 || dt === DataType.FLOAT4E2M1) return packInt4(vals as Uint8Array);
  if (dt === DataType.INT2 || dt === DataType.UINT2) return packInt2(vals as Uint8Array);
  const a = vals as TensorArray;
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function checkedBytes(t: TensorProto, bytes: Uint8Array): Uint8Array {
  if (!isKnownDType(t.dataType)) throw new OnnxTensorError(`unknown data type ${t.dataType}`, t.name);
  const want = rawByteLength(t.dataType, tensorElementCount(t));
  if (bytes.length !== want) {
    throw new OnnxTensorError(`payload has ${bytes.length} bytes, dims [${tensorDims(t).join(', ')}] of ${dtypeName(t.dataType)} need ${want}`, t.name);
  }
  return bytes;
}

/**
 * The tensor's values in their natural typed array: Float32Array for float32, Uint16Array bit
 * patterns for float16/bfloat16 (see `tensorToFloat32`), BigInt64Array for int64, unpacked
 * Int8Array/Uint8Array for int4/uint4 (and int2/uint2, float4e2m1 nibbles), Uint8Array 0/1 for
 * bool, Uint8Array bit patterns for float8 types, interleaved floats for complex, string[] for
 * string. From raw_data the result is a zero-copy view into the model bytes when aligned:
 * writing to it writes into the model.
 */
export function tensorValues(t: TensorProto, opts: TensorReadOptions = {}): TensorValues {
  const dt = t.dataType;
  const n = tensorElementCount(t);
  if (!isKnownDType(dt)) throw new OnnxTensorError(`unknown data type ${dt}`, t.name);
  if (dt === DataType.STRING) {
    if (t.stringData.length !== n) throw new OnnxTensorError(`string_data has ${t.stringData.length} elements, dims need ${n}`, t.name);
    return t.stringData.map((b) => utf8.decode(b));
  }
  const hasRaw = isExternal(t) || t.rawData.length > 0 || Object.prototype.hasOwnProperty.call(t, 'rawData');
  if (dt === DataType.INT4 || dt === DataType.UINT4 || dt === DataType.FLOAT4E2M1 || dt === DataType.INT2 || dt === DataType.UINT2) {
    let packed: Uint8Array;
    if (hasRaw) packed = tensorRawBytes(t, opts);
    else {
      const want = typedFieldCount(dt, 'int32_data', n)!;
      if (t.int32Data.length !== want) throw new OnnxTensorError(`int32_data has ${t.int32Data.length} elements, dims need ${want}`, t.name);
      packed = Uint8Array.from(t.int32Data);
    }
    const signed = dt === DataType.INT4 || dt === DataType.INT2;
    return dt === DataType.INT2 || dt === DataType.UINT2 ? unpackInt2(packed, n, signed) : unpackInt4(packed, n, signed);
  }
  const C = ctorFor(dt)!;
  const count = n * lanes(dt);
  if (hasRaw) return viewOrCopy(tensorRawBytes(t, opts), C, count);
  let src: ArrayLike<number> | ArrayLike<bigint>;
  let field: string;
  switch (dt) {
    case DataType.FLOAT:
    case DataType.COMPLEX64:
      src = t.floatData;
      field = 'float_data';
      break;
    case DataType.DOUBLE:
    case DataType.COMPLEX128:
      src = t.doubleData;
      field = 'double_data';
      break;
    case DataType.INT64:
      src = t.int64Data;
      field = 'int64_data';
      break;
    case DataType.UINT64:
      src = t.uint64Data;
      field = 'uint64_data';
      break;
    case DataType.UINT32:
      src = t.uint64Data.map(Number);
      field = 'uint64_data';
      break;
    default:
      src = t.int32Data;
      field = 'int32_data';
  }
  if (src.length !== count) {
    if (src.length === 0 && count > 0) throw new OnnxTensorError(`no data for ${n} elements`, t.name);
    throw new OnnxTensorError(`${field} has ${src.length} elements, dims need ${count}`, t.name);
  }
  const out = new C(count);
  if (dt === DataType.INT64 || dt === DataType.UINT64) {
    (out as BigInt64Array).set(src as ArrayLike<bigint>);
  } else {
    (out as Float64Array).set(src as ArrayLike<number>);
  }
  return out;
}

/**
 * Any numeric tensor as Float32Array (float16/bfloat16 widened, integers converted, int64 via
 * Number). A float32 raw_data tensor returns the zero-copy view.
 */
export function tensorToFloat32(t: TensorProto, opts: TensorReadOptions = {}): Float32Array {
  const v = tensorValues(t, opts);
  if (Array.isArray(v)) throw new OnnxTensorError('STRING tensors have no float form', t.name);
  switch (t.dataType) {
    case DataType.FLOAT:
      return v as Float32Array;
    case DataType.FLOAT16:
      return float16ToFloat32(v as Uint16Array);
    case DataType.BFLOAT16:
      return bfloat16ToFloat32(v as Uint16Array);
    case DataType.FLOAT8E4M3FN:
    case DataType.FLOAT8E4M3FNUZ:
    case DataType.FLOAT8E5M2:
    case DataType.FLOAT8E5M2FNUZ:
    case DataType.FLOAT8E8M0:
    case DataType.FLOAT4E2M1:
    case DataType.COMPLEX64:
    case DataType.COMPLEX128:
      throw new OnnxTensorError(`no float32 conversion for ${dtypeName(t.dataType)}`, t.name);
    case DataType.INT64:
    case DataType.UINT64: {
      const b = v as BigInt64Array;
      const out = new Float32Array(b.length);
      for (let i = 0; i < b.length; i++) out[i] = Number(b[i]);
      return out;
    }
    default:
      return Float32Array.from(v as ArrayLike<number>);
  }
}

/** Values accepted by `makeTensor` / `setTensorValues`. */
export type TensorInput = TensorValues | ArrayLike<number> | ArrayLike<bigint> | ArrayLike<boolean> | readonly string[];

export interface MakeTensorOptions {
  /** Store as typed repeated fields (float_data, int32_data, ...) instead of raw_data. */
  typedFields?: boolean;
  docString?: string;
}

/**
 * Create a TensorProto. `values` may be the natural typed array (see `tensorValues`), or plain
 * numbers: float16/bfloat16 from numbers/Float32Array are converted (a Uint16Array is taken as
 * bit patterns), int4/uint4 take one value per element and are packed low nibble first. Omit
 * `values` for a zero-filled tensor. Data goes to raw_data (STRING: string_data).
 */
export function makeTensor(name: string, dtype: DTypeLike, dims: readonly (number | bigint)[], values?: TensorInput, opts: MakeTensorOptions = {}): TensorProto {
  const dt = toDataType(dtype);
  const t = create(TensorProtoSchema, { name, dataType: dt, dims: dims.map((d) => BigInt(d)) });
  if (opts.docString !== undefined) t.docString = opts.docString;
  setTensorValues(t, values, opts);
  return t;
}

/** Replace a tensor's payload (keeps name, dims, dtype; clears other data fields). */
export function setTensorValues(t: TensorProto, values: TensorInput | undefined, opts: MakeTensorOptions = {}): void {
  const dt = t.dataType;
  const n = tensorElementCount(t);
  for (const k of ['floatData', 'int32Data', 'stringData', 'int64Data', 'doubleData', 'uint64Data', 'externalData'] as const) {
    (t as unknown as Record<string, unknown[]>)[k] = [];
  }
  delete (t as { rawData?: Uint8Array }).rawData;
  delete (t as { dataLocation?: number }).dataLocation;
  if (dt === DataType.STRING) {
    const s = (values ?? new Array<string>(n).fill('')) as readonly string[];
    if (s.length !== n) throw new OnnxTensorError(`${s.length} strings for ${n} elements`, t.name);
    t.stringData = Array.from(s, (x) => (typeof x === 'string' ? utf8enc.encode(x) : (x as Uint8Array)) as Uint8Array<ArrayBuffer>);
    return;
  }
  const count = n * lanes(dt);
  let raw: Uint8Array;
  if (values === undefined) raw = new Uint8Array(rawByteLength(dt, n));
  else {
    if (values.length !== count) throw new OnnxTensorError(`${values.length} values for ${count} elements`, t.name);
    raw = toRaw(dt, values, t.name);
  }
  if (opts.typedFields) setTypedFields(t, raw);
  else t.rawData = raw as Uint8Array<ArrayBuffer>;
}

function toRaw(dt: number, values: TensorInput, name: string): Uint8Array {
  const asBytes = (a: TensorArray) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  switch (dt) {
    case DataType.FLOAT16:
      return asBytes(values instanceof Uint16Array ? values : float32ToFloat16(values as ArrayLike<number>));
    case DataType.BFLOAT16:
      return asBytes(values instanceof Uint16Array ? values : float32ToBfloat16(values as ArrayLike<number>));
    case DataType.INT4:
    case DataType.UINT4:
    case DataType.FLOAT4E2M1:
      return packInt4(values as ArrayLike<number>);
    case DataType.INT2:
    case DataType.UINT2:
      return packInt2(values as ArrayLike<number>);
    case DataType.BOOL: {
      const out = new Uint8Array(values.length);
      for (let i = 0; i < values.length; i++) out[i] = (values as ArrayLike<unknown>)[i] ? 1 : 0;
      return out;
    }
  }
  const C = ctorFor(dt);
  if (!C) throw new OnnxTensorError(`cannot build ${dtypeName(dt)} tensors`, name);
  if (values instanceof C) return asBytes(values as TensorArray);
  const out = new C(values.length);
  if (dt === DataType.INT64 || dt === DataType.UINT64) {
    for (let i = 0; i < values.length; i++) (out as BigInt64Array)[i] = BigInt((values as ArrayLike<number | bigint>)[i]);
  } else {
    for (let i = 0; i < values.length; i++) (out as Float64Array)[i] = Number((values as ArrayLike<number | bigint>)[i]);
  }
  return asBytes(out);
}

/** Store raw-layout bytes in the typed repeated field the dtype uses. */
function setTypedFields(t: TensorProto, raw: Uint8Array): void {
  const dt = t.dataType;
  const copy = raw.slice();
  switch (dt) {
    case DataType.FLOAT:
    case DataType.COMPLEX64:
      t.floatData = Array.from(new Float32Array(copy.buffer));
      return;
    case DataType.DOUBLE:
    case DataType.COMPLEX128:
      t.doubleData = Array.from(new Float64Array(copy.buffer));
      return;
    case DataType.INT64:
      t.int64Data = Array.from(new BigInt64Array(copy.buffer));
      return;
    case DataType.UINT64:
      t.uint64Data = Array.from(new BigUint64Array(copy.buffer));
      return;
    case DataType.UINT32:
      t.uint64Data = Array.from(new Uint32Array(copy.buffer), (x) => BigInt(x));
      return;
    case DataType.INT32:
      t.int32Data = Array.from(new Int32Array(copy.buffer));
      return;
    case DataType.INT16:
      t.int32Data = Array.from(new Int16Array(copy.buffer));
      return;
    case DataType.UINT16:
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
      t.int32Data = Array.from(new Uint16Array(copy.buffer));
      return;
    case DataType.INT8:
      t.int32Data = Array.from(new Int8Array(copy.buffer));
      return;
    default:
      t.int32Data = Array.from(copy);
  }
}
