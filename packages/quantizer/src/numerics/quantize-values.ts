import { typeRange, type QuantType } from './qtype.js';
import { roundHalfEven } from './round.js';

const f32 = Math.fround;

export type QuantArray = Int8Array | Uint8Array | Int16Array | Uint16Array;

export function allocQuant(type: QuantType, n: number): QuantArray {
  switch (type) {
    case 'int8':
    case 'int4':
      return new Int8Array(n);
    case 'uint8':
    case 'uint4':
      return new Uint8Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'uint16':
      return new Uint16Array(n);
  }
}

/** ONNX Runtime's `quantize_nparray`: `clip(round_half_even(f32(x / scale)) + zp, type range)`. */
export function quantizeValue(x: number, scale: number, zeroPoint: number, lo: number, hi: number): number {
  const q = roundHalfEven(f32(x / scale)) + zeroPoint;
  return q < lo ? lo : q > hi ? hi : q;
}

export function quantizeValues(
  data: ArrayLike<number>,
  type: QuantType,
  scale: number,
  zeroPoint: number,
  out: QuantArray = allocQuant(type, data.length),
  outOffset = 0,
): QuantArray {
  const [lo, hi] = typeRange(type);
  // Hot loop (tens of millions of weights): round-half-even inlined. Math.round rounds halves up,
  // so an exact half shows as r − v = 0.5; step back when that lands on an odd number.
  const n = data.length;
  for (let i = 0; i < n; i++) {
    const v = Math.fround(data[i] / scale);
    let r = Math.round(v);
    if (r - v === 0.5 && (r & 1) !== 0) r -= 1;
    r += zeroPoint;
    out[outOffset + i] = r < lo ? lo : r > hi ? hi : r;
  }
  return out;
}

/** min and max of a float32 array (NaN ignored; empty → 0, 0 as ONNX Runtime does). */
export function minMax(data: ArrayLike<number>, start = 0, end = data.length, stride = 1): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = start; i < end; i += stride) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 0];
  return [lo, hi];
}
