// ONNX DequantizeLinear (opset 10–21): y = f32(x - zero_point) * scale, the integer subtraction
// exact, one fp32 multiply (as ORT). Same [outer, axisDim, inner] / block conventions as
// f32_quantize_linear_wasmsimd. Input types u8, s8, u16, s16, u4, s4 (and i32 via dtype 6, no zero point).
import { loadQ, DT_UINT8, DT_INT8, DT_UINT16, DT_INT16 } from './int-codec';

const DT_INT32: i32 = 6;

// @ts-ignore: decorator
@inline function loadAny(ptr: usize, j: i32, dtype: i32): i32 {
  return dtype == DT_INT32 ? load<i32>(ptr + (<usize>j << 2)) : loadQ(ptr, j, dtype);
}

function rowConst(x: usize, y: usize, j: i32, n: i32, s: f32, zp: i32, dtype: i32): void {
  const sv = f32x4.splat(s);
  const zv = i32x4.splat(zp);
  let i = 0;
  if (dtype == DT_UINT8 || dtype == DT_INT8) {
    const src = x + <usize>j;
    for (; i + 8 <= n; i += 8) {
      const w = dtype == DT_UINT8 ? v128.load8x8_u(src + <usize>i) : v128.load8x8_s(src + <usize>i);
      const a = dtype == DT_UINT8 ? i32x4.extend_low_i16x8_u(w) : i32x4.extend_low_i16x8_s(w);
      const b = dtype == DT_UINT8 ? i32x4.extend_high_i16x8_u(w) : i32x4.extend_high_i16x8_s(w);
      const out = y + (<usize>i << 2);
      v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(a, zv)), sv));
      v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(b, zv)), sv), 16);
    }
  } else if (dtype == DT_UINT16 || dtype == DT_INT16) {
    const src = x + (<usize>j << 1);
    for (; i + 8 <= n; i += 8) {
      const w = v128.load(src + (<usize>i << 1));
      const a = dtype == DT_UINT16 ? i32x4.extend_low_i16x8_u(w) : i32x4.extend_low_i16x8_s(w);
      const b = dtype == DT_UINT16 ? i32x4.extend_high_i16x8_u(w) : i32x4.extend_high_i16x8_s(w);
      const out = y + (<usize>i << 2);
      v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(a, zv)), sv));
      v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(b, zv)), sv), 16);
    }
  }
  for (; i < n; i++) {
    store<f32>(y + (<usize>i << 2), <f32>(loadAny(x, j + i, dtype) - zp) * s);
  }
}

function rowVec(x: usize, y: usize, j: i32, n: i32, sp: usize, zpPtr: usize, zj: i32, dtype: i32): void {
  for (let i = 0; i < n; i++) {
    const z = dtype == DT_INT32 ? 0 : loadQ(zpPtr, zj + i, dtype);
    store<f32>(y + (<usize>i << 2), <f32>(loadAny(x, j + i, dtype) - z) * load<f32>(sp + (<usize>i << 2)));
  }
}

export function f32_dequantize_linear_wasmsimd(
  x: usize, y: usize, scale: usize, zeroPoint: usize,
  outer: i32, axisDim: i32, inner: i32, block: i32, dtype: i32,
): void {
  const zpPtr: usize = dtype == DT_INT32 ? 0 : zeroPoint;
  if (block <= 0) {
    if (inner == 1 && axisDim > 1) {
      for (let o = 0; o < outer; o++) {
        const base = o * axisDim;
        rowVec(x, y + (<usize>base << 2), base, axisDim, scale, zpPtr, 0, dtype);
      }
      return;
    }
    for (let o = 0; o < outer; o++) {
      for (let a = 0; a < axisDim; a++) {
        const base = (o * axisDim + a) * inner;
        rowConst(x, y + (<usize>base << 2), base, inner, load<f32>(scale + (<usize>a << 2)), loadQ(zpPtr, a, dtype), dtype);
      }
    }
    return;
  }
  const nb = (axisDim + block - 1) / block;
  for (let o = 0; o < outer; o++) {
    for (let a = 0; a < axisDim; a++) {
      const base = (o * axisDim + a) * inner;
      const sIdx = (o * nb + a / block) * inner;
      rowVec(x, y + (<usize>base << 2), base, inner, scale + (<usize>sIdx << 2), zpPtr, sIdx, dtype);
    }
  }
}

