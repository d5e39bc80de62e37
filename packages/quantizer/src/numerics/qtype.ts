/** Integer element types the quantizer emits, with their ONNX `TensorProto.DataType` numbers. */
export type QuantType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint4' | 'int4';

export const QUANT_TYPE_ONNX: Record<QuantType, number> = {
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  uint4: 21,
  int4: 22,
};

export function isSignedQuantType(t: QuantType): boolean {
  return t === 'int8' || t === 'int16' || t === 'int4';
}

// Ranges as in ONNX Runtime's quant_utils (ONNX_INT_TYPE_RANGE / _SYMMETRIC_RANGE / _REDUCED_RANGE).
const FULL: Record<QuantType, [number, number]> = {
  uint8: [0, 255],
  int8: [-128, 127],
  uint16: [0, 65535],
  int16: [-32768, 32767],
  uint4: [0, 15],
  int4: [-8, 7],
};
const SYMMETRIC: Partial<Record<QuantType, [number, number]>> = {
  uint8: [0, 254],
  int8: [-127, 127],
  uint16: [0, 65534],
  int16: [-32767, 32767],
};
const REDUCED: Record<QuantType, [number, number]> = {
  uint8: [0, 127],
  int8: [-64, 64],
  uint16: [0, 32767],
  int16: [-16384, 16384],
  uint4: [0, 7],
  int4: [-4, 3],
};

/** `[qmin, qmax]` for a type: reduce-range first, then the symmetric range, else the full range. */
export function qRange(type: QuantType, reduceRange = false, symmetric = false): [number, number] {
  if (reduceRange) return REDUCED[type];
  if (symmetric && SYMMETRIC[type]) return SYMMETRIC[type]!;
  return FULL[type];
}

/** The full representable range, used to clip when quantizing values. */
export function typeRange(type: QuantType): [number, number] {
  return FULL[type];
}
