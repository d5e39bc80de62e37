// Shared plumbing of the quant / f32 / pool / weight-only / elementwise wrappers.
import { KernelArgumentError } from '../gemm/qgemm-impl.js';
import type { Kernels } from '../kernels.js';
import type { ThreadPool } from '../threads/pool.js';

/** What the wrappers need from a loaded kernel module (the pool, when present, splits big work). */
export type KernelHost = Pick<Kernels, 'exports' | 'heap'> & { readonly pool?: ThreadPool | null };

/** Work below this many multiply-adds stays on the calling thread. */
export const PARALLEL_MIN_WORK = 1 << 18;

// Elementwise / row-wise ops (unary, binary, softmax, layer norm) with at least this many elements
// split across the pool (the threads policy lives in threads/split.ts).
export { PARALLEL_MIN_ELEMENTS } from '../threads/split.js';

/**
 * Splits [0, n) into up to `threads` contiguous shares whose starts are multiples of `align`
 * (balanced by aligned units); empty shares are dropped.
 */
export function splitRange(n: number, threads: number, align: number): [number, number][] {
  const units = Math.ceil(n / align);
  const out: [number, number][] = [];
  for (let t = 0; t < threads; t++) {
    const u0 = Math.floor((units * t) / threads);
    const u1 = Math.floor((units * (t + 1)) / threads);
    if (u1 > u0) out.push([u0 * align, Math.min(n, u1 * align)]);
  }
  return out;
}

export function kernelFn(k: KernelHost, name: string): (...args: number[]) => number {
  const f = k.exports[name];
  if (typeof f !== 'function') throw new KernelArgumentError(`the loaded kernel module has no export ${name} (stale build?)`);
  return f;
}

/** Runs `body`, then frees every heap allocation it made. */
export function scoped<T>(k: KernelHost, body: () => T): T {
  const m = k.heap.mark();
  try {
    return body();
  } finally {
    k.heap.release(m);
  }
}

export function check(cond: boolean, message: string): void {
  if (!cond) throw new KernelArgumentError(message);
}

export function checkDims(what: string, dims: readonly number[]): void {
  for (const d of dims) check(Number.isInteger(d) && d >= 0, `${what}: dimensions must be non-negative integers, got [${dims.join(', ')}]`);
}

export function f32Out(k: KernelHost, ptr: number, length: number): Float32Array {
  return k.heap.f32.slice(ptr >> 2, (ptr >> 2) + length);
}
