// IEEE half and bfloat16 <-> float32. Conversions to the narrow types round to nearest even
// (what numpy, PyTorch and ONNX Runtime do) and keep NaN a NaN.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Decode one IEEE 754 binary16 bit pattern. */
export function float16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Encode a number as binary16 bits, round-to-nearest-even, overflow to ±Infinity. */
export function numberToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0);
  // Re-bias: float32 bias 127, half bias 15.
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): shift the implicit 1 in, then round to nearest even.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rem = mant & ((1 << shift) - 1);
    let out = mant >>> shift;
    if (rem > half || (rem === half && out & 1)) out++;
    return sign | out;
  }
  const rem = mant & 0x1fff;
  let out = (e << 10) | (mant >>> 13);
  if (rem > 0x1000 || (rem === 0x1000 && out & 1)) out++; // may carry into the exponent: correct
  return sign | out;
}

/** Decode one bfloat16 bit pattern. */
export function bfloat16BitsToNumber(b: number): number {
  u32[0] = (b & 0xffff) << 16;
  return f32[0];
}

/** Encode a number as bfloat16 bits, round-to-nearest-even, NaN stays NaN. */
export function numberToBfloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) return ((x >>> 16) | 0x40) & 0xffff;
  const lsb = (x >>> 16) & 1;
  return ((x + 0x7fff + lsb) >>> 16) & 0xffff;
}

export function float16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = float16BitsToNumber(bits[i]);
  return out;
}

export function float32ToFloat16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = numberToFloat16Bits(values[i]);
  return out;
}

export function bfloat16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const o32 = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) o32[i] = bits[i] << 16;
  return out;
}

export function float32ToBfloat16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = numberToBfloat16Bits(values[i]);
  return out;
}
