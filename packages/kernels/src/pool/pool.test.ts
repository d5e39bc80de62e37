import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernels } from '../kernels.js';
import { loadKernels } from '../load-kernels.js';
import {
  referenceAvgPool2d, referenceGlobalAvgPool, referenceMaxPool2d, referenceQLinearAvgPool2d, referenceQLinearGlobalAvgPool, type QPoolParams,
} from '../reference/pool.js';
import { rng } from '../reference/random.js';
import {
  averagePool2d, globalAveragePool, maxPool2d, poolGeometry, qlinearAveragePool2d, qlinearGlobalAveragePool, type Pool2dOptions,
} from './pool.js';

let k: Kernels;
let two: Kernels;
const shares: number[] = [];
beforeAll(async () => {
  k = await loadKernels({ variant: 'simd' });
  two = await loadKernels({ threads: 2 });
  const pool = two.pool!;
  const run = pool.run.bind(pool);
  pool.run = (symbol, args, mask) => {
    shares.push(args.length);
    run(symbol, args, mask);
  };
  // a dynamic split counts as one round trip of its chunk count
  const runChunks = pool.runChunks!.bind(pool);
  pool.runChunks = (symbol, chunks, options) => {
    shares.push(chunks.length);
    runChunks(symbol, chunks, options);
  };
});
afterAll(async () => {
  await two?.dispose();
});

const CASES: { shape: number[]; o: Pool2dOptions }[] = [
  { shape: [1, 3, 7, 9], o: { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } },
  { shape: [2, 2, 8, 8], o: { kernel: [2, 2], strides: [2, 2] } },
  { shape: [1, 4, 5, 11], o: { kernel: [3, 2], strides: [1, 3], pads: [2, 0, 1, 1], ceilMode: true } },
  { shape: [1, 1, 13, 1], o: { kernel: [5, 1], strides: [2, 1], pads: [2, 0, 2, 0] } }, // 1-D
  { shape: [3, 2, 6, 6], o: { kernel: [6, 6] } }, // whole image
  { shape: [1, 2, 9, 9], o: { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] } },
  // wide rows: the 16-lane u8/s8 paths of MaxPool at stride 1 and 2
  { shape: [1, 2, 5, 45], o: { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] } },
  { shape: [1, 3, 9, 70], o: { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } },
  { shape: [2, 2, 6, 40], o: { kernel: [2, 2], strides: [2, 2] } },
];

function bytes(seed: number, n: number, signed: boolean): Uint8Array | Int8Array {
  const r = rng(seed);
  const v = Array.from({ length: n }, (_, i) => (i % 11 === 0 ? (signed ? -128 : 0) : i % 13 === 0 ? (signed ? 127 : 255) : r.int(signed ? -128 : 0, signed ? 127 : 255)));
  return signed ? Int8Array.from(v) : Uint8Array.from(v);
}

const size = (s: number[]) => s.reduce((p, d) => p * d, 1);

describe('MaxPool', () => {
  it('u8, s8, f32 with pads, strides, ceil mode and dilations, exact', () => {
    let seed = 1;
    const dilated: { shape: number[]; o: Pool2dOptions }[] = [
      { shape: [1, 2, 10, 10], o: { kernel: [3, 3], dilations: [2, 2], pads: [2, 2, 2, 2] } },
      { shape: [1, 1, 4, 67], o: { kernel: [1, 4], strides: [1, 2], pads: [0, 2, 0, 1], dilations: [1, 2] } },
    ];
    for (const { shape, o } of [...CASES, ...dilated]) {
      const g = poolGeometry(shape, o);
      for (const signed of [false, true]) {
        const x = bytes(seed++, size(shape), signed);
        const got = maxPool2d(k, x, shape, o);
        expect(got.shape).toEqual([shape[0], shape[1], g.oh, g.ow]);
        expect(Array.from(got.data)).toEqual(referenceMaxPool2d(x, g));
      }
      const r = rng(seed++);
      const xf = Float32Array.from({ length: size(shape) }, () => r.float() * 10 - 5);
      expect(Array.from(maxPool2d(k, xf, shape, o).data)).toEqual(referenceMaxPool2d(xf, g).map(Math.fround));
    }
  });
});

