// Template of the relaxed-SIMD small-M path: one row at a time on i32x4.relaxed_dot_i8x16_i7x16_add_s
// (vpdpbusd), weights in the relaxed GEMM's packing (i8 k-quads × 8 columns, kc = 4, esize = 1) so
// one packing serves both. vpdpbusd has a multi-cycle latency: four k-quads per step into four
// accumulator pairs keep enough independent chains in flight. A packed c4 with mr = 1.
import { storeRow8 } from '../common/epilogue';

@inline
export function gemv1x8c4<T>(
  m0: i32, m1: i32, n0: i32, n1: i32, K: i32,
  a: usize, rowTerm: usize, b: usize, colsum: usize, zb: usize,
  out: usize, ldo: i32, cso: i32, params: usize,
): void {
  const K4 = (K + 3) >> 2;
  const aRow = <usize>K4 * 4;
  const bPanel = <usize>K4 * 32;
  const es = <usize>sizeof<T>();
  for (let m = m0; m < m1; m++) {
    const a0 = a + <usize>m * aRow;
    const rt = load<i32>(rowTerm + ((<usize>m) << 2));
    for (let n = n0; n < n1; n += 8) {
      let bp = b + <usize>(n >> 3) * bPanel;
      let ap = a0;
      const end = a0 + aRow;
      let c0 = i32x4.splat(0), c1 = i32x4.splat(0);
      let d0 = i32x4.splat(0), d1 = i32x4.splat(0);
      let e0 = i32x4.splat(0), e1 = i32x4.splat(0);
      let f0 = i32x4.splat(0), f1 = i32x4.splat(0);
      for (; ap + 16 <= end; ap += 16) {
        let x = v128.load32_splat(ap);
        c0 = i32x4.relaxed_dot_i8x16_i7x16_add_s(v128.load(bp), x, c0);
        c1 = i32x4.relaxed_dot_i8x16_i7x16_add_s(v128.load(bp, 16), x, c1);
        x = v128.load32_splat(ap, 4);
        d0 = i32x4.relaxed_dot_i8x16_i7x16_add_s(v128.load(bp, 32), x, d0);
        d1 = i32x4.relaxed_dot_i8x16_i7x16_add_s(v128.load(bp, 48), x, d1);
        x = v128.load32_splat(ap, 8);
        e0 = i32x4.relaxed_dot_i8x16_i7x16_add_s(v128.load(bp, 64), x, e0);
        e1 = i32x4.relaxed_dot_i8x16_i7x16_add_s(v128.load(bp, 80), x, e1);
        x = v128.load32_splat(ap, 12);
        f0 = i32x4.relaxed_dot_i8x16_i7x16_add_s(v128.load(bp, 96), x, f0);
        f1 = i32x4.relaxed_dot_i8x16_i7x16_add_s(v128.load(bp, 112), x, f1);
        bp += 128;
      }
      for (; ap < end; ap += 4) {
        const x = v128.load32_splat(ap);
        c0 = i32x4.relaxed_dot_i8x16_i7x16_add_s(v128.load(bp), x, c0);
        c1 = i32x4.relaxed_dot_i8x16_i7x16_add_s(v128.load(bp, 16), x, c1);
        bp += 32;
      }
      c0 = i32x4.add(i32x4.add(c0, d0), i32x4.add(e0, f0));
      c1 = i32x4.add(i32x4.add(c1, d1), i32x4.add(e1, f1));
      const o = out + (<usize>m * <usize>ldo + <usize>n * <usize>cso) * es;
      storeRow8<T>(o, cso, min(8, n1 - n), c0, c1, n, rt, colsum, zb, params);
    }
  }
}
