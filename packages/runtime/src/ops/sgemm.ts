// Chooses the fp32 matrix-multiply path for one (m, n, k): WASM kernels when loaded, else the
// TypeScript loop. Returns undefined to mean "use gemmTS directly".

import type { OpContext } from '../op-registry.js';
import type { Tensor } from '../tensor.js';

export type SgemmFn = (a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number) => void;

export function selectSgemm(_ctx: OpContext, _m: number, _n: number, _k: number, _constantB: Tensor | undefined): SgemmFn | undefined {
  return undefined;
}
