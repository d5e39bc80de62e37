import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernels } from '../kernels.js';
import { loadKernels } from '../load-kernels.js';
import { firstMismatch } from '../gemm/qgemm-tester.js';
import { createConvCase, randomConvCase, referenceQConv, runConvCase, type ConvShape } from './qconv-tester.js';

const CASES: [string, ConvShape, string][] = [
  ['1×1', { N: 2, C: 13, H: 5, W: 7, M: 11, k: [1, 1] }, 'gemm-1x1'],
  ['3×3 pad 1', { N: 1, C: 5, H: 9, W: 8, M: 17, k: [3, 3], pads: [1, 1, 1, 1] }, 'im2col-gemm'],
  ['3×3 stride 2, asymmetric pads', { N: 2, C: 4, H: 11, W: 10, M: 9, k: [3, 3], strides: [2, 2], pads: [0, 1, 2, 1] }, 'im2col-gemm'],
  ['dilation 2', { N: 1, C: 3, H: 12, W: 12, M: 8, k: [3, 3], dilations: [2, 2], pads: [2, 2, 2, 2] }, 'im2col-gemm'],
  ['3×3 asymmetric pads, odd K, oW % 4 = 0', { N: 2, C: 3, H: 6, W: 12, M: 5, k: [3, 3], pads: [2, 1, 0, 1] }, 'im2col-gemm'],
  ['groups 2, oW % 4 = 0, 2×2 dilation 2', { N: 1, C: 4, H: 9, W: 10, M: 6, k: [2, 2], group: 2, dilations: [2, 2], pads: [1, 0, 1, 0] }, 'im2col-gemm'],
  ['1×1 stride 2', { N: 1, C: 6, H: 8, W: 8, M: 7, k: [1, 1], strides: [2, 2] }, 'im2col-gemm'],
  ['groups 3', { N: 1, C: 6, H: 7, W: 7, M: 9, k: [3, 3], group: 3, pads: [1, 1, 1, 1] }, 'im2col-gemm'],
  ['non-square kernel 1×5', { N: 1, C: 4, H: 6, W: 13, M: 5, k: [1, 5], pads: [0, 2, 0, 2] }, 'im2col-gemm'],
  ['depthwise 3×3 stride 1', { N: 2, C: 7, H: 10, W: 19, M: 7, k: [3, 3], group: 7, pads: [1, 1, 1, 1] }, 'depthwise'],
  ['depthwise 3×3 stride 2', { N: 1, C: 5, H: 17, W: 17, M: 5, k: [3, 3], group: 5, strides: [2, 2], pads: [1, 1, 1, 1] }, 'depthwise'],
  ['depthwise 5×5 stride 3 dilation 2 (scalar path)', { N: 1, C: 3, H: 20, W: 21, M: 3, k: [5, 5], group: 3, strides: [3, 3], dilations: [2, 2], pads: [2, 3, 1, 0] }, 'depthwise'],
  ['depthwise wide row, no pads', { N: 1, C: 2, H: 4, W: 40, M: 2, k: [3, 3], group: 2 }, 'depthwise'],
  ['depthwise 3×3 dilation 2, strides 1×2, asymmetric pads (unrolled 3×3 path)', { N: 2, C: 6, H: 13, W: 21, M: 6, k: [3, 3], group: 6, strides: [1, 2], dilations: [2, 2], pads: [2, 1, 0, 3] }, 'depthwise'],
  ['depthwise 3×3 on 8×8 and 4×4 planes', { N: 3, C: 5, H: 8, W: 8, M: 5, k: [3, 3], group: 5, pads: [1, 1, 1, 1] }, 'depthwise'],
  // the row-range kernel: images as GEMM rows at each pixel, and chunks of an image's pixels
  ['1×1 on a plane smaller than the batch (images as rows)', { N: 6, C: 10, H: 2, W: 2, M: 13, k: [1, 1] }, 'gemm-1x1'],
  ['1×1 groups 2, 1×3 plane, batch 5', { N: 5, C: 8, H: 1, W: 3, M: 6, k: [1, 1], group: 2 }, 'gemm-1x1'],
  ['3×3 deep K: two chunks per image, split inside an output row', { N: 2, C: 200, H: 7, W: 9, M: 10, k: [3, 3], pads: [1, 1, 1, 1] }, 'im2col-gemm'],
  ['3×3 stride 2 deep K: chunks split inside an output row', { N: 1, C: 160, H: 21, W: 15, M: 9, k: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, 'im2col-gemm'],
  // width stride 2 on wide rows: im2col gathers 8 outputs from 16 bytes (pads on both sides, dilation)
  ['3×3 stride 2 on wide rows', { N: 2, C: 3, H: 9, W: 70, M: 8, k: [3, 3], strides: [2, 2], pads: [1, 2, 1, 0] }, 'im2col-gemm'],
  ['3×3 width stride 2, width dilation 3, wide rows', { N: 1, C: 2, H: 7, W: 53, M: 5, k: [3, 3], strides: [1, 2], dilations: [1, 3], pads: [0, 3, 1, 1] }, 'im2col-gemm'],
];

let k: Kernels;
beforeAll(async () => {
  k = await loadKernels({ variant: 'simd' });
});

describe('integer convolution against the TypeScript reference', () => {
  for (const [name, shape, method] of CASES) {
    it(`${name} (${method}), every output type`, () => {
      let seed = name.length * 101;
      for (const output of ['u8', 's8', 'f32', 'i32'] as const) {
        const c = randomConvCase(seed++, shape, { output, outputZeroPoint: output === 'u8' ? 120 : output === 's8' ? -3 : 0 });
        const { method: used, got } = runConvCase(k, c);
        expect(used).toBe(method);
        const want = referenceQConv(c);
        const i = firstMismatch(got, want);
        if (i >= 0) expect.fail(`${name} ${output}: element ${i} got ${got[i]} want ${want[i]}`);
      }
    });
  }

  it('activation zero points at both ends, signed and unsigned, with fused ReLU range', () => {
    let seed = 4242;
    for (const shape of [CASES[1][1], CASES[9][1]]) {
      for (const signed of [false, true]) {
        for (const zx of signed ? [-128, 127] : [0, 255]) {
          const c = randomConvCase(seed++, shape, { output: 'u8', xZeroPoint: zx, outputZeroPoint: 100, outputMin: 100, outputMax: 250 });
          if (signed !== c.x instanceof Int8Array) c.x = signed ? Int8Array.from(c.x, (v) => (v & 0xff) - 128) : Uint8Array.from(c.x, (v) => v & 0xff);
          const { got } = runConvCase(k, c);
          expect(firstMismatch(got, referenceQConv(c))).toBe(-1);
          expect(Math.min(...got)).toBeGreaterThanOrEqual(100);
        }
      }
    }
  });

  it('allocates its scratch when created: runs allocate nothing', () => {
    for (const [, shape] of [CASES[0], CASES[1], CASES[9]]) {
      const c = randomConvCase(99, shape, { output: 'u8' });
      const conv = createConvCase(k, c);
      const px = k.heap.put(c.x);
      const py = k.heap.alloc(c.N * conv.outputShape.reduce((a, b) => a * b, 1));
      try {
        const allocated = k.heap.allocated;
        conv.reserve();
        conv.run({ N: c.N, x: px, y: py });
        expect(k.heap.allocated).toBe(allocated);
      } finally {
        conv.dispose();
        k.heap.free(px);
        k.heap.free(py);
      }
    }
  });

  it('a run-time scale replaces the created one for every output channel (f32, u8; 1×1, im2col, depthwise)', () => {
    let seed = 5150;
    for (const [, shape] of [CASES[0], CASES[1], CASES[9], CASES[15]]) {
      for (const output of ['f32', 'u8'] as const) {
        const c = randomConvCase(seed++, shape, { output, scale: 0.5 });
        const conv = createConvCase(k, c);
        const px = k.heap.put(c.x);
        const count = c.N * conv.outputShape.reduce((a, b) => a * b, 1);
        const py = k.heap.alloc(count * (output === 'f32' ? 4 : 1));
        try {
          for (const scale of [Math.fround(0.37 / (c.C * 300)), Math.fround(0.011 / (c.C * 200))]) {
            conv.run({ N: c.N, x: px, y: py, scale });
            const got = output === 'f32' ? k.heap.f32.slice(py >> 2, (py >> 2) + count) : k.heap.u8.slice(py, py + count);
            expect(firstMismatch(got, referenceQConv({ ...c, scale }))).toBe(-1);
          }
        } finally {
          conv.dispose();
          k.heap.free(px);
          k.heap.free(py);
        }
      }
    }
  });

  it('convolutions share their per-thread scratch: a larger one grows it under a smaller one, the last dispose frees it', () => {
    const before = k.heap.allocated;
    const small = randomConvCase(61, CASES[1][1], { output: 'u8' });
    const big = randomConvCase(62, CASES[17][1], { output: 'u8' });
    const a = createConvCase(k, small);
    const b = createConvCase(k, big);
    const run = (conv: typeof a, c: typeof small) => expect(firstMismatch(conv.runArrays(c.N, c.x), referenceQConv(c))).toBe(-1);
    run(a, small);
    run(b, big);
    b.dispose();
    run(a, small);
    const c = createConvCase(k, big);
    run(c, big);
    run(a, small);
    a.dispose();
    c.dispose();
    expect(k.heap.allocated).toBe(before);
  });

  it('rejects inconsistent shapes', () => {
    expect(() =>
      k.createQConv({ C: 4, H: 4, W: 4, M: 6, kernelShape: [3, 3], group: 3, weights: new Int8Array(1), weightZeroPoint: 0, activationSigned: false, activationZeroPoint: 0, output: 'i32' }),
    ).toThrow(/group 3 must divide C = 4/);
    expect(() =>
      k.createQConv({ C: 4, H: 2, W: 2, M: 2, kernelShape: [3, 3], weights: new Int8Array(72), weightZeroPoint: 0, activationSigned: false, activationZeroPoint: 0, output: 'i32' }),
    ).toThrow(/empty/);
  });
});

afterAll(async () => {
  await k?.dispose();
});
