// Template of the baseline GEMM: a 4×8 tile on i32x4.dot_i16x8_s (one vpmaddwd, 8 MACs).
// A is packed c2 with mr = 4 (qu8-gemm-pack-a.ts), B packed as i16 k-pairs × 8 columns
// (qs8-gemm-pack-w.ts, kc = 2, esize = 2). V8 schedules every load of the loop body first, so all
// A broadcasts and B vectors are live at once: 8 accumulators + 2 B + 4 A = 14 v128 fit the 15
// allocatable xmm registers with no spill (the former 5×8 tile needed 17 and spilled three values
// per iteration; benchmarks/kernels/inner-loop.mjs measures both). In L1 every spill-free tile
// runs at the same speed: the dot+add pair is bound by the three SIMD ALU ports.
// Loop order: blocks of rows whose packed A fits in L2, then 8-column B panels (each stays in L1
// while the block's tiles pass over it), then row tiles. WebAssembly has no prefetch, so the row
// tiles of each panel also read one byte per cache line of the next panel: its first tile then
// finds it in cache instead of waiting on L3 (+2–5 % measured at M = 64…128). The epilogue's column
// terms are loaded once per panel (common/epilogue.ts storeRow8p: +3–5 % at K = 384, +15 % at K = 64).
// W is the packed weight element: i16 (B pre-widened, kc = 2, esize = 2: the GEMM for M > 12) or
// i8 (the GEMV packing, sign-extended in the loop by v128.load8x8_s: two more shuffle-port
// operations per k-pair, but half the weight bytes). With few rows each weight panel serves one to
// three row tiles and, in a model, streams from L3, so the i8 form wins up to M = 12: weights evicted
// from L2 before each run, +15–21 % at M = 4, +5 % at M = 8…12; −3 % when they stay in L2.
// Weights whose i16 packing exceeds 2 MiB keep the i8 form up to M = 24 (src/configs/gemm-config.ts);
// from 16 row tiles per panel on (64×1024×1024) the i16 form wins even then (−6 % for i8).
// The per-epilogue kernel files instantiate this with their output type.
import { storeRow8p, colTerm4, biasF32x4, requantLo, requantHi, requantBits } from '../common/epilogue';
import { P_SCALE } from '../common/gemm-params';
import { touchLines } from '../common/memory';

const A_BLOCK_BYTES: usize = 192 * 1024;

@inline
export function gemm4x8c2<T, W>(
  m0: i32, m1: i32, n0: i32, n1: i32, K: i32,
  a: usize, rowTerm: usize, b: usize, colsum: usize, zb: usize,
  out: usize, ldo: i32, cso: i32, params: usize,
): void {
  const K2 = (K + 1) >> 1;
  const aTile = <usize>K2 * 16;
  const bPanel = <usize>K2 * 16 * sizeof<W>();
  const es = <usize>sizeof<T>();
  // M blocks sized so the block's packed A stays in L2 while the 8-column panels stream past it
  const mc = max(1, <i32>(A_BLOCK_BYTES / aTile)) * 4;
  const lo = requantLo(params), hi = requantHi(params), bits = requantBits(params);
  const scale = load<usize>(params, P_SCALE);
  for (let mb = m0; mb < m1; mb += mc) {
    const mbEnd = min(m1, mb + mc);
    for (let n = n0; n < n1; n += 8) {
      const bp0 = b + <usize>(n >> 3) * bPanel;
      const valid = min(8, n1 - n);
      // column terms of the epilogue, once per panel
      const off = (<usize>n) << 2;
      const ct0 = colTerm4(n, colsum, params), ct1 = colTerm4(n + 4, colsum, params);
      const zb0 = v128.load(zb + off), zb1 = v128.load(zb + off, 16);
      const zbAny = v128.any_true(v128.or(zb0, zb1));
      const sc0 = v128.load(scale + off), sc1 = v128.load(scale + off, 16);
      const bf0 = biasF32x4(n, params), bf1 = biasF32x4(n + 4, params);
      // touch the next panel (inside [n0, n1) only) one cache line at a time, spread over the tiles
      let touch = bp0 + bPanel;
      const touchEnd = n + 8 < n1 ? touch + bPanel : touch;
      const perTile = ((bPanel / <usize>((mbEnd - mb + 3) >> 2)) + 63) & ~(<usize>63);
      for (let m = mb; m < mbEnd; m += 4) {
        touch = touchLines(touch, min(touchEnd, touch + perTile));
        let ap = a + <usize>(m >> 2) * aTile;
        let bp = bp0;
        let c00 = i32x4.splat(0), c01 = i32x4.splat(0);
        let c10 = i32x4.splat(0), c11 = i32x4.splat(0);
        let c20 = i32x4.splat(0), c21 = i32x4.splat(0);
        let c30 = i32x4.splat(0), c31 = i32x4.splat(0);
        const end = ap + aTile;
        while (ap < end) {
          const b0 = sizeof<W>() == 1 ? v128.load8x8_s(bp) : v128.load(bp);
          const b1 = sizeof<W>() == 1 ? v128.load8x8_s(bp, 8) : v128.load(bp, 16);
          let x = v128.load32_splat(ap);
          c00 = i32x4.add(c00, i32x4.dot_i16x8_s(x, b0));
          c01 = i32x4.add(c01, i32x4.dot_i16x8_s(x, b1));
          x = v128.load32_splat(ap, 4);
          c10 = i32x4.add(c10, i32x4.dot_i16x8_s(x, b0));
          c11 = i32x4.add(c11, i32x4.dot_i16x8_s(x, b1));
          x = v128.load32_splat(ap, 8);
          c20 = i32x4.add(c20, i32x4.dot_i16x8_s(x, b0));
          c21 = i32x4.add(c21, i32x4.dot_i16x8_s(x, b1));
          x = v128.load32_splat(ap, 12);
          c30 = i32x4.add(c30, i32x4.dot_i16x8_s(x, b0));
          c31 = i32x4.add(c31, i32x4.dot_i16x8_s(x, b1));
          ap += 16;
          bp += 16 * sizeof<W>();
        }
        const rt = rowTerm + ((<usize>m) << 2);
        const o = out + (<usize>m * <usize>ldo + <usize>n * <usize>cso) * es;
        const ro = <usize>ldo * es;
        storeRow8p<T>(o, cso, valid, c00, c01, load<i32>(rt), ct0, ct1, zb0, zb1, zbAny, sc0, sc1, bf0, bf1, lo, hi, bits);
        if (m + 1 < m1) storeRow8p<T>(o + ro, cso, valid, c10, c11, load<i32>(rt, 4), ct0, ct1, zb0, zb1, zbAny, sc0, sc1, bf0, bf1, lo, hi, bits);
        if (m + 2 < m1) storeRow8p<T>(o + 2 * ro, cso, valid, c20, c21, load<i32>(rt, 8), ct0, ct1, zb0, zb1, zbAny, sc0, sc1, bf0, bf1, lo, hi, bits);
        if (m + 3 < m1) storeRow8p<T>(o + 3 * ro, cso, valid, c30, c31, load<i32>(rt, 12), ct0, ct1, zb0, zb1, zbAny, sc0, sc1, bf0, bf1, lo, hi, bits);
      }
    }
  }
}
