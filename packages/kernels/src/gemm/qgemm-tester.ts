// Shared tester of the integer GEMM family: builds a random case, runs the kernel through the typed
// API and the plain reference, and reports the first mismatch.
import type { Kernels } from '../kernels.js';
import type { QGemm, QOutputType } from './gemm.js';
import { referenceQGemm } from '../reference/qgemm.js';
import { rng } from '../reference/random.js';

export interface GemmCase {
  M: number;
  K: number;
  N: number;
  aSigned: boolean;
  bSigned: boolean;
  output: QOutputType;
  za: number;
  zb: number | number[];
  scale: number | number[];
  zy: number;
  outputMin?: number;
  outputMax?: number;
  bias?: Int32Array;
  biasF32?: Float32Array;
  a: Uint8Array | Int8Array;
  b: Uint8Array | Int8Array;
  transposeB: boolean;
}

export function randomGemmCase(seed: number, shape: { M: number; K: number; N: number }, over: Partial<GemmCase> = {}): GemmCase {
  const r = rng(seed);
  const { M, K, N } = shape;
  const aSigned = over.aSigned ?? r.int(0, 1) === 1;
  const bSigned = over.bSigned ?? r.int(0, 1) === 1;
  const output = over.output ?? r.pick<QOutputType>(['u8', 's8', 'f32', 'i32']);
  const aLo = aSigned ? -128 : 0;
  const bLo = bSigned ? -128 : 0;
  const a = aSigned ? new Int8Array(M * K) : new Uint8Array(M * K);
  const b = bSigned ? new Int8Array(K * N) : new Uint8Array(K * N);
  for (let i = 0; i < a.length; i++) a[i] = r.int(aLo, aLo + 255);
  for (let i = 0; i < b.length; i++) b[i] = r.int(bLo, bLo + 255);
  const extreme = (lo: number) => r.pick([lo, lo + 255, r.int(lo, lo + 255)]);
  const perChannel = r.int(0, 1) === 1;
  const zb = perChannel ? Array.from({ length: N }, () => extreme(bLo)) : extreme(bLo);
  // scales around 1/(K·64²) put typical outputs mid-range; ×64 saturates both ends
  const base = 1 / (Math.sqrt(K) * 128 * 24);
  const sat = r.int(0, 3) === 0 ? 64 : 1;
  const scale = r.int(0, 1) ? Array.from({ length: N }, () => base * sat * (0.5 + r.float())) : base * sat * (0.5 + r.float());
  const yLo = output === 's8' ? -128 : 0;
  const c: GemmCase = {
    M, K, N, aSigned, bSigned, output, a, b,
    za: extreme(aLo),
    zb,
    scale,
    zy: output === 'u8' || output === 's8' ? r.int(yLo, yLo + 255) : 0,
    bias: r.int(0, 1) ? Int32Array.from({ length: N }, () => r.int(-50000, 50000)) : undefined,
    biasF32: output === 'f32' && r.int(0, 1) ? Float32Array.from({ length: N }, () => r.float() * 10 - 5) : undefined,
    transposeB: false,
    ...over,
  };
  if ((c.output === 'u8' || c.output === 's8') && r.int(0, 3) === 0) {
    c.outputMin = Math.max(yLo, c.zy); // fused ReLU
    c.outputMax = Math.min(yLo + 255, c.zy + r.int(1, 200));
  }
  return c;
}

/** Runs the case on a fresh QGemm; `inspect` sees that QGemm before it is disposed. */
export function runGemmCase(k: Kernels, c: GemmCase, rows?: 'small' | 'large' | 'both', inspect?: (g: QGemm) => void) {
  let b = c.b;
  if (c.transposeB) {
    const t = new (c.b.constructor as Int8ArrayConstructor)(c.K * c.N);
    for (let kk = 0; kk < c.K; kk++) for (let n = 0; n < c.N; n++) t[n * c.K + kk] = c.b[kk * c.N + n];
    b = t;
  }
  const g = k.createQGemm({
    K: c.K, N: c.N, weights: b, transposeB: c.transposeB, weightZeroPoint: c.zb,
    activationSigned: c.aSigned, activationZeroPoint: c.za, output: c.output, scale: c.scale,
    outputZeroPoint: c.zy, outputMin: c.outputMin, outputMax: c.outputMax, bias: c.bias, biasF32: c.biasF32, rows,
  });
  try {
    inspect?.(g);
    return g.runArrays(c.M, c.a);
  } finally {
    g.dispose();
  }
}

export function referenceGemmCase(c: GemmCase) {
  return referenceQGemm({
    M: c.M, K: c.K, N: c.N, a: c.a, aZeroPoint: c.za, b: c.b, bZeroPoint: c.zb, output: c.output,
    scale: c.scale, outputZeroPoint: c.zy, outputMin: c.outputMin, outputMax: c.outputMax, bias: c.bias, biasF32: c.biasF32,
  });
}

/** Index of the first differing element (bitwise for floats), or -1. */
export function firstMismatch(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return 0;
  for (let i = 0; i < got.length; i++) if (!Object.is(got[i], want[i])) return i;
  return -1;
}

export function describeMismatch(c: GemmCase, got: ArrayLike<number>, want: ArrayLike<number>, i: number): string {
  return `M=${c.M} K=${c.K} N=${c.N} a${c.aSigned ? 's8' : 'u8'} b${c.bSigned ? 's8' : 'u8'} out=${c.output} za=${c.za} zy=${c.zy}: [${Math.floor(i / c.N)}, ${i % c.N}] got ${got[i]} want ${want[i]}`;
}
