// Template of the small-M path (GEMV): one row at a time against int8 weights packed as
// k-pairs × 8 columns (qs8-gemm-pack-w.ts, kc = 2, esize = 1), sign-extended in the kernel with
// v128.load8x8_s. Keeping B at one byte per weight halves the memory traffic that bounds GEMV once
// the weights leave cache. A is packed c2 with mr = 1.
import { storeRow8 } from '../common/epilogue';

@inline
export function gemv1x8c2<T>(
  m0: i32, m1: i32, n0: i32, n1: i32, K: i32,
  a: usize, rowTerm: usize, b: usize, colsum: usize, zb: usize,
  out: usize, ldo: i32, cso: i32, params: usize,
): void {
  const K2 = (K + 1) >> 1;
  const aRow = <usize>K2 * 4;
  const bPanel = <usize>K2 * 16;
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
      // two k-pairs per step into two accumulator sets: shorter dependency chains
      for (; ap + 8 <= end; ap += 8) {
        const x = v128.load32_splat(ap);
        const y = v128.load32_splat(ap, 4);
        c0 = i32x4.add(c0, i32x4.dot_i16x8_s(x, v128.load8x8_s(bp)));
        c1 = i32x4.add(c1, i32x4.dot_i16x8_s(x, v128.load8x8_s(bp, 8)));
        d0 = i32x4.add(d0, i32x4.dot_i16x8_s(y, v128.load8x8_s(bp, 16)));
        d1 = i32x4.add(d1, i32x4.dot_i16x8_s(y, v128.load8x8_s(bp, 24)));
        bp += 32;
      }
      if (ap < end) {
        const x = v128.load32_splat(ap);
        c0 = i32x4.add(c0, i32x4.dot_i16x8_s(x, v128.load8x8_s(bp)));
        c1 = i32x4.add(c1, i32x4.dot_i16x8_s(x, v128.load8x8_s(bp, 8)));
      }
      const o = out + (<usize>m * <usize>ldo + <usize>n * <usize>cso) * es;
      storeRow8<T>(o, cso, min(8, n1 - n), i32x4.add(c0, d0), i32x4.add(c1, d1), n, rt, colsum, zb, params);
    }
  }
}
