// Plain TypeScript reference of the integer GEMM with its epilogues (tests compare bit-exactly).
import type { QOutputType } from '../gemm/gemm.js';
import { dequantize, requantize } from './requantize.js';

export interface ReferenceQGemm {
  M: number;
  K: number;
  N: number;
  a: Uint8Array | Int8Array;
  aZeroPoint: number;
  /** [K, N] row-major. */
  b: Uint8Array | Int8Array;
  bZeroPoint: number | ArrayLike<number>;
  output: QOutputType;
  scale?: number | ArrayLike<number>;
  outputZeroPoint?: number;
  outputMin?: number;
  outputMax?: number;
  bias?: Int32Array;
  biasF32?: Float32Array;
}

export function referenceAccumulators(p: ReferenceQGemm): Int32Array {
  const { M, K, N, a, b } = p;
  const acc = new Int32Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      const zb = typeof p.bZeroPoint === 'number' ? p.bZeroPoint : p.bZeroPoint[n];
      let s = p.bias ? p.bias[n] : 0;
      for (let k = 0; k < K; k++) s = (s + (a[m * K + k] - p.aZeroPoint) * (b[k * N + n] - zb)) | 0;
      acc[m * N + n] = s;
    }
  }
  return acc;
}

export function referenceEpilogue(
  acc: Int32Array,
  N: number,
  p: Pick<ReferenceQGemm, 'output' | 'scale' | 'outputZeroPoint' | 'outputMin' | 'outputMax' | 'biasF32'>,
): Uint8Array | Int8Array | Float32Array | Int32Array {
  const scaleAt = (n: number) => (p.scale === undefined ? 1 : typeof p.scale === 'number' ? p.scale : p.scale[n]);
  switch (p.output) {
    case 'i32':
      return acc.slice();
    case 'f32': {
      const out = new Float32Array(acc.length);
      for (let i = 0; i < acc.length; i++) out[i] = dequantize(acc[i], scaleAt(i % N), p.biasF32 ? p.biasF32[i % N] : 0);
      return out;
    }
    default: {
      const signed = p.output === 's8';
      const out = signed ? new Int8Array(acc.length) : new Uint8Array(acc.length);
      const qmin = p.outputMin ?? (signed ? -128 : 0);
      const qmax = p.outputMax ?? (signed ? 127 : 255);
      for (let i = 0; i < acc.length; i++) out[i] = requantize(acc[i], scaleAt(i % N), p.outputZeroPoint ?? 0, qmin, qmax);
      return out;
    }
  }
}

export function referenceQGemm(p: ReferenceQGemm): Uint8Array | Int8Array | Float32Array | Int32Array {
  return referenceEpilogue(referenceAccumulators(p), p.N, p);
}
