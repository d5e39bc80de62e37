// y[i] = table[x[i]] for n bytes: the 8-bit lookup-table ops (QLinearSigmoid, QLinearLeakyRelu and
// fused DQ → float chain → Q tables). Int8 data index by its bit pattern.
//
// Byte loads and byte stores, 16 per step: the table address then folds into each load and every
// byte costs three memory operations, where packing four bytes into a u32 cost three more ALU ops
// per byte (shift, mask, shift-or) — 1.6–1.9× in V8. i8x16.swizzle over the 16 slices of a
// 256-entry table (16 swizzles, xors and ors per 16 bytes) measured 1.5–2× slower than this.
export function x8_lut__scalar(x: usize, y: usize, n: i32, table: usize): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const xp = x + <usize>i;
    const yp = y + <usize>i;
    store<u8>(yp, load<u8>(table + <usize>load<u8>(xp, 0)), 0);
    store<u8>(yp, load<u8>(table + <usize>load<u8>(xp, 1)), 1);
    store<u8>(yp, load<u8>(table + <usize>load<u8>(xp, 2)), 2);
    store<u8>(yp, load<u8>(table + <usize>load<u8>(xp, 3)), 3);
    store<u8>(yp, load<u8>(table + <usize>load<u8>(xp, 4)), 4);
    store<u8>(yp, load<u8>(table + <usize>load<u8>(xp, 5)), 5);
    store<u8>(yp, load<u8>(table + <usize>load<u8>(xp, 6)), 6);
    store<u8>(yp, load<u8>(table + <usize>load<u8>(xp, 7)), 7);
    store<u8>(yp, load<u8>(table + <usize>load<u8>(xp, 8)), 8);
    store<u8>(yp, load<u8>(table + <usize>load<u8>(xp, 9)), 9);
    store<u8>(yp, load<u8>(table + <usize>load<u8>(xp, 10)), 10);
    store<u8>(yp, load<u8>(table + <usize>load<u8>(xp, 11)), 11);
    store<u8>(yp, load<u8>(table + <usize>load<u8>(xp, 12)), 12);
    store<u8>(yp, load<u8>(table + <usize>load<u8>(xp, 13)), 13);
    store<u8>(yp, load<u8>(table + <usize>load<u8>(xp, 14)), 14);
    store<u8>(yp, load<u8>(table + <usize>load<u8>(xp, 15)), 15);
  }
  for (; i < n; i++) store<u8>(y + <usize>i, load<u8>(table + <usize>load<u8>(x + <usize>i)));
}

/** Columns per block of the per-column pass: 128 × 256 B = 32 KiB of tables stay in L1 for all rows. */
const LUT_COLUMN_BLOCK: i32 = 128;

