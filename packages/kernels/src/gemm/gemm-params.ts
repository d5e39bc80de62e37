// Host side of the epilogue parameter block (mirrors assembly/common/gemm-params.ts).
import type { WasmHeap } from '../memory/heap.js';
import type { QOutputType } from './gemm.js';

export const PARAMS_BYTES = 32;
const P_ZA = 0;
const P_BIAS_I32 = 1;
const P_SCALE = 2;
const P_ZY = 3;
const P_QMIN = 4;
const P_QMAX = 5;
const P_BIAS_F32 = 6;

export function outputRange(t: QOutputType): [number, number] {
  return t === 'u8' ? [0, 255] : t === 's8' ? [-128, 127] : [-2147483648, 2147483647];
}

export function writeParams(
  heap: WasmHeap,
  ptr: number,
  p: { za: number; biasI32: number; scale: number; zy: number; qmin: number; qmax: number; biasF32: number },
): void {
  const i32 = heap.i32;
  const w = ptr >> 2;
  i32[w + P_ZA] = p.za;
  i32[w + P_BIAS_I32] = p.biasI32;
  i32[w + P_SCALE] = p.scale;
  i32[w + P_ZY] = p.zy;
  i32[w + P_QMIN] = p.qmin;
  i32[w + P_QMAX] = p.qmax;
  i32[w + P_BIAS_F32] = p.biasF32;
}

export function setZa(heap: WasmHeap, ptr: number, za: number): void {
  heap.i32[(ptr >> 2) + P_ZA] = za;
}
