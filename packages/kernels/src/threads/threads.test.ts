import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernels } from '../kernels.js';
import { loadKernels } from '../load-kernels.js';
import { firstMismatch, randomGemmCase, referenceGemmCase, runGemmCase } from '../gemm/qgemm-tester.js';
import { randomConvCase, referenceQConv, runConvCase } from '../conv/qconv-tester.js';

let one: Kernels;
let two: Kernels;
let shares: number[] = [];
// chunk counts of the dynamic-split jobs since the last reset
let chunked: number[] = [];
beforeAll(async () => {
  one = await loadKernels({ variant: 'simd' });
  two = await loadKernels({ threads: 2 });
  const pool = two.pool!;
  const run = pool.run.bind(pool);
  pool.run = (symbol, args) => {
    shares.push(args.length);
    run(symbol, args);
  };
  const runChunks = pool.runChunks!.bind(pool);
  pool.runChunks = (symbol, chunks, options) => {
    chunked.push(chunks.length);
    runChunks(symbol, chunks, options);
  };
});

describe('threads build: worker pool on one shared WebAssembly.Memory', () => {
  it('loads the threads variant with a 2-thread pool and shared memory', () => {
    expect(two.variant).toBe('threads');
    expect(two.pool?.size).toBe(2);
    expect(two.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('GEMM split across columns and across row tiles is bit-identical to one thread and the reference', () => {
    const shapes = [
      { M: 64, K: 130, N: 72 }, // many column panels → split N
      { M: 200, K: 257, N: 8 }, // one panel → split M tiles
      { M: 1, K: 3001, N: 203 }, // GEMV path split N
      { M: 37, K: 96, N: 100 },
    ];
    let seed = 900;
    for (const s of shapes) {
      for (const output of ['u8', 's8', 'f32', 'i32'] as const) {
        shares = [];
        const c = randomGemmCase(seed++, s, { output });
        const got2 = runGemmCase(two, c);
        expect(shares).toEqual([2]);
        const got1 = runGemmCase(one, c);
        expect(firstMismatch(got2, got1)).toBe(-1);
        expect(firstMismatch(got2, referenceGemmCase(c))).toBe(-1);
      }
    }
  });

  it('wake() rouses sleeping workers without giving them a job: the next split run is still exact', async () => {
    // workers fall asleep (Atomics.wait) after ~2 ms without work
    await new Promise((r) => setTimeout(r, 50));
    const pool = two.pool!;
    pool.wake!();
    pool.wake!(); // twice: a wake of a spinning worker is a no-op too
    shares = [];
    const c = randomGemmCase(1200, { M: 64, K: 130, N: 72 }, { output: 'u8' });
    const got = runGemmCase(two, c);
    expect(shares).toEqual([2]);
    expect(firstMismatch(got, referenceGemmCase(c))).toBe(-1);
  });

  it('large activations are packed in parallel too (row tiles split across threads)', () => {
    let seed = 1300;
    for (const output of ['u8', 'i32'] as const) {
      shares = [];
      const c = randomGemmCase(seed++, { M: 301, K: 300, N: 16 }, { output });
      const got2 = runGemmCase(two, c);
      expect(shares).toEqual([2, 2]); // packing, then the GEMM
      expect(firstMismatch(got2, runGemmCase(one, c))).toBe(-1);
      expect(firstMismatch(got2, referenceGemmCase(c))).toBe(-1);
    }
  });

  it('convolution (im2col GEMM and depthwise) is bit-identical to one thread and the reference', () => {
    const shapes = [
      { N: 1, C: 16, H: 20, W: 20, M: 32, k: [3, 3] as [number, number], pads: [1, 1, 1, 1] as [number, number, number, number] },
      { N: 1, C: 64, H: 40, W: 40, M: 64, k: [3, 3] as [number, number], group: 64, pads: [1, 1, 1, 1] as [number, number, number, number] },
      // large enough that im2col and packing are split across threads as well
      { N: 1, C: 32, H: 24, W: 24, M: 16, k: [3, 3] as [number, number], pads: [1, 1, 1, 1] as [number, number, number, number] },
      { N: 2, C: 40, H: 25, W: 27, M: 24, k: [1, 1] as [number, number] },
    ];
    let seed = 1900;
    for (const s of shapes) {
      shares = [];
      chunked = [];
      const c = randomConvCase(seed++, s, { output: 'u8', outputZeroPoint: 128 });
      const { got } = runConvCase(two, c);
      expect(shares.length + chunked.length).toBeGreaterThan(0);
      expect(firstMismatch(got, runConvCase(one, c).got)).toBe(-1);
      expect(firstMismatch(got, referenceQConv(c))).toBe(-1);
    }
  });

  it('convolution rows (and depthwise images) split dynamically into chunks in one round trip: batches 1, 2, 3, 5, 7, 9, pads, strides, groups, dilations', () => {
    type Pads = [number, number, number, number];
    type Pair = [number, number];
    const shapes = [
      { N: 1, C: 12, H: 15, W: 13, M: 20, k: [3, 3] as Pair, pads: [1, 0, 2, 1] as Pads }, // one image: split inside it
      { N: 2, C: 8, H: 12, W: 12, M: 64, k: [3, 3] as Pair, strides: [2, 2] as Pair, pads: [1, 1, 1, 1] as Pads },
      { N: 3, C: 8, H: 12, W: 12, M: 32, k: [3, 3] as Pair, group: 2, dilations: [2, 2] as Pair, pads: [2, 2, 2, 2] as Pads }, // odd batch
      { N: 5, C: 32, H: 8, W: 8, M: 48, k: [1, 1] as Pair }, // 1×1, whole images per thread
      { N: 7, C: 96, H: 2, W: 2, M: 128, k: [1, 1] as Pair }, // 1×1 plane smaller than the batch: images as rows
      { N: 9, C: 64, H: 1, W: 1, M: 512, k: [1, 1] as Pair }, // one pixel: the 9 images split 4 + 5
      // depthwise batches: whole images per thread
      { N: 5, C: 24, H: 20, W: 20, M: 24, k: [3, 3] as Pair, group: 24, pads: [1, 1, 1, 1] as Pads },
      { N: 2, C: 64, H: 31, W: 29, M: 64, k: [3, 3] as Pair, group: 64, strides: [2, 2] as Pair, pads: [1, 0, 1, 2] as Pads },
    ];
    let seed = 2500;
    for (const s of shapes) {
      for (const output of ['u8', 's8', 'f32', 'i32'] as const) {
        shares = [];
        chunked = [];
        const c = randomConvCase(seed++, s, { output });
        const { got } = runConvCase(two, c);
        expect(shares, JSON.stringify(s)).toEqual([]);
        expect(chunked.length, JSON.stringify(s)).toBe(1);
        expect(chunked[0], JSON.stringify(s)).toBeGreaterThanOrEqual(2);
        expect(firstMismatch(got, runConvCase(one, c).got)).toBe(-1);
        expect(firstMismatch(got, referenceQConv(c))).toBe(-1);
      }
    }
  });

  it('small problems stay on the calling thread', () => {
    shares = [];
    const c = randomGemmCase(5, { M: 2, K: 16, N: 16 });
    expect(firstMismatch(runGemmCase(two, c), referenceGemmCase(c))).toBe(-1);
    expect(shares).toEqual([]);
  });

  it('rejects unknown symbols and too many shares', () => {
    expect(() => two.pool!.run('no_such_kernel', [[]])).toThrow(/not registered/);
    expect(() => two.pool!.run('octet_heap_base', [[], [], []])).toThrow(/3 shares for 2 threads/);
  });
});

afterAll(async () => {
  await one?.dispose();
  await two?.dispose();
});
