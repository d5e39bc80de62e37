// Shared numerics of the quantized ops: integer ranges, ONNX rounding, reading scales and zero
// points, and the requantization every integer kernel ends with (bit-identical to the kernels'
// TypeScript references, which follow ONNX Runtime's MLAS).

import { float16BitsToNumber } from '@octet/onnx';
import type { OpContext } from '../../op-registry.js';
import type { DType, Tensor, TypedArray } from '../../tensor.js';

export type QDType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint4' | 'int4' | 'int32';

const RANGES: Partial<Record<DType, readonly [number, number]>> = {
  uint8: [0, 255],
  int8: [-128, 127],
  uint16: [0, 65535],
  int16: [-32768, 32767],
  uint4: [0, 15],
  int4: [-8, 7],
  int32: [-2147483648, 2147483647],
};

export function isQuantizedDType(dtype: DType): boolean {
  return RANGES[dtype] !== undefined && dtype !== 'int32';
}

/** [qmin, qmax] of an integer dtype. */
export function qRange(dtype: DType): readonly [number, number] {
  const r = RANGES[dtype];
  if (!r) throw new Error(`${dtype} is not a quantized type`);
  return r;
}

/** Round half to even, as ONNX QuantizeLinear (and nearbyint under the default mode) does. */
export function roundHalfEven(x: number): number {
  // Adding and removing 1.5·2^52 leaves no fraction bits: the FPU rounds half to even (|x| < 2^51).
  return x + 6755399441055744 - 6755399441055744;
}

/** fp32 requantization: clamp(round_half_even(f32(f32(acc)·scale)) + zp, qmin, qmax). */
export function requantize(acc: number, scale: number, zp: number, qmin: number, qmax: number): number {
  const v = roundHalfEven(Math.fround(Math.fround(acc) * scale)) + zp;
  return v < qmin ? qmin : v > qmax ? qmax : v;
}

/** ONNX QuantizeLinear of one value (MLAS divides, then rounds half to even, then saturates). */
export function quantizeValue(x: number, scale: number, zp: number, qmin: number, qmax: number): number {
  const q = Math.fround(x / scale);
  if (Number.isNaN(q)) return zp < qmin ? qmin : zp > qmax ? qmax : zp;
  const v = roundHalfEven(q) + zp;
  return v < qmin ? qmin : v > qmax ? qmax : v;
}

/** Numbers of a small constant tensor (scales, zero points). */
export function numbersOf(t: Tensor): number[] {
  const out = new Array<number>(t.data.length);
  const half = t.dtype === 'float16';
  for (let i = 0; i < t.data.length; i++) out[i] = half ? float16BitsToNumber(t.data[i] as number) : Number(t.data[i]);
  return out;
}

/** A per-tensor quantization parameter: one element (scalar or [1]). */
export function scalarOf(ctx: OpContext, t: Tensor, what: string): number {
  if (t.data.length !== 1) ctx.fail(`${what} must be a scalar (per-tensor), got ${t.data.length} values`);
  return numbersOf(t)[0];
}

/** The value of a scale/zero-point input now (constant when the model is static: never value-dependent in practice). */
export function paramOf(ctx: OpContext, i: number): Tensor | undefined {
  if (!ctx.hasInput(i)) return undefined;
  return ctx.constant(i) ?? ctx.value(i);
}

export function scalarParam(ctx: OpContext, i: number, what: string, fallback = 0): number {
  const t = paramOf(ctx, i);
  return t === undefined ? fallback : scalarOf(ctx, t, what);
}

/** One value per channel (length n) from a scalar or an n-vector. */
export function perChannel(ctx: OpContext, t: Tensor | undefined, n: number, what: string, fallback = 0): Float64Array {
  const out = new Float64Array(n);
  if (t === undefined) return out.fill(fallback);
  const v = numbersOf(t);
  if (v.length === 1) return out.fill(v[0]);
  if (v.length !== n) ctx.fail(`${what} has ${v.length} values, expected 1 or ${n}`);
  for (let i = 0; i < n; i++) out[i] = v[i];
  return out;
}

/** Combined requantization scale(s) the way ONNX Runtime computes them in float: f32(f32(sa·sb)/sy). */
export function outputScales(sa: number, sb: ArrayLike<number>, sy: number | undefined, alpha = 1): Float32Array {
  const out = new Float32Array(sb.length);
  const a = Math.fround(Math.fround(alpha) * Math.fround(sa));
  for (let i = 0; i < sb.length; i++) {
    const s = Math.fround(a * Math.fround(sb[i]));
    out[i] = sy === undefined ? s : Math.fround(s / Math.fround(sy));
  }
  return out;
}

export function isUniform(v: ArrayLike<number>): boolean {
  for (let i = 1; i < v.length; i++) if (v[i] !== v[0]) return false;
  return true;
}

/** Integer data of an 8-bit tensor as the kernels expect it. */
export function int8Data(t: Tensor): Int8Array | Uint8Array {
  return t.data as Int8Array | Uint8Array;
}

export function asTyped<T extends TypedArray>(d: TypedArray): T {
  return d as T;
}

/** The operand / output Transposes the fold-transpose-matmul pattern folded into an integer matmul. */
export function foldedPerms(ctx: OpContext): { aPerm?: readonly number[]; bPerm?: readonly number[]; yPerm?: readonly number[] } {
  const get = (name: string) => (ctx.attrs.has(name) ? ctx.attrs.ints(name) : undefined);
  return { aPerm: get('octet_perm_a'), bPerm: get('octet_perm_b'), yPerm: get('octet_perm_y') };
}
