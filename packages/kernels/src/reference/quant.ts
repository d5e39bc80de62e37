// Plain TypeScript references for QuantizeLinear / DequantizeLinear / DynamicQuantizeLinear,
// scalar and obviously correct: every fp32 step goes through Math.fround. Values are unpacked
// (one number per element); the wrappers handle int4 packing.
import { roundHalfEven } from './requantize.js';

export type QuantType = 'u8' | 's8' | 'u16' | 's16' | 'u4' | 's4';

/** [qmin, qmax] of a quantized type. */
export function quantRange(t: QuantType): [number, number] {
  switch (t) {
    case 'u8': return [0, 255];
    case 's8': return [-128, 127];
    case 'u16': return [0, 65535];
    case 's16': return [-32768, 32767];
    case 'u4': return [0, 15];
    case 's4': return [-8, 7];
  }
}

/**
 * The tensor viewed around the quantization axis as [outer, axisDim, inner]. block 0: scales indexed
 * by the axis position (per-tensor: axisDim = 1, one scale); block > 0: blocked (opset 21), scales
 * shaped like the input with the axis dimension ceil(axisDim / block).
 */
export interface QuantLayout {
  readonly outer: number;
  readonly axisDim: number;
  readonly inner: number;
  readonly block: number;
}

/** Index of the scale / zero point that element (o, a, i) uses. */
export function scaleIndex(l: QuantLayout, o: number, a: number, i: number): number {
  if (l.block <= 0) return a;
  const nb = Math.ceil(l.axisDim / l.block);
  return (o * nb + Math.floor(a / l.block)) * l.inner + i;
}

/** saturate(round_half_even(f32(x / scale)) + zp); NaN → 0. */
export function quantizeValue(x: number, scale: number, zp: number, t: QuantType): number {
  const [lo, hi] = quantRange(t);
  const v = Math.fround(Math.fround(x) / Math.fround(scale));
  if (Number.isNaN(v)) return 0;
  return Math.min(hi, Math.max(lo, roundHalfEven(v) + zp)) | 0; // | 0: no −0
}

export function referenceQuantizeLinear(
  x: ArrayLike<number>, scale: ArrayLike<number>, zeroPoint: ArrayLike<number> | null, t: QuantType, l: QuantLayout,
): Int32Array {
  const y = new Int32Array(l.outer * l.axisDim * l.inner);
  for (let o = 0; o < l.outer; o++) {
    for (let a = 0; a < l.axisDim; a++) {
      for (let i = 0; i < l.inner; i++) {
        const j = (o * l.axisDim + a) * l.inner + i;
        const s = scaleIndex(l, o, a, i);
        y[j] = quantizeValue(x[j], scale[s], zeroPoint ? zeroPoint[s] : 0, t);
      }
    }
  }
  return y;
}

/** f32(q − zp) · scale. */
export function referenceDequantizeLinear(
  q: ArrayLike<number>, scale: ArrayLike<number>, zeroPoint: ArrayLike<number> | null, l: QuantLayout,
): Float32Array {
  const y = new Float32Array(l.outer * l.axisDim * l.inner);
  for (let o = 0; o < l.outer; o++) {
    for (let a = 0; a < l.axisDim; a++) {
      for (let i = 0; i < l.inner; i++) {
        const j = (o * l.axisDim + a) * l.inner + i;
        const s = scaleIndex(l, o, a, i);
        y[j] = Math.fround(Math.fround(q[j] - (zeroPoint ? zeroPoint[s] : 0)) * Math.fround(scale[s]));
      }
    }
  }
  return y;
}

/** ORT's DynamicQuantizeLinear parameters and output (uint8). */
export function referenceDynamicQuantizeLinear(x: ArrayLike<number>): { y: Int32Array; scale: number; zeroPoint: number } {
  let mn = 0;
  let mx = 0;
  for (let i = 0; i < x.length; i++) {
    mn = Math.min(mn, x[i]);
    mx = Math.max(mx, x[i]);
  }
  const scale = mx === mn ? 1 : Math.fround(Math.fround(mx - mn) / 255);
  const zf = Math.min(255, Math.max(0, Math.fround(0 - Math.fround(mn / scale))));
  const zeroPoint = roundHalfEven(zf);
  const y = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = quantizeValue(x[i], scale, zeroPoint, 'u8');
  return { y, scale, zeroPoint };
}
