// Pointers into the kernels' WebAssembly memory for an op's inputs: constants are copied to the
// heap once; everything else already lives in the arena (see OpContext.kernels).

import type { OpContext } from '../op-registry.js';
import type { Tensor } from '../tensor.js';

export type PtrOf = (t: Tensor) => number;

const byteOffset: PtrOf = (t) => t.data.byteOffset;

/** How to get input i's pointer at run time. Call in prepare, only when ctx.kernels is defined. */
export function inputPtr(ctx: OpContext, i: number): PtrOf {
  if (ctx.constant(i) === undefined) return byteOffset;
  const p = ctx.constantPtr(i);
  return () => p;
}

export const outputPtr: PtrOf = byteOffset;