// y[r, n] = tables[n·256 + x[r, n]] over rows × N bytes: an op of x and a constant [N] operand (a
// per-column bias added to a QLinearMatMul's output) with one 256-entry table per column. Walked by
// column blocks (all rows of one block, then the next): row by row, N = 1536 columns touch 384 KiB
// of tables per row and every lookup goes to L2. 128 columns measured best of 64–256 (1.2× over row
// by row at N = 1536; with the byte loads below 1.7× over the former packed row-by-row loop).
export function x8_lut_columns__scalar(x: usize, y: usize, rows: i32, N: i32, tables: usize): void {
  for (let n0 = 0; n0 < N; n0 += LUT_COLUMN_BLOCK) {
    const n1 = min(N, n0 + LUT_COLUMN_BLOCK);
    for (let r = 0; r < rows; r++) {
      const xr = x + <usize>r * <usize>N;
      const yr = y + <usize>r * <usize>N;
      let n = n0;
      for (; n + 16 <= n1; n += 16) {
        const xp = xr + <usize>n;
        const yp = yr + <usize>n;
        const t = tables + ((<usize>n) << 8);
        store<u8>(yp, load<u8>(t + <usize>load<u8>(xp, 0), 0), 0);
        store<u8>(yp, load<u8>(t + <usize>load<u8>(xp, 1), 256), 1);
        store<u8>(yp, load<u8>(t + <usize>load<u8>(xp, 2), 512), 2);
        store<u8>(yp, load<u8>(t + <usize>load<u8>(xp, 3), 768), 3);
        store<u8>(yp, load<u8>(t + <usize>load<u8>(xp, 4), 1024), 4);
        store<u8>(yp, load<u8>(t + <usize>load<u8>(xp, 5), 1280), 5);
        store<u8>(yp, load<u8>(t + <usize>load<u8>(xp, 6), 1536), 6);
        store<u8>(yp, load<u8>(t + <usize>load<u8>(xp, 7), 1792), 7);
        store<u8>(yp, load<u8>(t + <usize>load<u8>(xp, 8), 2048), 8);
        store<u8>(yp, load<u8>(t + <usize>load<u8>(xp, 9), 2304), 9);
        store<u8>(yp, load<u8>(t + <usize>load<u8>(xp, 10), 2560), 10);
        store<u8>(yp, load<u8>(t + <usize>load<u8>(xp, 11), 2816), 11);
        store<u8>(yp, load<u8>(t + <usize>load<u8>(xp, 12), 3072), 12);
        store<u8>(yp, load<u8>(t + <usize>load<u8>(xp, 13), 3328), 13);
        store<u8>(yp, load<u8>(t + <usize>load<u8>(xp, 14), 3584), 14);
        store<u8>(yp, load<u8>(t + <usize>load<u8>(xp, 15), 3840), 15);
      }
      for (; n < n1; n++) store<u8>(yr + <usize>n, load<u8>(tables + ((<usize>n) << 8) + <usize>load<u8>(xr + <usize>n)));
    }
  }
}

// y[r, n] = tables[n·256 + x[r]] over rows × N bytes: the per-column tables applied to an X whose
// last axis is 1 (broadcast against the N columns). One byte per row selects the same entry of every
// column's table, so a row reads tables at a stride of 256; walked by column blocks like the
// per-column pass, so a block's tables (32 KiB) stay in L1 for all rows.
export function x8_lut_broadcast__scalar(x: usize, y: usize, rows: i32, N: i32, tables: usize): void {
  for (let n0 = 0; n0 < N; n0 += LUT_COLUMN_BLOCK) {
    const n1 = min(N, n0 + LUT_COLUMN_BLOCK);
    for (let r = 0; r < rows; r++) {
      const b = <usize>load<u8>(x + <usize>r);
      const yr = y + <usize>r * <usize>N;
      let n = n0;
      for (; n + 16 <= n1; n += 16) {
        const yp = yr + <usize>n;
        const t = tables + ((<usize>n) << 8) + b;
        store<u8>(yp, load<u8>(t, 0), 0);
        store<u8>(yp, load<u8>(t, 256), 1);
        store<u8>(yp, load<u8>(t, 512), 2);
        store<u8>(yp, load<u8>(t, 768), 3);
        store<u8>(yp, load<u8>(t, 1024), 4);
        store<u8>(yp, load<u8>(t, 1280), 5);
        store<u8>(yp, load<u8>(t, 1536), 6);
        store<u8>(yp, load<u8>(t, 1792), 7);
        store<u8>(yp, load<u8>(t, 2048), 8);
        store<u8>(yp, load<u8>(t, 2304), 9);
        store<u8>(yp, load<u8>(t, 2560), 10);
        store<u8>(yp, load<u8>(t, 2816), 11);
        store<u8>(yp, load<u8>(t, 3072), 12);
        store<u8>(yp, load<u8>(t, 3328), 13);
        store<u8>(yp, load<u8>(t, 3584), 14);
        store<u8>(yp, load<u8>(t, 3840), 15);
      }
      for (; n < n1; n++) store<u8>(yr + <usize>n, load<u8>(tables + ((<usize>n) << 8) + b));
    }
  }
}
