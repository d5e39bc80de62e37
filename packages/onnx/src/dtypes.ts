/** ONNX `TensorProto.DataType` numbers (onnx.proto). */
export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
  FLOAT8E4M3FN: 17,
  FLOAT8E4M3FNUZ: 18,
  FLOAT8E5M2: 19,
  FLOAT8E5M2FNUZ: 20,
  UINT4: 21,
  INT4: 22,
  FLOAT4E2M1: 23,
  FLOAT8E8M0: 24,
  UINT2: 25,
  INT2: 26,
} as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

/** Short lowercase names used across Octet (and by onnxruntime-common's `Tensor.type`). */
export type DTypeName =
  | 'float32'
  | 'uint8'
  | 'int8'
  | 'uint16'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'string'
  | 'bool'
  | 'float16'
  | 'float64'
  | 'uint32'
  | 'uint64'
  | 'complex64'
  | 'complex128'
  | 'bfloat16'
  | 'float8e4m3fn'
  | 'float8e4m3fnuz'
  | 'float8e5m2'
  | 'float8e5m2fnuz'
  | 'uint4'
  | 'int4'
  | 'float4e2m1'
  | 'float8e8m0'
  | 'uint2'
  | 'int2';

const NAMES: Record<number, DTypeName> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
  24: 'float8e8m0',
  25: 'uint2',
  26: 'int2',
};
const BY_NAME: Record<string, number> = Object.fromEntries(Object.entries(NAMES).map(([k, v]) => [v, Number(k)]));
// Common aliases people type.
Object.assign(BY_NAME, { float: 1, double: 11, half: 10 });

/** A data type given either as the ONNX number or as a name ('float32', 'int8', ...). */
export type DTypeLike = number | DTypeName | 'float' | 'double' | 'half';

export function dtypeName(dt: number): DTypeName {
  const n = NAMES[dt];
  if (n === undefined) throw new RangeError(`unknown ONNX data type ${dt}`);
  return n;
}

export function isKnownDType(dt: number): boolean {
  return NAMES[dt] !== undefined;
}

export function toDataType(dt: DTypeLike): number {
  if (typeof dt === 'number') {
    if (NAMES[dt] === undefined) throw new RangeError(`unknown ONNX data type ${dt}`);
    return dt;
  }
  const n = BY_NAME[dt];
  if (n === undefined) throw new RangeError(`unknown data type name '${dt}'`);
  return n;
}

/**
 * Bits per element in `raw_data` (little-endian, packed). 0 for STRING (variable length).
 */
export function dtypeBits(dt: number): number {
  switch (dt) {
    case DataType.FLOAT:
    case DataType.INT32:
    case DataType.UINT32:
      return 32;
    case DataType.DOUBLE:
    case DataType.INT64:
    case DataType.UINT64:
    case DataType.COMPLEX64:
      return 64;
    case DataType.COMPLEX128:
      return 128;
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
    case DataType.INT16:
    case DataType.UINT16:
      return 16;
    case DataType.INT8:
    case DataType.UINT8:
    case DataType.BOOL:
    case DataType.FLOAT8E4M3FN:
    case DataType.FLOAT8E4M3FNUZ:
    case DataType.FLOAT8E5M2:
    case DataType.FLOAT8E5M2FNUZ:
    case DataType.FLOAT8E8M0:
      return 8;
    case DataType.INT4:
    case DataType.UINT4:
    case DataType.FLOAT4E2M1:
      return 4;
    case DataType.INT2:
    case DataType.UINT2:
      return 2;
    case DataType.STRING:
      return 0;
    default:
      throw new RangeError(`unknown ONNX data type ${dt}`);
  }
}

/** Byte size of `count` elements in `raw_data` (sub-byte types round up). */
export function rawByteLength(dt: number, count: number): number {
  const bits = dtypeBits(dt);
  return Math.ceil((count * bits) / 8);
}

export function isFloatType(dt: number): boolean {
  return (
    dt === DataType.FLOAT ||
    dt === DataType.DOUBLE ||
    dt === DataType.FLOAT16 ||
    dt === DataType.BFLOAT16 ||
    (dt >= DataType.FLOAT8E4M3FN && dt <= DataType.FLOAT8E5M2FNUZ) ||
    dt === DataType.FLOAT4E2M1 ||
    dt === DataType.FLOAT8E8M0
  );
}

export function isIntegerType(dt: number): boolean {
  return (
    (dt >= DataType.UINT8 && dt <= DataType.INT64) ||
    dt === DataType.UINT32 ||
    dt === DataType.UINT64 ||
    dt === DataType.INT4 ||
    dt === DataType.UINT4 ||
    dt === DataType.INT2 ||
    dt === DataType.UINT2
  );
}

/** The typed array each dtype converts to (see tensor-codec.ts). */
export type TensorArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** Element values a tensor converts to: a typed array, or strings for STRING tensors. */
export type TensorValues = TensorArray | string[];
