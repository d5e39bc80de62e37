// Element access for the quantized integer types, by ONNX TensorProto data type code.
// int4/uint4 pack two values per byte, low nibble first (flat element index).

export const DT_UINT8: i32 = 2;
export const DT_INT8: i32 = 3;
export const DT_UINT16: i32 = 4;
export const DT_INT16: i32 = 5;
export const DT_UINT4: i32 = 21;
export const DT_INT4: i32 = 22;

export function qmin(dtype: i32): i32 {
  if (dtype == DT_UINT8 || dtype == DT_UINT16 || dtype == DT_UINT4) return 0;
  if (dtype == DT_INT8) return -128;
  if (dtype == DT_INT16) return -32768;
  return -8;
}

export function qmax(dtype: i32): i32 {
  if (dtype == DT_UINT8) return 255;
  if (dtype == DT_INT8) return 127;
  if (dtype == DT_UINT16) return 65535;
  if (dtype == DT_INT16) return 32767;
  if (dtype == DT_UINT4) return 15;
  return 7;
}

/** Reads element `j` of a tensor of `dtype` at `ptr`; a null pointer reads as 0 (absent zero point). */
export function loadQ(ptr: usize, j: i32, dtype: i32): i32 {
  if (ptr == 0) return 0;
  if (dtype == DT_UINT8) return <i32>load<u8>(ptr + <usize>j);
  if (dtype == DT_INT8) return <i32>load<i8>(ptr + <usize>j);
  if (dtype == DT_UINT16) return <i32>load<u16>(ptr + (<usize>j << 1));
  if (dtype == DT_INT16) return <i32>load<i16>(ptr + (<usize>j << 1));
  const byte = <i32>load<u8>(ptr + (<usize>(j >>> 1)));
  const nib = (j & 1) ? (byte >>> 4) : (byte & 15);
  if (dtype == DT_INT4) return (nib << 28) >> 28;
  return nib;
}

/** Writes element `j` (already saturated to the type's range). */
export function storeQ(ptr: usize, j: i32, dtype: i32, v: i32): void {
  if (dtype == DT_UINT8 || dtype == DT_INT8) {
    store<u8>(ptr + <usize>j, <u8>v);
  } else if (dtype == DT_UINT16 || dtype == DT_INT16) {
    store<u16>(ptr + (<usize>j << 1), <u16>v);
  } else {
    const p = ptr + (<usize>(j >>> 1));
    const byte = <i32>load<u8>(p);
    if (j & 1) store<u8>(p, <u8>((byte & 0x0f) | ((v & 15) << 4)));
    else store<u8>(p, <u8>((byte & 0xf0) | (v & 15)));
  }
}

export function isNibble(dtype: i32): bool {
  return dtype == DT_UINT4 || dtype == DT_INT4;
}
