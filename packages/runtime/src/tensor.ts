// Tensors as the runtime sees them: a dtype name (the same spelling onnxruntime-common uses),
// dims, and a typed array. Data may be a view into the session arena.

export type DType =
  | 'float32'
  | 'float64'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool'
  // Stored unpacked, one value per byte (Int8Array / Uint8Array), for weight-only quantization.
  | 'int4'
  | 'uint4'
  // Stored as IEEE half bit patterns (Uint16Array); ops widen to float32.
  | 'float16';

export type TypedArray =
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

export interface Tensor {
  readonly dtype: DType;
  dims: readonly number[];
  data: TypedArray;
}

/** The tensor a caller passes to or gets from `Session.run` (onnxruntime-common's field names). */
export interface TensorValue {
  readonly type: DType;
  readonly dims: readonly number[];
  readonly data: TypedArray;
}

type TypedArrayCtor = {
  new (length: number): TypedArray;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

const CTORS: Record<DType, TypedArrayCtor> = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
  int4: Int8Array,
  uint4: Uint8Array,
  float16: Uint16Array,
};

/** ONNX TensorProto.DataType codes of the dtypes the runtime computes with. */
export const ONNX_DTYPE_CODES: Record<DType, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
  uint32: 12,
  uint64: 13,
  float16: 10,
  uint4: 21,
  int4: 22,
};

const CODE_TO_DTYPE = new Map<number, DType>(
  Object.entries(ONNX_DTYPE_CODES).map(([k, v]) => [v, k as DType]),
);

const ONNX_DTYPE_NAMES: Record<number, string> = {
  0: 'undefined', 1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64',
  8: 'string', 9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 14: 'complex64',
  15: 'complex128', 16: 'bfloat16', 17: 'float8e4m3fn', 18: 'float8e4m3fnuz', 19: 'float8e5m2',
  20: 'float8e5m2fnuz', 21: 'uint4', 22: 'int4', 23: 'float4e2m1',
};

export function dtypeFromOnnx(code: number): DType | undefined {
  return CODE_TO_DTYPE.get(code);
}

export function onnxDtypeName(code: number): string {
  return ONNX_DTYPE_NAMES[code] ?? `dtype#${code}`;
}

export function bytesPerElement(dtype: DType): number {
  return CTORS[dtype].BYTES_PER_ELEMENT;
}

export function allocData(dtype: DType, length: number): TypedArray {
  return new CTORS[dtype](length);
}

export function viewData(dtype: DType, buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray {
  return new CTORS[dtype](buffer, byteOffset, length);
}

export function isTypedArrayOf(dtype: DType, data: unknown): data is TypedArray {
  return data instanceof CTORS[dtype];
}

export function sizeOf(dims: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < dims.length; i++) n *= dims[i];
  return n;
}

export function makeTensor(dtype: DType, dims: readonly number[], data?: TypedArray): Tensor {
  return { dtype, dims, data: data ?? allocData(dtype, sizeOf(dims)) };
}

export function isIntegerDType(dtype: DType): boolean {
  return dtype !== 'float32' && dtype !== 'float64';
}

export function isBigIntDType(dtype: DType): boolean {
  return dtype === 'int64' || dtype === 'uint64';
}

/** Reads element i of any tensor as a JS number (int64 converted; used for small shape-like tensors). */
export function readNumber(t: Tensor, i: number): number {
  const v = t.data[i];
  return typeof v === 'bigint' ? Number(v) : v;
}

/** The whole tensor as plain numbers (for shape/axes/indices inputs, which are small). */
export function toNumbers(t: Tensor): number[] {
  const out = new Array<number>(t.data.length);
  for (let i = 0; i < t.data.length; i++) out[i] = readNumber(t, i);
  return out;
}

export function fromNumbers(dtype: DType, dims: readonly number[], values: readonly number[]): Tensor {
  const t = makeTensor(dtype, dims);
  writeNumbers(t.data, values);
  return t;
}

export function writeNumbers(data: TypedArray, values: ArrayLike<number>): void {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < values.length; i++) data[i] = BigInt(Math.trunc(values[i]));
  } else {
    (data as Float32Array).set(values);
  }
}
