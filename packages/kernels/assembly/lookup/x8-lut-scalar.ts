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
