import { beforeAll, describe, expect, it } from 'vitest';
import type { Kernels } from '../kernels.js';
import { loadKernels } from '../load-kernels.js';
import { rng } from '../reference/random.js';
import { referenceMatMulNBits, type MatMulNBitsCase } from '../reference/weight-only.js';
import { createMatMulNBits } from './matmul-nbits.js';

let k: Kernels;
beforeAll(async () => {
  k = await loadKernels({ variant: 'simd' });
});

function randomCase(seed: number, M: number, N: number, K: number, bits: 4 | 8, blockSize: number, zpKind: 'none' | 'u8' | 'f32', bias: boolean): [Float32Array, MatMulNBitsCase] {
  const r = rng(seed);
  const nb = Math.ceil(K / blockSize);
  const blob = (blockSize * bits) / 8;
  const b = Uint8Array.from({ length: N * nb * blob }, () => r.int(0, 255));
  const scales = Float32Array.from({ length: N * nb }, () => 0.001 + r.float() * 0.05);
  let zeroPoints: Uint8Array | Float32Array | null = null;
  if (zpKind === 'u8') {
    zeroPoints = bits === 8
      ? Uint8Array.from({ length: N * nb }, (_, i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? 255 : r.int(0, 255)))
      : Uint8Array.from({ length: N * Math.ceil(nb / 2) }, (_, i) => (i % 3 === 0 ? 0x0f : i % 3 === 1 ? 0xf0 : r.int(0, 255)));
  } else if (zpKind === 'f32') {
    zeroPoints = Float32Array.from({ length: N * nb }, () => r.float() * (bits === 4 ? 15 : 255));
  }
  const a = Float32Array.from({ length: M * K }, () => r.float() * 2 - 1);
  return [a, { M, N, K, bits, blockSize, b, scales, zeroPoints, bias: bias ? Float32Array.from({ length: N }, () => r.float() - 0.5) : null }];
}

describe('MatMulNBits against the TypeScript reference', () => {
  it('4- and 8-bit, block sizes 16…256, K not a multiple of the block, odd N, M = 1, every zero-point form', () => {
    let seed = 1;
    let checked = 0;
    for (const bits of [4, 8] as const) {
      for (const blockSize of [16, 32, 64, 128, 256]) {
        for (const [M, N, K] of [[1, 9, 70], [3, 4, 16], [5, 13, blockSize * 2 + 5], [1, 1, 1], [2, 8, 300]]) {
          for (const zpKind of ['none', 'u8', 'f32'] as const) {
            const [a, c] = randomCase(seed++, M, N, K, bits, blockSize, zpKind, seed % 2 === 0);
            const mm = createMatMulNBits(k, c);
            const got = mm.run(a, M);
            mm.dispose();
            const want = referenceMatMulNBits(a, c);
            // fp32 accumulation: error bounded by K·eps·Σ|a·w|
            for (let i = 0; i < want.length; i++) {
              const m = Math.floor(i / N);
              const n = i % N;
              let mag = Math.abs(c.bias?.[n] ?? 0);
              for (let kk = 0; kk < K; kk++) mag += Math.abs(a[m * K + kk]) * 300 * c.scales[n * Math.ceil(K / blockSize) + Math.floor(kk / blockSize)];
              expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-6 * mag + 1e-7);
            }
            checked += want.length;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('rejects malformed weights with a clear error', () => {
    const [, c] = randomCase(3, 1, 4, 32, 4, 16, 'none', false);
    expect(() => createMatMulNBits(k, { ...c, blockSize: 24 })).toThrow(/block_size/);
    expect(() => createMatMulNBits(k, { ...c, b: c.b.subarray(1) })).toThrow(/B has/);
    expect(() => createMatMulNBits(k, { ...c, scales: c.scales.subarray(1) })).toThrow(/scales/);
  });
});
