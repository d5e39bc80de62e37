// The benchmark's shapes and deterministic data (same weights for every peer).
export const CASES = [
  { id: 'gemm-128x384x1536', kind: 'gemm', M: 128, K: 384, N: 1536 },
  { id: 'gemv-1x768x3072', kind: 'gemm', M: 1, K: 768, N: 3072 },
  { id: 'gemm-64x1024x1024', kind: 'gemm', M: 64, K: 1024, N: 1024 },
  // ResNet-like 3×3 layer: as GEMM M = 28·28, K = 128·9, N = 128
  { id: 'conv3x3-128x28x28-128', kind: 'conv', C: 128, H: 28, W: 28, M: 128, k: 3, pad: 1, group: 1 },
  // MobileNet-like depthwise 3×3 layer
  { id: 'dwconv3x3-144x56x56', kind: 'conv', C: 144, H: 56, W: 56, M: 144, k: 3, pad: 1, group: 144 },
];

// Extra shapes, run only when named with `peer-paired.mjs --cases`: a long-sequence transformer
// layer (M = 4096 rows, checks the M/N blocking) and the few-row GEMMs of batch-1 models (the
// weights packed for every path, as the runtime does).
export const EXTRA_CASES = [
  { id: 'gemm-4096x384x1536', kind: 'gemm', M: 4096, K: 384, N: 1536 },
  // weights of 4.7 MB packed as i16 (BERT-base FFN, 32 × 128 tokens): checks the weight blocking
  { id: 'gemm-4096x768x3072', kind: 'gemm', M: 4096, K: 768, N: 3072 },
  { id: 'gemm-8x384x1536', kind: 'gemm', M: 8, K: 384, N: 1536, rows: 'both' },
  { id: 'gemm-16x384x1536', kind: 'gemm', M: 16, K: 384, N: 1536, rows: 'both' },
  { id: 'gemm-8x768x3072', kind: 'gemm', M: 8, K: 768, N: 3072, rows: 'both' },
  { id: 'gemm-16x768x3072', kind: 'gemm', M: 16, K: 768, N: 3072, rows: 'both' },
  { id: 'gemm-4x768x3072', kind: 'gemm', M: 4, K: 768, N: 3072, rows: 'both' },
  { id: 'gemm-24x768x3072', kind: 'gemm', M: 24, K: 768, N: 3072, rows: 'both' },
  { id: 'gemm-32x768x3072', kind: 'gemm', M: 32, K: 768, N: 3072, rows: 'both' },
  { id: 'gemm-32x384x1536', kind: 'gemm', M: 32, K: 384, N: 1536, rows: 'both' },
];

export function ops(c) {
  if (c.kind === 'gemm') return 2 * c.M * c.K * c.N;
  const oH = c.H + 2 * c.pad - c.k + 1;
  const oW = c.W + 2 * c.pad - c.k + 1;
  return 2 * oH * oW * (c.C / c.group) * c.k * c.k * c.M;
}

function rand(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s;
  };
}

export function weights(c) {
  const n = c.kind === 'gemm' ? c.K * c.N : c.M * (c.C / c.group) * c.k * c.k;
  const r = rand(n);
  return Int8Array.from({ length: n }, () => (r() & 0xff) - 128);
}

export function activations(c) {
  const n = c.kind === 'gemm' ? c.M * c.K : c.C * c.H * c.W;
  const r = rand(n + 7);
  return Uint8Array.from({ length: n }, () => r() & 0xff);
}

// Quantization used by every peer (the models in models.mjs use the same numbers).
export const Q = { aScale: 0.02, aZp: 128, wScale: 0.01, wZp: 0, yZp: 128 };
export const yScale = (K) => Q.aScale * Q.wScale * Math.sqrt(K) * 40;
export const depth = (c) => (c.kind === 'gemm' ? c.K : (c.C / c.group) * c.k * c.k);
