import type { Tensor } from '../tensor.js';

/** Copies unless the planner already gave output and input the same storage (aliasing ops). */
export function copyIfDistinct(input: Tensor, output: Tensor): void {
  const a = input.data;
  const b = output.data;
  if (a.buffer === b.buffer && a.byteOffset === b.byteOffset) return;
  (b as Float32Array).set(a as Float32Array);
}

/** dst[dstOff..+n] = src[srcOff..+n] without creating subarray views (no allocation). */
export function copyRange(src: ArrayLike<unknown>, srcOff: number, dst: { [i: number]: unknown }, dstOff: number, n: number): void {
  for (let j = 0; j < n; j++) dst[dstOff + j] = src[srcOff + j];
}