describe('AveragePool (fp32) and QLinearAveragePool (ORT formula, bit-exact)', () => {
  it('fp32, count_include_pad both ways, exact against the fp32-order reference', () => {
    let seed = 50;
    for (const { shape, o } of CASES) {
      const g = poolGeometry(shape, o);
      const r = rng(seed++);
      const x = Float32Array.from({ length: size(shape) }, () => r.float() * 4 - 2);
      for (const cip of [false, true]) {
        expect(Array.from(averagePool2d(k, x, shape, o, cip).data)).toEqual(referenceAvgPool2d(x, g, cip));
      }
    }
  });

  it('u8 and s8, zero points at both ends, saturating, count_include_pad both ways', () => {
    let seed = 70;
    let saturated = 0;
    for (const { shape, o } of CASES) {
      const g = poolGeometry(shape, o);
      for (const signed of [false, true]) {
        const lo = signed ? -128 : 0;
        const hi = signed ? 127 : 255;
        for (const p of [
          { signed, xScale: 0.05, xZeroPoint: lo, yScale: 0.02, yZeroPoint: hi },
          { signed, xScale: 0.031, xZeroPoint: hi, yScale: 0.11, yZeroPoint: lo },
          { signed, xScale: 0.013, xZeroPoint: signed ? 5 : 128, yScale: 0.007, yZeroPoint: signed ? -3 : 120 },
        ] as QPoolParams[]) {
          const x = bytes(seed++, size(shape), signed);
          for (const cip of [false, true]) {
            const got = Array.from(qlinearAveragePool2d(k, x, shape, o, cip, p).data);
            const global = g.kh === g.h && g.kw === g.w && (o.pads ?? [0, 0, 0, 0]).every((v) => v === 0);
            const want = global ? referenceQLinearGlobalAvgPool(x, g.nc, g.h * g.w, p) : referenceQLinearAvgPool2d(x, g, cip, p);
            expect(got).toEqual(want);
            saturated += want.filter((v) => v === lo || v === hi).length;
          }
        }
      }
    }
    expect(saturated).toBeGreaterThan(10);
  });
});

describe('GlobalAveragePool', () => {
  it('fp32, odd image sizes', () => {
    for (const shape of [[1, 3, 5, 7], [2, 4, 1, 1], [1, 2, 16, 16], [1, 1, 3]]) {
      const r = rng(size(shape));
      const x = Float32Array.from({ length: size(shape) }, () => r.float() * 2 - 1);
      const got = globalAveragePool(k, x, shape).data;
      const want = referenceGlobalAvgPool(x, shape[0] * shape[1], size(shape.slice(2)));
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-6);
    }
  });

  it('fp32 split into chunks of channel rows across 2 threads: identical to one thread', () => {
    for (const shape of [[32, 1281, 2, 4], [3, 5, 161, 167]]) {
      const r = rng(size(shape));
      const x = Float32Array.from({ length: size(shape) }, () => r.float() * 2 - 1);
      shares.length = 0;
      const got = globalAveragePool(two, x, shape).data;
      expect(shares.length).toBe(1);
      expect(shares[0]).toBeGreaterThanOrEqual(2);
      expect(Array.from(got)).toEqual(Array.from(globalAveragePool(k, x, shape).data));
    }
  });

  it('QLinearGlobalAveragePool u8/s8, NCHW and NHWC, bit-exact', () => {
    let seed = 400;
    // planes of 1, 2, 4 pixels take the channels-per-vector path (with a scalar tail)
    for (const [n, c, h, w] of [[1, 3, 7, 7], [2, 5, 4, 9], [1, 17, 1, 1], [1, 2, 33, 3], [3, 7, 2, 2], [2, 9, 1, 2], [1, 40, 1, 1]]) {
      for (const signed of [false, true]) {
        const lo = signed ? -128 : 0;
        const hi = signed ? 127 : 255;
        for (const p of [
          { signed, xScale: 0.05, xZeroPoint: lo, yScale: 0.01, yZeroPoint: hi },
          { signed, xScale: 0.02, xZeroPoint: hi, yScale: 0.03, yZeroPoint: lo },
          { signed, xScale: 0.017, xZeroPoint: signed ? 0 : 128, yScale: 0.017, yZeroPoint: signed ? 0 : 128 },
        ] as QPoolParams[]) {
          const x = bytes(seed++, n * c * h * w, signed);
          const want = referenceQLinearGlobalAvgPool(x, n * c, h * w, p);
          expect(Array.from(qlinearGlobalAveragePool(k, x, [n, c, h, w], p).data)).toEqual(want);
          // the same data laid out NHWC
          const nhwc = signed ? new Int8Array(x.length) : new Uint8Array(x.length);
          for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) nhwc[(b * h * w + i) * c + ch] = x[(b * c + ch) * h * w + i];
          const got = qlinearGlobalAveragePool(k, nhwc, [n, h, w, c], p, true);
          expect(got.shape).toEqual([n, 1, 1, c]);
          expect(Array.from(got.data)).toEqual(want);
        }
      }
    }
  });

  it('QLinearGlobalAveragePool split into chunks across 2 threads (channel rows NCHW, whole images NHWC, odd counts), bit-exact', () => {
    let seed = 450;
    for (const [n, c, h, w, last] of [[32, 1281, 2, 4, 0], [5, 1001, 7, 9, 1], [3, 2, 297, 289, 0]]) {
      for (const signed of [false, true]) {
        const p: QPoolParams = { signed, xScale: 0.031, xZeroPoint: signed ? -3 : 120, yScale: 0.019, yZeroPoint: signed ? 5 : 131 };
        const x = bytes(seed++, n * c * h * w, signed);
        const shape = last ? [n, h, w, c] : [n, c, h, w];
        shares.length = 0;
        const got = qlinearGlobalAveragePool(two, x, shape, p, last === 1);
        expect(shares.length).toBe(1);
        expect(shares[0]).toBeGreaterThanOrEqual(2);
        expect(Array.from(got.data)).toEqual(Array.from(qlinearGlobalAveragePool(k, x, shape, p, last === 1).data));
        if (!last) expect(Array.from(got.data)).toEqual(referenceQLinearGlobalAvgPool(x, n * c, h * w, p));
      }
    }
  });
});
