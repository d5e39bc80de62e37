// Byte table passes (QLinear lookups, QLinearAdd/Mul with a constant operand): y[i] = table[x[i]],
// or per column with one 256-byte table per column. Pointers into WASM memory; with the threads
// build's pool, large passes split by ranges / rows (each byte is looked up on its own).
import { kernelFn, PARALLEL_MIN_ELEMENTS, splitRange, type KernelHost } from './host.js';

/** A byte lookup is ~1 ns per element: below this many a pool round trip costs more than it saves. */
const PARALLEL_MIN_BYTES = Math.max(PARALLEL_MIN_ELEMENTS, 1 << 17);

/** y[i] = table[x[i] & 0xff] for i < n; table is 256 bytes. */
export function lutInto(k: KernelHost, x: number, y: number, n: number, table: number): void {
  const pool = k.pool;
  if (pool && pool.size > 1 && n >= PARALLEL_MIN_BYTES) {
    pool.run('x8_lut__scalar', splitRange(n, pool.size, 16).map(([i0, i1]) => [x + i0, y + i0, i1 - i0, table]));
    return;
  }
  kernelFn(k, 'x8_lut__scalar')(x, y, n, table);
}

/** y[r, j] = tables[j · 256 + x[r, j]] over [rows, N]; tables is N · 256 bytes. */
export function lutColumnsInto(k: KernelHost, x: number, y: number, rows: number, N: number, tables: number): void {
  const pool = k.pool;
  if (pool && pool.size > 1 && rows > 1 && rows * N >= PARALLEL_MIN_BYTES) {
    pool.run('x8_lut_columns__scalar', splitRange(rows, pool.size, 1).map(([r0, r1]) => [x + r0 * N, y + r0 * N, r1 - r0, N, tables]));
    return;
  }
  kernelFn(k, 'x8_lut_columns__scalar')(x, y, rows, N, tables);
}
