// Byte table passes against the plain references, on shapes around the kernels' 16-byte steps and
// 128-column blocks, one thread and two (that the pool gets two shares is checked in
// f32/f32-threads.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernels } from '../kernels.js';
import { loadKernels } from '../load-kernels.js';
import { referenceLut, referenceLutBroadcast, referenceLutColumns } from '../reference/lookup.js';
import { rng } from '../reference/random.js';
import { lutBroadcastInto, lutColumnsInto, lutInto } from './lookup.js';

let one: Kernels;
let two: Kernels;
beforeAll(async () => {
  one = await loadKernels({ variant: 'simd' });
  two = await loadKernels({ threads: 2 });
});
afterAll(async () => {
  await one?.dispose();
  await two?.dispose();
});

const bytes = (seed: number, n: number) => {
  const r = rng(seed);
  return Uint8Array.from({ length: n }, () => r.int(0, 255));
};

/** Runs body on copies of x and tables in k's memory; returns y (`n` bytes: x.length unless broadcast). */
function inWasm(k: Kernels, x: Uint8Array, tables: Uint8Array, body: (x: number, y: number, tables: number) => void, n = x.length): Uint8Array {
  const mark = k.heap.mark();
  try {
    const xp = k.heap.put(x);
    const tp = k.heap.put(tables);
    const yp = k.heap.alloc(n + 16);
    // a guard past y: no kernel writes beyond its rows × N bytes
    k.heap.u8.fill(0xa5, yp, yp + n + 16);
    body(xp, yp, tp);
    expect(Array.from(k.heap.u8.subarray(yp + n, yp + n + 16))).toEqual(new Array(16).fill(0xa5));
    return k.heap.u8.slice(yp, yp + n);
  } finally {
    k.heap.release(mark);
  }
}

const firstMismatch = (got: Uint8Array, want: Uint8Array) => (got.length !== want.length ? -2 : got.findIndex((v, i) => v !== want[i]));

describe('byte table passes', () => {
  // N below one block, not a multiple of the block or of the 16-byte step, exactly one and two
  // blocks, MiniLM's 384 and 1536; rows = 1 and several
  const columnShapes: [rows: number, N: number][] = [
    [1, 1], [3, 1], [1, 15], [2, 16], [5, 37], [1, 127], [4, 128], [3, 129], [1, 300], [7, 256], [2, 383], [6, 384], [1, 1536], [5, 1536], [3, 1541],
  ];
  for (const [rows, N] of columnShapes) {
    it(`per-column tables, ${rows} × ${N}`, () => {
      const x = bytes(rows * 7919 + N, rows * N);
      const tables = bytes(N + 17, N * 256);
      const want = referenceLutColumns(x, N, tables);
      expect(firstMismatch(inWasm(one, x, tables, (xp, yp, tp) => lutColumnsInto(one, xp, yp, rows, N, tp)), want)).toBe(-1);
    });
  }

  for (const [rows, N] of columnShapes) {
    it(`per-column tables broadcast over an X with last axis 1, ${rows} × ${N}`, () => {
      const x = bytes(rows * 31 + N, rows);
      const tables = bytes(N + 19, N * 256);
      const want = referenceLutBroadcast(x, N, tables);
      expect(firstMismatch(inWasm(one, x, tables, (xp, yp, tp) => lutBroadcastInto(one, xp, yp, rows, N, tp), rows * N), want)).toBe(-1);
    });
  }

  it('one table for the whole tensor, lengths around the 16-byte step', () => {
    const table = bytes(3, 256);
    for (const n of [0, 1, 15, 16, 17, 31, 1003, 4096]) {
      const x = bytes(n + 1, n);
      expect(firstMismatch(inWasm(one, x, table, (xp, yp, tp) => lutInto(one, xp, yp, n, tp)), referenceLut(x, table))).toBe(-1);
    }
  });

  it('on two threads (rows for the per-column pass, ranges for the whole-tensor one) the bytes are the same', () => {
    expect(two.pool?.size).toBe(2);
    // 97 × 1400 ≥ the parallel threshold; 1400 = 10 blocks + 120 columns
    const [rows, N] = [97, 1400];
    const x = bytes(11, rows * N);
    const tables = bytes(12, N * 256);
    const cols = inWasm(two, x, tables, (xp, yp, tp) => lutColumnsInto(two, xp, yp, rows, N, tp));
    expect(firstMismatch(cols, referenceLutColumns(x, N, tables))).toBe(-1);
    const table = tables.subarray(0, 256);
    const whole = inWasm(two, x, table, (xp, yp, tp) => lutInto(two, xp, yp, x.length, tp));
    expect(firstMismatch(whole, referenceLut(x, table))).toBe(-1);
    // the broadcast pass by rows: the pool gets several chunks
    const pool = two.pool!;
    const runChunks = pool.runChunks!.bind(pool);
    const sizes: number[] = [];
    pool.runChunks = (symbol, chunks, options) => {
      if (symbol === 'x8_lut_broadcast__scalar') sizes.push(chunks.length);
      runChunks(symbol, chunks, options);
    };
    try {
      const xb = x.subarray(0, rows);
      const bc = inWasm(two, xb, tables, (xp, yp, tp) => lutBroadcastInto(two, xp, yp, rows, N, tp), rows * N);
      expect(firstMismatch(bc, referenceLutBroadcast(xb, N, tables))).toBe(-1);
      expect(sizes.length === 1 && sizes[0] >= 2).toBe(true);
    } finally {
      pool.runChunks = runChunks;
    }
  });
});
