import { roundHalfEven } from './round.js';

export interface BlockQuantized {
  /** unsigned codes 0..2^bits−1 in [N][blocks][blockSize] order (column-major blocks of W[K,N]) */
  codes: Uint8Array;
  /** [N][blocks] */
  scales: Float32Array;
  /** [N][blocks] unsigned zero points (2^(bits−1) when symmetric) */
  zeroPoints: Uint8Array;
  blocks: number;
}

/**
 * Blockwise quantization of a [K, N] weight along K (what MatMulNBits and blocked
 * DequantizeLinear expect). Symmetric 4-bit uses MLAS's choice: the element of largest magnitude
 * maps exactly to −8, so scale = v / −8 (sign kept); symmetric 8-bit uses ±127. The zero point is
 * 2^(bits−1) either way.
 * Asymmetric widens [min, max] to include 0 and rounds the zero point.
 */
export function quantizeBlockwise(
  w: Float32Array,
  K: number,
  N: number,
  bits: 4 | 8,
  blockSize: number,
  symmetric: boolean,
  /** 4-bit only: write codes two per byte (low nibble first) straight away, halving the buffer. */
  packNibbles = false,
): BlockQuantized {
  const blocks = Math.ceil(K / blockSize);
  const qmax = (1 << bits) - 1;
  const mid = 1 << (bits - 1);
  const packed = packNibbles && bits === 4;
  const codes = new Uint8Array(packed ? (N * blocks * blockSize) >> 1 : N * blocks * blockSize);
  const put = packed
    ? (i: number, q: number) => {
        codes[i >> 1] = i & 1 ? (codes[i >> 1] & 0x0f) | (q << 4) : (codes[i >> 1] & 0xf0) | q;
      }
    : (i: number, q: number) => {
        codes[i] = q;
      };
  const scales = new Float32Array(N * blocks);
  const zeroPoints = new Uint8Array(N * blocks);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < blocks; b++) {
      const k0 = b * blockSize;
      const k1 = Math.min(K, k0 + blockSize);
      let scale: number;
      let zp: number;
      if (symmetric) {
        let v = 0;
        for (let k = k0; k < k1; k++) {
          const x = w[k * N + n];
          if (Math.abs(x) > Math.abs(v)) v = x;
        }
        // 4-bit: MLAS maps the extreme onto −8 (all 16 codes used); 8-bit: the usual ±127 range.
        scale = bits === 4 ? Math.fround(v / -mid) : Math.fround(Math.abs(v) / (mid - 1));
        zp = mid;
      } else {
        let lo = 0;
        let hi = 0;
        for (let k = k0; k < k1; k++) {
          const x = w[k * N + n];
          if (x < lo) lo = x;
          if (x > hi) hi = x;
        }
        scale = Math.fround((hi - lo) / qmax);
        zp = scale === 0 ? 0 : Math.min(qmax, Math.max(0, roundHalfEven(-lo / scale)));
      }
      scales[n * blocks + b] = scale;
      zeroPoints[n * blocks + b] = zp;
      const base = (n * blocks + b) * blockSize;
      const inv = scale === 0 ? 0 : 1 / scale;
      for (let k = k0; k < k1; k++) {
        const q = roundHalfEven(w[k * N + n] * inv) + zp;
        put(base + (k - k0), q < 0 ? 0 : q > qmax ? qmax : q);
      }
      for (let k = k1; k < k0 + blockSize; k++) put(base + (k - k0), zp); // padding dequantizes to 0
    }
  }
  return { codes, scales, zeroPoints, blocks };
}
