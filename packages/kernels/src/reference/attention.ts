// Plain TypeScript reference for the fused attention softmax (f32_attention_softmax__wasmsimd):
// every f32 step of the separate ops through Math.fround, the exponential and the sum in float64.

import { quantizeValue } from './quant.js';

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
  const t = rt?.dtype === 'int8' ? 's8' : 'u8';
  for (let r = 0; r < rows; r++) {
    const m0 = Math.floor(r / Math.max(1, p.maskGroupRows)) * n;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      let s = f(f(f(x[r * n + i]) * f(p.mul)) / f(p.div));
      if (rt) s = f((quantizeValue(s, rt.scale, rt.zeroPoint, t) - rt.zeroPoint) * f(rt.scale));
      if (mask) s = f(s + f(mask[m0 + i]));
      v[i] = s;
      max = Math.max(max, s);
    }
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(v[i] - max);
    for (let i = 0; i < n; i++) {
      const prob = Math.exp(v[i] - max) / sum;
      const o = p.output;
      y[r * n + i] = o.dtype === 'float32' ? prob : quantizeValue(prob, o.scale, o.zeroPoint, o.dtype === 'uint8' ? 'u8' : 's8');
    }
  }
  return y;
}
