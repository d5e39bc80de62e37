// Plain TypeScript reference of the integer 2-D convolution (NCHW, OIHW, groups, strides,
// dilations, pads) with the same epilogues as the GEMM.
import type { QOutputType } from '../gemm/gemm.js';
import { dequantize, requantize } from './requantize.js';

export interface ReferenceQConv {
  N: number;
  C: number;
  H: number;
  W: number;
  M: number;
  kernelShape: readonly [number, number];
  group?: number;
  strides?: readonly [number, number];
  dilations?: readonly [number, number];
  pads?: readonly [number, number, number, number];
  x: Uint8Array | Int8Array;
  xZeroPoint: number;
  w: Uint8Array | Int8Array;
  wZeroPoint: number | ArrayLike<number>;
  bias?: Int32Array;
  /** f32 bias per output channel added after dequantization (f32 output). */
  biasF32?: Float32Array;
  output: QOutputType;
  scale?: number | ArrayLike<number>;
  outputZeroPoint?: number;
  outputMin?: number;
  outputMax?: number;
}

export function referenceQConv(p: ReferenceQConv): Uint8Array | Int8Array | Float32Array | Int32Array {
  const { N, C, H, W, M } = p;
  const [kH, kW] = p.kernelShape;
  const g = p.group ?? 1;
  const [sH, sW] = p.strides ?? [1, 1];
  const [dH, dW] = p.dilations ?? [1, 1];
  const [pT, pL, pB, pR] = p.pads ?? [0, 0, 0, 0];
  const oH = Math.floor((H + pT + pB - ((kH - 1) * dH + 1)) / sH) + 1;
  const oW = Math.floor((W + pL + pR - ((kW - 1) * dW + 1)) / sW) + 1;
  const Cg = C / g;
  const Mg = M / g;
  const count = N * M * oH * oW;
  const signed = p.output === 's8';
  const out =
    p.output === 'u8' ? new Uint8Array(count) : p.output === 's8' ? new Int8Array(count) : p.output === 'f32' ? new Float32Array(count) : new Int32Array(count);
  const qmin = p.outputMin ?? (signed ? -128 : 0);
  const qmax = p.outputMax ?? (signed ? 127 : 255);
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      const gi = Math.floor(m / Mg);
      const zw = typeof p.wZeroPoint === 'number' ? p.wZeroPoint : p.wZeroPoint[m];
      const scale = p.scale === undefined ? 1 : typeof p.scale === 'number' ? p.scale : p.scale[m];
      for (let oh = 0; oh < oH; oh++) {
        for (let ow = 0; ow < oW; ow++) {
          let acc = p.bias ? p.bias[m] : 0;
          for (let c = 0; c < Cg; c++) {
            const ci = gi * Cg + c;
            for (let kh = 0; kh < kH; kh++) {
              const ih = oh * sH - pT + kh * dH;
              if (ih < 0 || ih >= H) continue;
              for (let kw = 0; kw < kW; kw++) {
                const iw = ow * sW - pL + kw * dW;
                if (iw < 0 || iw >= W) continue;
                const xv = p.x[((n * C + ci) * H + ih) * W + iw] - p.xZeroPoint;
                const wv = p.w[((m * Cg + c) * kH + kh) * kW + kw] - zw;
                acc = (acc + xv * wv) | 0;
              }
            }
          }
          const i = ((n * M + m) * oH + oh) * oW + ow;
          if (p.output === 'i32') out[i] = acc;
          else if (p.output === 'f32') out[i] = p.biasF32 ? dequantize(acc, scale, p.biasF32[m]) : dequantize(acc, scale);
          else out[i] = requantize(acc, scale, p.outputZeroPoint ?? 0, qmin, qmax);
        }
      }
    }
  }
  return out;
}
