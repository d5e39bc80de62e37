// Byte table passes (QLinear lookups, QLinearAdd/Mul with a constant operand): y[i] = table[x[i]],
// or per column with one 256-byte table per column. Pointers into WASM memory; with the threads
// build's pool, large passes split by ranges / rows (each byte is looked up on its own). `split`:
// the call site's cached thread split (a steady-state call then allocates nothing).
import { kernelFn, splitRange, type KernelHost } from './host.js';
import { elementwiseChunks, KeyedPlan, runPlan, type ChunkPlan } from '../threads/split.js';

/**
 * A byte lookup (~1 ns per byte, bound by one store per cycle) weighs as much as a memory-bound
 * pass moving this many bytes per element, for the threads policy (elementwiseChunks): passes of
 * 128 Ki bytes and more split.
 */
const LOOKUP_WEIGHT = 8;

/** y[i] = table[x[i] & 0xff] for i < n; table is 256 bytes. */
export function lutInto(k: KernelHost, x: number, y: number, n: number, table: number, split = new KeyedPlan<ChunkPlan>()): void {
  const chunks = elementwiseChunks(k.pool, n, 16, LOOKUP_WEIGHT);
  if (chunks > 1) {
    runPlan(k.pool!, split.begin().key(x).key(y).key(n).key(table).key(chunks).get() ?? split.set({
      symbol: 'x8_lut__scalar',
      chunks: splitRange(n, chunks, 16).map(([i0, i1]) => [x + i0, y + i0, i1 - i0, table]),
      options: {},
    }));
    return;
  }
  kernelFn(k, 'x8_lut__scalar')(x, y, n, table);
}

/** y[r, j] = tables[j · 256 + x[r, j]] over [rows, N]; tables is N · 256 bytes. */
export function lutColumnsInto(k: KernelHost, x: number, y: number, rows: number, N: number, tables: number, split = new KeyedPlan<ChunkPlan>()): void {
  rowsPass(k, 'x8_lut_columns__scalar', x, N, y, rows, N, tables, split);
}

/**
 * y[r, j] = tables[j · 256 + x[r]] over [rows, N]: the per-column tables applied to an X of `rows`
 * bytes whose last axis is 1 (broadcast against the N columns); tables is N · 256 bytes.
 */
export function lutBroadcastInto(k: KernelHost, x: number, y: number, rows: number, N: number, tables: number, split = new KeyedPlan<ChunkPlan>()): void {
  rowsPass(k, 'x8_lut_broadcast__scalar', x, 1, y, rows, N, tables, split);
}

/** A per-column pass over [rows, N] outputs, split across the pool by rows (X rows of `xRow` bytes). */
function rowsPass(k: KernelHost, symbol: string, x: number, xRow: number, y: number, rows: number, N: number, tables: number, split: KeyedPlan<ChunkPlan>): void {
  const chunks = Math.min(rows, elementwiseChunks(k.pool, rows * N, 1, LOOKUP_WEIGHT));
  if (chunks > 1) {
    runPlan(k.pool!, split.begin().key(x).key(y).key(rows).key(N).key(tables).key(chunks).get() ?? split.set({
      symbol,
      chunks: splitRange(rows, chunks, 1).map(([r0, r1]) => [x + r0 * xRow, y + r0 * N, r1 - r0, N, tables]),
      options: {},
    }));
    return;
  }
  kernelFn(k, symbol)(x, y, rows, N, tables);
}
