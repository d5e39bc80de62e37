// Sub-byte integers: ONNX packs int4/uint4 two per byte (first element in the low nibble) and
// int2/uint2 four per byte (first element in the lowest two bits).

/** Unpack `count` 4-bit values; signed values are sign-extended into an Int8Array. */
export function unpackInt4(packed: Uint8Array, count: number, signed: true): Int8Array;
export function unpackInt4(packed: Uint8Array, count: number, signed: false): Uint8Array;
export function unpackInt4(packed: Uint8Array, count: number, signed: boolean): Int8Array | Uint8Array;
export function unpackInt4(packed: Uint8Array, count: number, signed: boolean): Int8Array | Uint8Array {
  if (packed.length < Math.ceil(count / 2)) {
    throw new RangeError(`int4 payload has ${packed.length} bytes, ${count} values need ${Math.ceil(count / 2)}`);
  }
  const out = signed ? new Int8Array(count) : new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const nib = (packed[i >> 1] >> ((i & 1) << 2)) & 0xf;
    out[i] = signed ? (nib << 28) >> 28 : nib;
  }
  return out;
}

/** Pack values (taken modulo 16) two per byte, low nibble first. */
export function packInt4(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(Math.ceil(values.length / 2));
  for (let i = 0; i < values.length; i++) out[i >> 1] |= (values[i] & 0xf) << ((i & 1) << 2);
  return out;
}

/** Unpack `count` 2-bit values. */
export function unpackInt2(packed: Uint8Array, count: number, signed: boolean): Int8Array | Uint8Array {
  if (packed.length < Math.ceil(count / 4)) {
    throw new RangeError(`int2 payload has ${packed.length} bytes, ${count} values need ${Math.ceil(count / 4)}`);
  }
  const out = signed ? new Int8Array(count) : new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const v = (packed[i >> 2] >> ((i & 3) << 1)) & 0x3;
    out[i] = signed ? (v << 30) >> 30 : v;
  }
  return out;
}

export function packInt2(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(Math.ceil(values.length / 4));
  for (let i = 0; i < values.length; i++) out[i >> 2] |= (values[i] & 0x3) << ((i & 3) << 1);
  return out;
}
