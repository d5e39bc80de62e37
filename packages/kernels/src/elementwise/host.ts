// Shared plumbing of the quant / f32 / pool / weight-only / elementwise wrappers.
import { KernelArgumentError } from '../gemm/qgemm-impl.js';
import type { Kernels } from '../kernels.js';

/** What the wrappers need from a loaded kernel module. */
export type KernelHost = Pick<Kernels, 'exports' | 'heap'>;

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
