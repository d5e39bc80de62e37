// Attention probabilities in one pass (f32_attention_softmax__wasmsimd): scale, optional Q→DQ
// round trip, optional additive mask, softmax over the last axis, f32 or 8-bit output. See the
// kernel file for the exact steps; the TS reference is referenceAttentionSoftmax.
import type { AttentionSoftmaxParams } from '../reference/attention.js';
import { check, kernelFn, PARALLEL_MIN_ELEMENTS, scoped, splitRange, type KernelHost } from './host.js';

export type { AttentionSoftmaxParams } from '../reference/attention.js';

export const ATTENTION_SOFTMAX_PARAMS_BYTES = 64;

const OUT_MODE = { float32: 0, uint8: 1, int8: 2 } as const;

/** Writes the kernel's parameter block at `ptr` (ATTENTION_SOFTMAX_PARAMS_BYTES bytes). */
export function writeAttentionSoftmaxParams(k: KernelHost, ptr: number, p: AttentionSoftmaxParams): void {
  const f = new Float32Array(k.heap.f32.buffer, ptr, 10);
  const rt = p.roundTrip;
  const [qlo, qhi] = rt ? (rt.dtype === 'uint8' ? [0, 255] : [-128, 127]) : [0, 0];
  const out = p.output;
  const [ylo, yhi] = out.dtype === 'uint8' ? [0, 255] : [-128, 127];
  f.set([p.mul, p.div, rt?.scale ?? 1, rt?.zeroPoint ?? 0, qlo, qhi, out.dtype === 'float32' ? 1 : out.scale, out.dtype === 'float32' ? 0 : out.zeroPoint, ylo, yhi]);
  const i = new Int32Array(k.heap.f32.buffer, ptr + 40, 3);
  i.set([rt ? 1 : 0, Math.max(1, p.maskGroupRows), OUT_MODE[out.dtype]]);
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

/** Row shares across the pool (each with its own tmp row) from PARALLEL_MIN_ELEMENTS elements. */
export function attentionSoftmaxInto(k: KernelHost, a: AttentionSoftmaxIntoArgs, outBytes: 1 | 4): void {
  const pool = k.pool;
  if (pool && pool.size > 1 && a.threads > 1 && a.rows > 1 && a.rows * a.n >= PARALLEL_MIN_ELEMENTS) {
    const shares = splitRange(a.rows, Math.min(pool.size, a.threads), 1);
    pool.run('f32_attention_softmax__wasmsimd', shares.map(([r0, r1], t) => [
      a.x + r0 * a.n * 4, a.y + r0 * a.n * outBytes, r1 - r0, a.n, r0, a.mask, a.params, a.tmp === 0 ? 0 : a.tmp + t * a.n * 4,
    ]));
    return;
  }
  kernelFn(k, 'f32_attention_softmax__wasmsimd')(a.x, a.y, a.rows, a.n, 0, a.mask, a.params, a.tmp);
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
    const buf = k.heap.f32.buffer;
    if (p.output.dtype === 'float32') return new Float32Array(buf, yp, rows * n).slice();
    return p.output.dtype === 'uint8' ? new Uint8Array(buf, yp, rows * n).slice() : new Int8Array(buf, yp, rows * n).slice();
  });
}
