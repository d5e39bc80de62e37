// QuantizeLinear / DequantizeLinear / DynamicQuantizeLinear over the WASM SIMD kernels.
// Pointer-level `…Into` functions for the runtime (buffers already in WASM memory), and array-level
// helpers that copy in and out.
import type { QuantLayout, QuantType } from '../reference/quant.js';
import { check, f32Out, kernelFn, scoped, splitRange, type KernelHost } from '../elementwise/host.js';
import { CHUNKS_PER_THREAD, elementwiseChunks, KeyedPlan, runPlan, type ChunkPlan } from '../threads/split.js';

export type { QuantLayout, QuantType } from '../reference/quant.js';
export type DequantInputType = QuantType | 'i32';
export type QuantArray = Uint8Array | Int8Array | Uint16Array | Int16Array;

/** ONNX TensorProto data type codes, which the kernels take. */
export const QUANT_DTYPE: Readonly<Record<DequantInputType, number>> = { u8: 2, s8: 3, u16: 4, s16: 5, i32: 6, u4: 21, s4: 22 };

/**
 * Layout of a tensor of `shape` quantized along `axis` (null or a 1-element scale: per-tensor),
 * optionally blocked (opset 21 `block_size`).
 */
export function quantLayout(shape: readonly number[], axis: number | null, blockSize = 0): QuantLayout {
  const size = shape.reduce((p, d) => p * d, 1);
  if (axis === null) {
    check(blockSize === 0, 'quantLayout: blocked quantization needs an axis');
    return { outer: 1, axisDim: 1, inner: size, block: 0 };
  }
  const r = shape.length;
  const ax = axis < 0 ? axis + r : axis;
  check(Number.isInteger(ax) && ax >= 0 && ax < r, `quantLayout: axis ${axis} out of range for rank ${r}`);
  check(Number.isInteger(blockSize) && blockSize >= 0, `quantLayout: block_size must be a non-negative integer, got ${blockSize}`);
  const outer = shape.slice(0, ax).reduce((p, d) => p * d, 1);
  const inner = shape.slice(ax + 1).reduce((p, d) => p * d, 1);
  return { outer, axisDim: shape[ax], inner, block: blockSize };
}

/** Number of scales / zero points the layout needs. */
export function scaleCount(l: QuantLayout): number {
  if (l.block <= 0) return l.axisDim;
  return l.outer * Math.ceil(l.axisDim / l.block) * l.inner;
}

export function elementCount(l: QuantLayout): number {
  return l.outer * l.axisDim * l.inner;
}

/** Bytes of `count` elements of `type` (int4: two per byte). */
export function quantByteLength(type: DequantInputType, count: number): number {
  switch (type) {
    case 'u4': case 's4': return Math.ceil(count / 2);
    case 'u8': case 's8': return count;
    case 'u16': case 's16': return count * 2;
    case 'i32': return count * 4;
  }
}

/** Packs int4 values two per byte, low nibble first. */
export function packInt4(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(Math.ceil(values.length / 2));
  for (let i = 0; i < values.length; i++) out[i >> 1] |= (values[i] & 15) << ((i & 1) * 4);
  return out;
}

export function unpackInt4(bytes: Uint8Array, count: number, signed: boolean): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const nib = (bytes[i >> 1] >> ((i & 1) * 4)) & 15;
    out[i] = signed ? (nib << 28) >> 28 : nib;
  }
  return out;
}

export interface QuantizeLinearArgs {
  /** f32 input */
  readonly x: number;
  /** quantized output (int4 packed) */
  readonly y: number;
  /** f32 scales, scaleCount(layout) of them */
  readonly scale: number;
  /** zero points of the output type (int4 packed), or 0 for none */
  readonly zeroPoint: number;
  readonly type: QuantType;
  readonly layout: QuantLayout;
}

/** A dynamic quantization's scale and zero point. */
export interface DynamicQuantParams {
  scale: number;
  zeroPoint: number;
}

/**
 * What a call site of the quantize `…Into` functions keeps between calls: the last result and the
 * thread splits, reused while the pointers and sizes repeat, so a steady-state call allocates
 * nothing. One per call site (a runtime node); without it each call builds its own.
 */
export class QuantizeState {
  /** Written by the dynamic quantizations (their return value). */
  readonly params: DynamicQuantParams = { scale: 1, zeroPoint: 0 };
  /** The (de)quantization's split. */
  readonly split = new KeyedPlan<ChunkPlan>();
  /** The range scan's split (dynamic quantization). */
  readonly range = new KeyedPlan<ChunkPlan>();
}

export function quantizeLinearInto(k: KernelHost, a: QuantizeLinearArgs, state?: QuantizeState): void {
  const l = a.layout;
  if (isPerTensor(l, a.type) && splitPerTensor(k, 'f32_quantize_linear_wasmsimd', a.x, a.y, a.scale, a.zeroPoint, l.inner, a.type, 4, quantByteLength(a.type, 16) / 16, state)) return;
  kernelFn(k, 'f32_quantize_linear_wasmsimd')(a.x, a.y, a.scale, a.zeroPoint, l.outer, l.axisDim, l.inner, l.block, QUANT_DTYPE[a.type]);
}

