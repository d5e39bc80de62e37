// y[i] = table[x[i]] for n bytes: the 8-bit lookup-table ops (QLinearSigmoid, QLinearLeakyRelu and
// fused DQ → float chain → Q tables). Four bytes per step; int8 data index by its bit pattern.
export function x8_lut__scalar(x: usize, y: usize, n: i32, table: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const w = load<u32>(x + <usize>i);
    const b0 = <u32>load<u8>(table + <usize>(w & 0xff));
    const b1 = <u32>load<u8>(table + <usize>((w >> 8) & 0xff));
    const b2 = <u32>load<u8>(table + <usize>((w >> 16) & 0xff));
    const b3 = <u32>load<u8>(table + <usize>(w >> 24));
    store<u32>(y + <usize>i, b0 | (b1 << 8) | (b2 << 16) | (b3 << 24));
  }
  for (; i < n; i++) store<u8>(y + <usize>i, load<u8>(table + <usize>load<u8>(x + <usize>i)));
}

// y[r, n] = tables[n·256 + x[r, n]] over rows × N bytes: an op of x and a constant [N] operand (a
// per-column bias added to a QLinearMatMul's output) with one 256-entry table per column.
export function x8_lut_columns__scalar(x: usize, y: usize, rows: i32, N: i32, tables: usize): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * <usize>N;
    const yr = y + <usize>r * <usize>N;
    let n = 0;
    for (; n + 4 <= N; n += 4) {
      const w = load<u32>(xr + <usize>n);
      const t = tables + ((<usize>n) << 8);
      const b0 = <u32>load<u8>(t + <usize>(w & 0xff));
      const b1 = <u32>load<u8>(t + 256 + <usize>((w >> 8) & 0xff));
      const b2 = <u32>load<u8>(t + 512 + <usize>((w >> 16) & 0xff));
      const b3 = <u32>load<u8>(t + 768 + <usize>(w >> 24));
      store<u32>(yr + <usize>n, b0 | (b1 << 8) | (b2 << 16) | (b3 << 24));
    }
    for (; n < N; n++) store<u8>(yr + <usize>n, load<u8>(tables + ((<usize>n) << 8) + <usize>load<u8>(xr + <usize>n)));
  }
}
