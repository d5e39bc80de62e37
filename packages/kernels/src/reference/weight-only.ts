// Plain TypeScript reference for MatMulNBits (com.microsoft): dequantize each weight as
// f32(q − zp) · scale, then an fp64 dot product per output.

export interface MatMulNBitsCase {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly bits: 4 | 8;
  readonly blockSize: number;
  /** u8 [N, nb, blob] */
  readonly b: Uint8Array;
  /** f32 [N · nb] */
  readonly scales: Float32Array;
  /** packed u8 (4-bit: [N, ceil(nb/2)] nibbles; 8-bit: [N, nb]), f32 [N · nb], or null (2^(bits−1)). */
  readonly zeroPoints: Uint8Array | Float32Array | null;
  readonly bias: Float32Array | null;
}

/** The code of weight (n, k). */
export function nbitsCode(c: MatMulNBitsCase, n: number, k: number): number {
  const nb = Math.ceil(c.K / c.blockSize);
  const blob = (c.blockSize * c.bits) / 8;
  const blk = Math.floor(k / c.blockSize);
  const kk = k % c.blockSize;
  const base = (n * nb + blk) * blob;
  if (c.bits === 8) return c.b[base + kk];
  const byte = c.b[base + (kk >> 1)];
  return kk & 1 ? byte >> 4 : byte & 15;
}

export function nbitsZeroPoint(c: MatMulNBitsCase, n: number, blk: number): number {
  const nb = Math.ceil(c.K / c.blockSize);
  const zp = c.zeroPoints;
  if (zp === null) return c.bits === 4 ? 8 : 128;
  if (zp instanceof Float32Array) return zp[n * nb + blk];
  if (c.bits === 8) return zp[n * nb + blk];
  const byte = zp[n * Math.ceil(nb / 2) + (blk >> 1)];
  return blk & 1 ? byte >> 4 : byte & 15;
}

export function referenceMatMulNBits(a: ArrayLike<number>, c: MatMulNBitsCase): Float64Array {
  const f = Math.fround;
  const nb = Math.ceil(c.K / c.blockSize);
  const w = new Float64Array(c.N * c.K);
  for (let n = 0; n < c.N; n++) {
    for (let k = 0; k < c.K; k++) {
      const blk = Math.floor(k / c.blockSize);
      w[n * c.K + k] = f(f(nbitsCode(c, n, k) - nbitsZeroPoint(c, n, blk)) * c.scales[n * nb + blk]);
    }
  }
  const y = new Float64Array(c.M * c.N);
  for (let m = 0; m < c.M; m++) {
    for (let n = 0; n < c.N; n++) {
      let s = c.bias ? c.bias[n] : 0;
      for (let k = 0; k < c.K; k++) s += a[m * c.K + k] * w[n * c.K + k];
      y[m * c.N + n] = s;
    }
  }
  return y;
}