/** A per-tensor layout of whole-byte elements (those split by element ranges). */
function isPerTensor(l: QuantLayout, type: DequantInputType): boolean {
  return l.outer === 1 && l.axisDim === 1 && l.block <= 0 && type !== 'u4' && type !== 's4';
}

/**
 * A large per-tensor (De)QuantizeLinear of `n` whole-byte elements split by ranges across the pool
 * (16-element aligned, so each range runs the kernel's vector and tail steps as one call would).
 * False when it runs on one thread instead.
 */
function splitPerTensor(
  k: KernelHost, symbol: string, x: number, y: number, scale: number, zeroPoint: number, n: number, type: DequantInputType,
  xBytes: number, yBytes: number, state: QuantizeState | undefined, traffic = xBytes + yBytes,
): boolean {
  const pool = k.pool;
  const chunks = elementwiseChunks(pool, n, 16, traffic);
  if (chunks === 1) return false;
  const code = QUANT_DTYPE[type];
  const split = (state ?? new QuantizeState()).split;
  const plan = split.begin().key(x).key(y).key(scale).key(zeroPoint).key(n).key(code).key(chunks).get() ?? split.set({
    symbol,
    chunks: splitRange(n, chunks, 16).map(([i0, i1]) => [x + i0 * xBytes, y + i0 * yBytes, scale, zeroPoint, 1, 1, i1 - i0, 0, code]),
    options: {},
  });
  runPlan(pool!, plan);
  return true;
}

export interface DequantizeLinearArgs {
  readonly x: number;
  /** f32 output */
  readonly y: number;
  readonly scale: number;
  /** 0 for none (and always for i32) */
  readonly zeroPoint: number;
  readonly type: DequantInputType;
  readonly layout: QuantLayout;
}

export function dequantizeLinearInto(k: KernelHost, a: DequantizeLinearArgs, state?: QuantizeState): void {
  const l = a.layout;
  if (isPerTensor(l, a.type) && splitPerTensor(k, 'f32_dequantize_linear_wasmsimd', a.x, a.y, a.scale, a.zeroPoint, l.inner, a.type, quantByteLength(a.type, 16) / 16, 4, state)) return;
  kernelFn(k, 'f32_dequantize_linear_wasmsimd')(a.x, a.y, a.scale, a.zeroPoint, l.outer, l.axisDim, l.inner, l.block, QUANT_DTYPE[a.type]);
}

/** Bytes per element DynamicQuantizeLinear moves: x read by the range scan and by the quantization, u8 out. */
const DQL_TRAFFIC = 9;

/** Bytes of `params` for dynamicQuantizeLinearInto that let it split the work across `threads` (a range per chunk). */
export function dynamicQuantizeParamsBytes(threads: number): number {
  return 16 + 8 * Math.max(1, threads) * CHUNKS_PER_THREAD;
}

/**
 * DynamicQuantizeLinear of `n` f32 at x into u8 at y; `params` is 12 bytes of scratch, or
 * dynamicQuantizeParamsBytes(pool size) (`paramsBytes`) to scan the range and quantize on the pool.
 * Returns the scale and zero point (`state.params` when given a state).
 */
export function dynamicQuantizeLinearInto(
  k: KernelHost, x: number, y: number, n: number, params: number, paramsBytes = 12, state = new QuantizeState(),
): DynamicQuantParams {
  // both passes split, or neither: the op's traffic (x read twice, y written) decides
  if (!rangeSplit(k, x, n, params, paramsBytes, state, DQL_TRAFFIC) || !splitPerTensor(k, 'f32_quantize_linear_wasmsimd', x, y, params, params + 8, n, 'u8', 4, 1, state, DQL_TRAFFIC)) {
    kernelFn(k, 'f32_dynamic_quantize_linear_u8_wasmsimd')(x, y, n, params);
  }
  return readParams(k, params, state.params);
}

/**
 * DynamicQuantizeLinear's scale and zero point of `n` f32 at x without quantizing (the quantization
 * then happens in a GEMM's packing: QGemm `aQuantize`). `params` as for dynamicQuantizeLinearInto.
 */
export function dynamicQuantizeParamsInto(k: KernelHost, x: number, n: number, params: number, paramsBytes = 12, state = new QuantizeState()): DynamicQuantParams {
  if (!rangeSplit(k, x, n, params, paramsBytes, state, 4)) {
    kernelFn(k, 'f32_range_wasmsimd')(x, n, params);
    kernelFn(k, 'f32_dynamic_quantize_params_u8_wasmsimd')(params, 1, params);
  }
  return readParams(k, params, state.params);
}

/**
 * The scale and zero point into `params` from a range scan split across the pool (a min/max per
 * chunk at params + 16, then one reduction); false when `n` is too small to split or `paramsBytes`
 * too small for the chunks (then nothing ran).
 */
