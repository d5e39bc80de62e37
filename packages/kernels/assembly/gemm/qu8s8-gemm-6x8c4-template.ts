// Template of the relaxed-SIMD GEMM: a 6×8 tile on i32x4.relaxed_dot_i8x16_i7x16_add_s, which
// Chromium lowers to vpdpbusd (VNNI): 16 MACs and the accumulation in one instruction. The first
// operand is the signed weights, the second the unsigned activations — only valid where the
// numeric probe (src/engine/relaxed-probe.ts) confirmed unsigned treatment of the second operand.
// A packed c4 with mr = 6, B packed as i8 k-quads × 8 columns (kc = 4, esize = 1). Blocking and
// the next-panel touch as in the 4×8c2 template (0 to +5 % in Chromium, within its noise). The
// epilogue loads its column terms per row here: hoisting them per panel as the 4×8c2 template does
// made Chromium's code 8–9 % slower (12 accumulators leave no registers for the hoisted values).
import { storeRow8 } from '../common/epilogue';
import { touchLines } from '../common/memory';

const A_BLOCK_BYTES: usize = 192 * 1024;

@inline
export function gemm6x8c4<T>(
  m0: i32, m1: i32, n0: i32, n1: i32, K: i32,
  a: usize, rowTerm: usize, b: usize, colsum: usize, zb: usize,
  out: usize, ldo: i32, cso: i32, params: usize,
): void {
  const K4 = (K + 3) >> 2;
  const aTile = <usize>K4 * 24;
  const bPanel = <usize>K4 * 32;
  const es = <usize>sizeof<T>();
  // M blocks sized so the block's packed A stays in L2 while the 8-column panels stream past it
  const mc = max(1, <i32>(A_BLOCK_BYTES / aTile)) * 6;
  for (let mb = m0; mb < m1; mb += mc) {
    const mbEnd = min(m1, mb + mc);
    for (let n = n0; n < n1; n += 8) {
      const bp0 = b + <usize>(n >> 3) * bPanel;
      const valid = min(8, n1 - n);
      // touch the next panel (inside [n0, n1) only) one cache line at a time, spread over the tiles
      let touch = bp0 + bPanel;
      const touchEnd = n + 8 < n1 ? touch + bPanel : touch;
      const perTile = ((bPanel / <usize>((mbEnd - mb + 5) / 6)) + 63) & ~(<usize>63);
      for (let m = mb; m < mbEnd; m += 6) {
        touch = touchLines(touch, min(touchEnd, touch + perTile));
        let ap = a + <usize>(m / 6) * aTile;
        let bp = bp0;
        let c00 = i32x4.splat(0), c01 = i32x4.splat(0);
        let c10 = i32x4.splat(0), c11 = i32x4.splat(0);
        let c20 = i32x4.splat(0), c21 = i32x4.splat(0);
        let c30 = i32x4.splat(0), c31 = i32x4.splat(0);
        let c40 = i32x4.splat(0), c41 = i32x4.splat(0);
        let c50 = i32x4.splat(0), c51 = i32x4.splat(0);
        const end = ap + aTile;
        while (ap < end) {
          const b0 = v128.load(bp);
          const b1 = v128.load(bp, 16);
          let x = v128.load32_splat(ap);
          c00 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x, c00);
          c01 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x, c01);
          x = v128.load32_splat(ap, 4);
          c10 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x, c10);
          c11 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x, c11);
          x = v128.load32_splat(ap, 8);
          c20 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x, c20);
          c21 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x, c21);
          x = v128.load32_splat(ap, 12);
          c30 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x, c30);
          c31 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x, c31);
          x = v128.load32_splat(ap, 16);
          c40 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x, c40);
          c41 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x, c41);
          x = v128.load32_splat(ap, 20);
          c50 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, x, c50);
          c51 = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, x, c51);
          ap += 24;
          bp += 32;
        }
        const rt = rowTerm + ((<usize>m) << 2);
        const o = out + (<usize>m * <usize>ldo + <usize>n * <usize>cso) * es;
        const ro = <usize>ldo * es;
        storeRow8<T>(o, cso, valid, c00, c01, n, load<i32>(rt), colsum, zb, params);
        if (m + 1 < m1) storeRow8<T>(o + ro, cso, valid, c10, c11, n, load<i32>(rt, 4), colsum, zb, params);
        if (m + 2 < m1) storeRow8<T>(o + 2 * ro, cso, valid, c20, c21, n, load<i32>(rt, 8), colsum, zb, params);
        if (m + 3 < m1) storeRow8<T>(o + 3 * ro, cso, valid, c30, c31, n, load<i32>(rt, 12), colsum, zb, params);
        if (m + 4 < m1) storeRow8<T>(o + 4 * ro, cso, valid, c40, c41, n, load<i32>(rt, 16), colsum, zb, params);
        if (m + 5 < m1) storeRow8<T>(o + 5 * ro, cso, valid, c50, c51, n, load<i32>(rt, 20), colsum, zb, params);
      }
    }
  }
}

/** Numeric probe of the relaxed dot: out[i] = relaxed_dot_add(a[i], b[i], c[i]) for n vectors. */
export function relaxed_dot_probe(a: usize, b: usize, c: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = (<usize>i) << 4;
    v128.store(out + o, i32x4.relaxed_dot_i8x16_i7x16_add_s(v128.load(a + o), v128.load(b + o), v128.load(c + o)));
  }
}
