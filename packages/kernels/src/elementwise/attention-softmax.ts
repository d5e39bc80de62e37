// Attention probabilities in one pass (f32_attention_softmax__wasmsimd): scale, optional Q→DQ
// round trip, optional additive mask, softmax over the last axis, f32 or 8-bit output. See the
// kernel file for the exact steps; the TS reference is referenceAttentionSoftmax.
import type { AttentionSoftmaxParams, X8AttentionSoftmaxParams } from '../reference/attention.js';
import { check, kernelFn, PARALLEL_MIN_ELEMENTS, scoped, splitRange, type KernelHost } from './host.js';

export type { AttentionSoftmaxParams, X8AttentionSoftmaxParams } from '../reference/attention.js';

export const ATTENTION_SOFTMAX_PARAMS_BYTES = 64;

const OUT_MODE = { float32: 0, uint8: 1, int8: 2 } as const;

/** Writes `values` as f32 or i32 words at `ptr`; returns the address after them. */
function putWords(k: KernelHost, ptr: number, type: 'f32' | 'i32', values: readonly number[]): number {
  (type === 'f32' ? new Float32Array(k.heap.f32.buffer, ptr, values.length) : new Int32Array(k.heap.f32.buffer, ptr, values.length)).set(values);
  return ptr + 4 * values.length;
}

/** The output's f32 words in both parameter blocks: scale, zero point, clamp (8-bit outputs). */
function outputFloats(out: AttentionSoftmaxParams['output']): number[] {
  const [ylo, yhi] = out.dtype === 'uint8' ? [0, 255] : [-128, 127];
  return out.dtype === 'float32' ? [1, 0, ylo, yhi] : [out.scale, out.zeroPoint, ylo, yhi];
}

/** The i32 words both blocks end with: rows sharing a mask row, output mode. */
function outputInts(out: AttentionSoftmaxParams['output'], maskGroupRows: number): number[] {
  return [Math.max(1, maskGroupRows), OUT_MODE[out.dtype]];
}

/** Writes the kernel's parameter block at `ptr` (ATTENTION_SOFTMAX_PARAMS_BYTES bytes). */
export function writeAttentionSoftmaxParams(k: KernelHost, ptr: number, p: AttentionSoftmaxParams): void {
  const rt = p.roundTrip;
  const [qlo, qhi] = rt ? (rt.dtype === 'uint8' ? [0, 255] : [-128, 127]) : [0, 0];
  const ints = putWords(k, ptr, 'f32', [p.mul, p.div, rt?.scale ?? 1, rt?.zeroPoint ?? 0, qlo, qhi, ...outputFloats(p.output)]);
  putWords(k, ints, 'i32', [rt ? 1 : 0, ...outputInts(p.output, p.maskGroupRows)]);
}

export interface AttentionSoftmaxIntoArgs {
  readonly x: number;
  readonly y: number;
  readonly rows: number;
  readonly n: number;
  /** f32 [rows / maskGroupRows, n] or 0 */
  readonly mask: number;
  /** written by writeAttentionSoftmaxParams */
  readonly params: number;
  /** n f32 per pool thread (threads × n × 4 bytes) when the output is 8-bit, else 0 */
  readonly tmp: number;
  readonly threads: number;
}

/** Row shares across the pool (each with its own tmp rows) from PARALLEL_MIN_ELEMENTS elements. */
function splitRows(k: KernelHost, symbol: string, a: AttentionSoftmaxIntoArgs, inBytes: number, outBytes: number, tmpBytes: number): void {
  const pool = k.pool;
  if (pool && pool.size > 1 && a.threads > 1 && a.rows > 1 && a.rows * a.n >= PARALLEL_MIN_ELEMENTS) {
    const shares = splitRange(a.rows, Math.min(pool.size, a.threads), 1);
    pool.run(symbol, shares.map(([r0, r1], t) => [
      a.x + r0 * a.n * inBytes, a.y + r0 * a.n * outBytes, r1 - r0, a.n, r0, a.mask, a.params, a.tmp === 0 ? 0 : a.tmp + t * tmpBytes,
    ]));
    return;
  }
  kernelFn(k, symbol)(a.x, a.y, a.rows, a.n, 0, a.mask, a.params, a.tmp);
}

export function attentionSoftmaxInto(k: KernelHost, a: AttentionSoftmaxIntoArgs, outBytes: 1 | 4): void {
  splitRows(k, 'f32_attention_softmax__wasmsimd', a, 4, outBytes, a.n * 4);
}

