// Plain TypeScript reference for the fused attention softmax (f32_attention_softmax__wasmsimd):
// every f32 step through Math.fround (the scale as one multiply by mul/div, quantization as a
// multiply by the reciprocal scale, as the kernel does), the exponential and the sum in float64.

import { roundHalfEven } from './requantize.js';

/** clamp(round_half_even(f32(v · f32(1/scale))) + zp) to the 8-bit range. */
function quantizeByReciprocal(v: number, scale: number, zp: number, signed: boolean): number {
  const q = roundHalfEven(Math.fround(v * Math.fround(1 / Math.fround(scale)))) + zp;
  const [lo, hi] = signed ? [-128, 127] : [0, 255];
  return Math.min(hi, Math.max(lo, q));
}

export interface AttentionSoftmaxParams {
  /** scores are multiplied by `mul`, then divided by `div` (1 when absent). */
  readonly mul: number;
  readonly div: number;
  /** QuantizeLinear → DequantizeLinear of the scaled scores (QDQ graphs), or undefined. */
  readonly roundTrip?: { readonly scale: number; readonly zeroPoint: number; readonly dtype: 'uint8' | 'int8' };
  /** rows sharing one mask row ([b,1,1,T] over [b,h,T,T]: h·T). */
  readonly maskGroupRows: number;
  readonly output: { readonly dtype: 'float32' } | { readonly dtype: 'uint8' | 'int8'; readonly scale: number; readonly zeroPoint: number };
}

export function referenceAttentionSoftmax(x: ArrayLike<number>, rows: number, n: number, mask: ArrayLike<number> | null, p: AttentionSoftmaxParams): Float64Array {
  const f = Math.fround;
  const y = new Float64Array(rows * n);
  const v = new Float64Array(n);
  const rt = p.roundTrip;
  const scale = f(f(p.mul) / f(p.div));
  for (let r = 0; r < rows; r++) {
    const m0 = Math.floor(r / Math.max(1, p.maskGroupRows)) * n;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      let s = f(f(x[r * n + i]) * scale);
      if (rt) s = f((quantizeByReciprocal(s, rt.scale, rt.zeroPoint, rt.dtype === 'int8') - rt.zeroPoint) * f(rt.scale));
      if (mask) s = f(s + f(mask[m0 + i]));
      v[i] = s;
      max = Math.max(max, s);
    }
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(v[i] - max);
    for (let i = 0; i < n; i++) {
      const prob = Math.exp(v[i] - max) / sum;
      const o = p.output;
      y[r * n + i] = o.dtype === 'float32' ? prob : quantizeByReciprocal(prob, o.scale, o.zeroPoint, o.dtype === 'int8');
    }
  }
  return y;
}

export interface X8AttentionSoftmaxParams {
  /** the uint8 scores' scale and zero point */
  readonly scale: number;
  readonly zeroPoint: number;
  readonly maskGroupRows: number;
  readonly output: AttentionSoftmaxParams['output'];
}

/** softmax over rows of v = (x − zp)·scale + mask, from uint8 scores (x8_attention_softmax__wasmsimd). */
export function referenceX8AttentionSoftmax(x: ArrayLike<number>, rows: number, n: number, mask: ArrayLike<number> | null, p: X8AttentionSoftmaxParams): Float64Array {
  const f = Math.fround;
  const v = Float32Array.from({ length: rows * n }, (_, i) => f(f((x[i] - p.zeroPoint) * f(p.scale)) + (mask ? f(mask[Math.floor(Math.floor(i / n) / Math.max(1, p.maskGroupRows)) * n + (i % n)]) : 0)));
  return referenceAttentionSoftmax(v, rows, n, null, { mul: 1, div: 1, maskGroupRows: 1, output: p.output });
}
