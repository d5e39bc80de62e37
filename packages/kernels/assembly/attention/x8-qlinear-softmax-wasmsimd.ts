// com.microsoft QLinearSoftmax over contiguous rows of D 8-bit values, with ONNX Runtime's CPU
// numerics: the row max aligned to the top of a 256-entry f32 table of exp values, the row sum
// accumulated sequentially in f32 (as ORT does, so results match bit for bit), then
// y = round_half_even(f32(f32(table[q]·yScale) / sum)) + zy, saturated to 255 (u8) / 127 (s8).
// `table` holds 256 f32 indexed by (adj + x) & 0xff, adj = 255 − max (u8) or 127 − max (s8).

export function x8_qlinear_softmax__wasmsimd(x: usize, y: usize, rows: i32, D: i32, table: usize, yScale: f32, zy: i32, signed: i32): void {
  const top = signed != 0 ? 127 : 255;
  const ys = f32x4.splat(yScale);
  const magic = f32x4.splat(12582912.0);
  const magicBits = i32x4.splat(0x4b400000 - zy);
  const hi = i32x4.splat(top);
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * <usize>D;
    const yr = y + <usize>r * <usize>D;
    // row max
    let d = 0;
    let vmax = signed != 0 ? i8x16.splat(-128) : i8x16.splat(0);
    for (; d + 16 <= D; d += 16) {
      const v = v128.load(xr + <usize>d);
      vmax = signed != 0 ? i8x16.max_s(vmax, v) : i8x16.max_u(vmax, v);
    }
    let xmax = signed != 0 ? <i32>i8x16.extract_lane_s(vmax, 0) : <i32>i8x16.extract_lane_u(vmax, 0);
    for (let l = 1; l < 16; l++) {
      // lanes 1..15 (constant lane indices: unrolled by a switch-free shuffle rotation)
      vmax = i8x16.shuffle(vmax, vmax, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0);
      const e = signed != 0 ? <i32>i8x16.extract_lane_s(vmax, 0) : <i32>i8x16.extract_lane_u(vmax, 0);
      if (e > xmax) xmax = e;
    }
    for (; d < D; d++) {
      const e = signed != 0 ? <i32>load<i8>(xr + <usize>d) : <i32>load<u8>(xr + <usize>d);
      if (e > xmax) xmax = e;
    }
    const adj = top - xmax;
    // sequential f32 sum (ORT's order)
    let sum: f32 = 0;
    for (d = 0; d < D; d++) sum += load<f32>(table + (<usize>((adj + <i32>load<u8>(xr + <usize>d)) & 0xff) << 2));
    if (sum == 0) continue;
    const vs = f32x4.splat(sum);
    d = 0;
    for (; d + 4 <= D; d += 4) {
      const t0 = load<f32>(table + (<usize>((adj + <i32>load<u8>(xr + <usize>d)) & 0xff) << 2));
      const t1 = load<f32>(table + (<usize>((adj + <i32>load<u8>(xr + <usize>d, 1)) & 0xff) << 2));
      const t2 = load<f32>(table + (<usize>((adj + <i32>load<u8>(xr + <usize>d, 2)) & 0xff) << 2));
      const t3 = load<f32>(table + (<usize>((adj + <i32>load<u8>(xr + <usize>d, 3)) & 0xff) << 2));
      let v = f32x4.replace_lane(f32x4.splat(t0), 1, t1);
      v = f32x4.replace_lane(v, 2, t2);
      v = f32x4.replace_lane(v, 3, t3);
      v = f32x4.div(f32x4.mul(v, ys), vs);
      // round half to even by the magic bias, + zy, saturate above
      let q = i32x4.sub(f32x4.add(v, magic), magicBits);
      q = i32x4.min_s(q, hi);
      const w = i16x8.narrow_i32x4_s(q, q);
      const b = signed != 0 ? i8x16.narrow_i16x8_s(w, w) : i8x16.narrow_i16x8_u(w, w);
      v128.store32_lane(yr + <usize>d, b, 0);
    }
    for (; d < D; d++) {
      const t = load<f32>(table + (<usize>((adj + <i32>load<u8>(xr + <usize>d)) & 0xff) << 2));
      let q = <i32>nearest<f32>((t * yScale) / sum) + zy;
      if (q > top) q = top;
      if (signed != 0) store<i8>(yr + <usize>d, <i8>q);
      else store<u8>(yr + <usize>d, <u8>q);
    }
  }
}
