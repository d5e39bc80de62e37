// Template of the few-rows path (M = 2…3): three rows share every weight load, int8 weights in the
// GEMV packing (k-pairs × 8 columns, kc = 2, esize = 1) sign-extended in the kernel. A packed c2
// with mr = 3 (a missing third row is zero and its stores are skipped).
import { storeRow8 } from '../common/epilogue';

@inline
export function gemv3x8c2<T>(
  m0: i32, m1: i32, n0: i32, n1: i32, K: i32,
  a: usize, rowTerm: usize, b: usize, colsum: usize, zb: usize,
  out: usize, ldo: i32, cso: i32, params: usize,
): void {
  const K2 = (K + 1) >> 1;
  const aTile = <usize>K2 * 12;
  const bPanel = <usize>K2 * 16;
  const es = <usize>sizeof<T>();
  for (let m = m0; m < m1; m += 3) {
    const a0 = a + <usize>(m / 3) * aTile;
    const rt = rowTerm + ((<usize>m) << 2);
    for (let n = n0; n < n1; n += 8) {
      let bp = b + <usize>(n >> 3) * bPanel;
      let ap = a0;
      const end = a0 + aTile;
      let c00 = i32x4.splat(0), c01 = i32x4.splat(0);
      let c10 = i32x4.splat(0), c11 = i32x4.splat(0);
      let c20 = i32x4.splat(0), c21 = i32x4.splat(0);
      while (ap < end) {
        const b0 = v128.load8x8_s(bp);
        const b1 = v128.load8x8_s(bp, 8);
        let x = v128.load32_splat(ap);
        c00 = i32x4.add(c00, i32x4.dot_i16x8_s(x, b0));
        c01 = i32x4.add(c01, i32x4.dot_i16x8_s(x, b1));
        x = v128.load32_splat(ap, 4);
        c10 = i32x4.add(c10, i32x4.dot_i16x8_s(x, b0));
        c11 = i32x4.add(c11, i32x4.dot_i16x8_s(x, b1));
        x = v128.load32_splat(ap, 8);
        c20 = i32x4.add(c20, i32x4.dot_i16x8_s(x, b0));
        c21 = i32x4.add(c21, i32x4.dot_i16x8_s(x, b1));
        ap += 12;
        bp += 16;
      }
      const valid = min(8, n1 - n);
      const o = out + (<usize>m * <usize>ldo + <usize>n * <usize>cso) * es;
      const ro = <usize>ldo * es;
      storeRow8<T>(o, cso, valid, c00, c01, n, load<i32>(rt), colsum, zb, params);
      if (m + 1 < m1) storeRow8<T>(o + ro, cso, valid, c10, c11, n, load<i32>(rt, 4), colsum, zb, params);
      if (m + 2 < m1) storeRow8<T>(o + 2 * ro, cso, valid, c20, c21, n, load<i32>(rt, 8), colsum, zb, params);
    }
  }
}
