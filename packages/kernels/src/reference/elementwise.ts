// Plain TypeScript references for the elementwise family: fp32 unary/binary ops, softmax,
// layer normalisation (float64 maths, compared with a tolerance), and QLinearAdd / QLinearMul
// (fp32 steps through Math.fround, compared bit for bit).
import { roundHalfEven } from './requantize.js';

export type UnaryOpName =
  | 'relu' | 'clip' | 'sigmoid' | 'tanh' | 'gelu' | 'hardsigmoid' | 'hardswish' | 'exp' | 'erf'
  | 'leakyrelu' | 'neg' | 'abs' | 'sqrt' | 'gelu_tanh' | 'silu';

export type BinaryOpName = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min' | 'prelu';

/** erf in float64: Maclaurin series below 3, continued fraction for erfc above (≈1e-15). */
export function erf64(x: number): number {
  const ax = Math.abs(x);
  if (Number.isNaN(x)) return NaN;
  if (ax >= 6) return Math.sign(x);
  if (ax < 3) {
    let sum = 0;
    let t = x;
    for (let n = 0; n < 200; n++) {
      const c = t / (2 * n + 1);
      sum += c;
      t *= (-x * x) / (n + 1);
      if (Math.abs(c) < 1e-17 * Math.abs(sum)) break;
    }
    return (sum * 2) / Math.sqrt(Math.PI);
  }
  let f = 0;
  for (let k = 80; k >= 1; k--) f = k / 2 / (ax + f);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  return Math.sign(x) * (1 - erfc);
}

export function referenceUnary(op: UnaryOpName, x: number, p0 = 0, p1 = 0): number {
  switch (op) {
    case 'relu': return Math.max(x, 0);
    case 'clip': return Math.min(Math.max(x, p0), p1);
    case 'sigmoid': return 1 / (1 + Math.exp(-x));
    case 'tanh': return Math.tanh(x);
    case 'gelu': return 0.5 * x * (1 + erf64(x / Math.SQRT2));
    case 'hardsigmoid': return Math.max(0, Math.min(1, p0 * x + p1));
    case 'hardswish': return x * Math.max(0, Math.min(1, x / 6 + 0.5));
    case 'exp': return Math.exp(x);
    case 'erf': return erf64(x);
    case 'leakyrelu': return x < 0 ? p0 * x : x;
    case 'neg': return -x;
    case 'abs': return Math.abs(x);
    case 'sqrt': return Math.sqrt(x);
    case 'gelu_tanh': return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    case 'silu': return x / (1 + Math.exp(-x));
  }
}

/** fp32 binary op (one IEEE operation, so exact). */
export function referenceBinary(op: BinaryOpName, a: number, b: number): number {
  switch (op) {
    case 'add': return Math.fround(a + b);
    case 'sub': return Math.fround(a - b);
    case 'mul': return Math.fround(a * b);
    case 'div': return Math.fround(a / b);
    case 'max': return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b);
    case 'min': return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b);
    case 'prelu': return a < 0 ? Math.fround(a * b) : a;
  }
}

/**
 * NumPy-broadcast of a and b to `outShape`, as a flat list of (aIndex, bIndex) per output element.
 * Independent of the kernels' stride collapsing, so it checks it.
 */
export function broadcastIndices(aShape: readonly number[], bShape: readonly number[], outShape: readonly number[]): [Int32Array, Int32Array] {
  const r = outShape.length;
  const size = outShape.reduce((p, d) => p * d, 1);
  const ia = new Int32Array(size);
  const ib = new Int32Array(size);
  const strides = (s: readonly number[]) => {
    const padded = [...Array(r - s.length).fill(1), ...s];
    const st = new Array<number>(r).fill(0);
    let acc = 1;
    for (let d = r - 1; d >= 0; d--) {
      st[d] = padded[d] === 1 ? 0 : acc;
      acc *= padded[d];
    }
    return st;
  };
  const sa = strides(aShape);
  const sb = strides(bShape);
  const idx = new Array<number>(r).fill(0);
  for (let j = 0; j < size; j++) {
    let pa = 0;
    let pb = 0;
    for (let d = 0; d < r; d++) {
      pa += idx[d] * sa[d];
      pb += idx[d] * sb[d];
    }
    ia[j] = pa;
    ib[j] = pb;
    for (let d = r - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return [ia, ib];
}

export function referenceSoftmax(x: ArrayLike<number>, rows: number, n: number, log = false): Float64Array {
  const y = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let i = 0; i < n; i++) m = Math.max(m, x[r * n + i]);
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.exp(x[r * n + i] - m);
    for (let i = 0; i < n; i++) y[r * n + i] = log ? x[r * n + i] - m - Math.log(s) : Math.exp(x[r * n + i] - m) / s;
  }
  return y;
}

export function referenceLayerNorm(
  x: ArrayLike<number>, rows: number, n: number, gamma: ArrayLike<number> | null, beta: ArrayLike<number> | null, eps: number,
): Float64Array {
  const y = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += x[r * n + i];
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (x[r * n + i] - mean) ** 2;
    const inv = 1 / Math.sqrt(v / n + Math.fround(eps));
    for (let i = 0; i < n; i++) y[r * n + i] = (x[r * n + i] - mean) * inv * (gamma ? gamma[i] : 1) + (beta ? beta[i] : 0);
  }
  return y;
}

export interface QLinearParams {
  readonly aScale: number;
  readonly aZeroPoint: number;
  readonly bScale: number;
  readonly bZeroPoint: number;
  readonly cScale: number;
  readonly cZeroPoint: number;
  readonly signed: boolean;
}

/**
 * One output of QLinearAdd / QLinearMul with ONNX Runtime's x86-64 formulas (MLAS AVX2 add with
 * FMAs; mul: f32(integer product · (sA·sB/sC)) + zC, then round and saturate). `aScalar` / `bScalar` say which side is a scalar over the innermost broadcast
 * span (ORT folds that side first; both scalar: A is the folded one).
 */
export function referenceQLinear(op: 'add' | 'mul', a: number, b: number, p: QLinearParams, aScalar = false, bScalar = false): number {
  const f = Math.fround;
  const [lo, hi] = p.signed ? [-128, 127] : [0, 255];
  // fused multiply-add with one rounding: x·r is exact in float64 for these small integers
  const fma = (x: number, r: number, t: number) => f(x * r + t);
  let r: number;
  if (op === 'add') {
    const rA = f(f(p.aScale) / f(p.cScale));
    const rB = f(f(p.bScale) / f(p.cScale));
    // ORT's x64 build: rA·zA + rB·zB contracted into an FMA on the first product; operands swapped
    // when A is the span's scalar
    const fixedAB = f(p.cZeroPoint - fma(p.aZeroPoint, rA, f(rB * p.bZeroPoint)));
    const fixedBA = f(p.cZeroPoint - fma(p.bZeroPoint, rB, f(rA * p.aZeroPoint)));
    if (aScalar) r = fma(b, rB, fma(a, rA, fixedBA));
    else if (bScalar) r = fma(a, rA, fma(b, rB, fixedAB));
    else r = fma(a, rA, fma(b, rB, fixedAB));
    r = roundHalfEven(r);
  } else {
    const ratio = f(f(f(p.aScale) * f(p.bScale)) / f(p.cScale));
    r = roundHalfEven(f(f((a - p.aZeroPoint) * (b - p.bZeroPoint) * ratio) + p.cZeroPoint));
  }
  return Math.min(hi, Math.max(lo, r)) | 0; // | 0: no −0
}