/**
 * e^((i − 255)·scale) for the 256 bytes: x8_attention_softmax's table (256 f32). Entries below
 * 2^-126 are 0, not denormals (whose products cost ~100 cycles on x86), as the kernel's e^x does.
 */
export function attentionExpTable(scale: number): Float32Array {
  return Float32Array.from({ length: 256 }, (_, i) => {
    const v = Math.exp((i - 255) * Math.fround(scale));
    return v < 2 ** -126 ? 0 : v;
  });
}

export const X8_ATTENTION_SOFTMAX_PARAMS_BYTES = 48;

/** x8_attention_softmax's parameter block at `ptr`; `table` points at attentionExpTable(p.scale) in WASM memory. */
export function writeX8AttentionSoftmaxParams(k: KernelHost, ptr: number, table: number, p: X8AttentionSoftmaxParams): void {
  const floats = putWords(k, ptr, 'i32', [table]);
  const ints = putWords(k, floats, 'f32', [p.scale, p.zeroPoint, ...outputFloats(p.output)]);
  putWords(k, ints, 'i32', outputInts(p.output, p.maskGroupRows));
}

/** From uint8 scores x; `tmp` holds 2·n f32 per pool thread (always needed). */
export function x8AttentionSoftmaxInto(k: KernelHost, a: AttentionSoftmaxIntoArgs, outBytes: 1 | 4): void {
  splitRows(k, 'x8_attention_softmax__wasmsimd', a, 1, outBytes, a.n * 8);
}

/** Array in, array out (tests). `mask`: f32 [rows / maskGroupRows, n] or null. */
export function attentionSoftmax(k: KernelHost, x: Float32Array, rows: number, n: number, mask: Float32Array | null, p: AttentionSoftmaxParams): Float32Array | Uint8Array | Int8Array {
  check(x.length === rows * n, `attentionSoftmax: x has ${x.length} elements, expected ${rows} × ${n}`);
  check(!mask || mask.length === Math.ceil(rows / Math.max(1, p.maskGroupRows)) * n, 'attentionSoftmax: mask has the wrong size');
  const bytes = p.output.dtype === 'float32' ? 4 : 1;
  return scoped(k, () => {
    const xp = k.heap.put(x);
    const mp = mask ? k.heap.put(mask) : 0;
    const pp = k.heap.alloc(ATTENTION_SOFTMAX_PARAMS_BYTES, 16);
    writeAttentionSoftmaxParams(k, pp, p);
    const threads = k.pool?.size ?? 1;
    const tmp = bytes === 1 ? k.heap.alloc(threads * n * 4 + 16, 16) : 0;
    const yp = k.heap.alloc(rows * n * bytes + 16, 16);
    attentionSoftmaxInto(k, { x: xp, y: yp, rows, n, mask: mp, params: pp, tmp, threads }, bytes);
    return outputOf(k, yp, rows * n, p.output.dtype);
  });
}

function outputOf(k: KernelHost, yp: number, count: number, dtype: 'float32' | 'uint8' | 'int8'): Float32Array | Uint8Array | Int8Array {
  const buf = k.heap.f32.buffer;
  if (dtype === 'float32') return new Float32Array(buf, yp, count).slice();
  return dtype === 'uint8' ? new Uint8Array(buf, yp, count).slice() : new Int8Array(buf, yp, count).slice();
}

/** Array in, array out (tests): uint8 scores x. */
export function x8AttentionSoftmax(k: KernelHost, x: Uint8Array, rows: number, n: number, mask: Float32Array | null, p: X8AttentionSoftmaxParams): Float32Array | Uint8Array | Int8Array {
  check(x.length === rows * n, `x8AttentionSoftmax: x has ${x.length} elements, expected ${rows} × ${n}`);
  const bytes = p.output.dtype === 'float32' ? 4 : 1;
  return scoped(k, () => {
    const xp = k.heap.put(x);
    const mp = mask ? k.heap.put(mask) : 0;
    const tp = k.heap.put(attentionExpTable(p.scale));
    const pp = k.heap.alloc(X8_ATTENTION_SOFTMAX_PARAMS_BYTES, 16);
    writeX8AttentionSoftmaxParams(k, pp, tp, p);
    const threads = k.pool?.size ?? 1;
    const tmp = k.heap.alloc(threads * n * 8 + 16, 16);
    const yp = k.heap.alloc(rows * n * bytes + 16, 16);
    x8AttentionSoftmaxInto(k, { x: xp, y: yp, rows, n, mask: mp, params: pp, tmp, threads }, bytes);
    return outputOf(k, yp, rows * n, p.output.dtype);
  });
}