function rangeSplit(k: KernelHost, x: number, n: number, params: number, paramsBytes: number, state: QuantizeState, traffic: number): boolean {
  const pool = k.pool;
  const chunks = Math.min(elementwiseChunks(pool, n, 16, traffic), Math.floor((paramsBytes - 16) / 8));
  if (chunks < 2) return false;
  const ranges = params + 16;
  const split = state.range;
  const plan = split.begin().key(x).key(n).key(params).key(chunks).get() ?? split.set({
    symbol: 'f32_range_wasmsimd',
    chunks: splitRange(n, chunks, 16).map(([i0, i1], c) => [x + i0 * 4, i1 - i0, ranges + 8 * c]),
    options: {},
  });
  runPlan(pool!, plan);
  kernelFn(k, 'f32_dynamic_quantize_params_u8_wasmsimd')(ranges, plan.chunks.length, params);
  return true;
}

function readParams(k: KernelHost, params: number, out: DynamicQuantParams): DynamicQuantParams {
  out.scale = k.heap.f32[params >> 2];
  out.zeroPoint = k.heap.i32[(params >> 2) + 1];
  return out;
}

function checkScales(l: QuantLayout, scale: Float32Array, zeroPoint: ArrayLike<number> | null, type: DequantInputType, packedZp: boolean): void {
  const n = scaleCount(l);
  check(scale.length === n, `scale has ${scale.length} elements, the layout needs ${n}`);
  if (zeroPoint) {
    const want = packedZp && (type === 'u4' || type === 's4') ? Math.ceil(n / 2) : n;
    check(zeroPoint.length === want, `zero_point has ${zeroPoint.length} elements, the layout needs ${want}`);
  }
  if (l.block > 0) check(l.block >= 1, 'block_size must be ≥ 1');
}

function outputArray(type: QuantType, count: number): QuantArray {
  switch (type) {
    case 'u8': return new Uint8Array(count);
    case 's8': return new Int8Array(count);
    case 'u16': return new Uint16Array(count);
    case 's16': return new Int16Array(count);
    case 'u4': case 's4': return new Uint8Array(Math.ceil(count / 2));
  }
}

/** QuantizeLinear on arrays. int4 zero points and outputs are packed (see packInt4). */
export function quantizeLinear(
  k: KernelHost, x: Float32Array, scale: Float32Array, zeroPoint: QuantArray | null, type: QuantType, layout: QuantLayout,
): QuantArray {
  const count = elementCount(layout);
  check(x.length === count, `x has ${x.length} elements, the layout describes ${count}`);
  checkScales(layout, scale, zeroPoint, type, true);
  return scoped(k, () => {
    const xp = k.heap.put(x);
    const sp = k.heap.put(scale);
    const zp = zeroPoint ? k.heap.put(zeroPoint) : 0;
    const bytes = quantByteLength(type, count);
    const yp = k.heap.alloc(Math.max(bytes, 1));
    quantizeLinearInto(k, { x: xp, y: yp, scale: sp, zeroPoint: zp, type, layout });
    const out = outputArray(type, count);
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(k.heap.u8.subarray(yp, yp + bytes));
    return out;
  });
}

/** DequantizeLinear on arrays (int4 inputs and zero points packed). */
export function dequantizeLinear(
  k: KernelHost, q: QuantArray | Int32Array, scale: Float32Array, zeroPoint: QuantArray | null, type: DequantInputType, layout: QuantLayout,
): Float32Array {
  const count = elementCount(layout);
  const want = type === 'u4' || type === 's4' ? Math.ceil(count / 2) : count;
  check(q.length === want, `input has ${q.length} elements, the layout needs ${want} of type ${type}`);
  check(type !== 'i32' || zeroPoint === null, 'int32 DequantizeLinear takes no zero point');
  checkScales(layout, scale, zeroPoint, type, true);
  return scoped(k, () => {
    const xp = k.heap.put(q);
    const sp = k.heap.put(scale);
    const zp = zeroPoint ? k.heap.put(zeroPoint) : 0;
    const yp = k.heap.alloc(Math.max(count * 4, 4));
    dequantizeLinearInto(k, { x: xp, y: yp, scale: sp, zeroPoint: zp, type, layout });
    return f32Out(k, yp, count);
  });
}

export function dynamicQuantizeLinear(k: KernelHost, x: Float32Array): { y: Uint8Array; scale: number; zeroPoint: number } {
  return scoped(k, () => {
    const xp = k.heap.put(x);
    const yp = k.heap.alloc(Math.max(x.length, 1));
    const bytes = dynamicQuantizeParamsBytes(k.pool?.size ?? 1);
    const pp = k.heap.alloc(bytes, 16);
    const r = dynamicQuantizeLinearInto(k, xp, yp, x.length, pp, bytes);
    return { y: k.heap.u8.slice(yp, yp + x.length), ...r };
  });
}
