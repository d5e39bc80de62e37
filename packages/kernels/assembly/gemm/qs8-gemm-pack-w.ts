// Packs weights B [K, N] (s8, or u8 turned into s8 by XOR 0x80) once, into blocks of 8 columns:
//   block nb, k-group g (kc = 2 or 4 consecutive k), column j, i < kc →
//   dst[((nb·Kg + g)·8 + j)·kc + i], Kg = ceil(K/kc); element size esize = 2 (i16, dot16x2 GEMM)
//   or 1 (i8: the small-M GEMV and the relaxed dot8x4 kernels). Padding (k ≥ K, n ≥ N) is zero.
// Also writes colsum[n] = Σ_k B'[k, n] over the N rounded up to 8 (padding columns get 0).
// Source element (k, n) is at src + k·rs + n·cs.
// Row-major sources (cs = 1, the MatMul weight layout) pack whole 8-column blocks with shuffles
// (~8× faster than the element loop: model load time); other strides and the last partial block
// take the element loop.
export function qs8_gemm_pack_w(
  src: usize, K: i32, N: i32, rs: i32, cs: i32, xorMask: i32, kc: i32, esize: i32, dst: usize, colsum: usize,
): void {
  const Np = (N + 7) & ~7;
  const Kg = (K + kc - 1) / kc;
  const fast = cs == 1 && (kc == 2 || (kc == 4 && esize == 1)) ? N >> 3 : 0;
  const blockBytes = <usize>Kg * 8 * kc * esize;
  for (let nb = 0; nb < fast; nb++) {
    packRowsBlock(src + (<usize>nb << 3), K, Kg, rs, xorMask, kc, esize, dst + <usize>nb * blockBytes, colsum + (<usize>nb << 5));
  }
  for (let n = fast << 3; n < Np; n++) {
    const nb = n >> 3;
    const j = n & 7;
    let sum = 0;
    for (let g = 0; g < Kg; g++) {
      for (let i = 0; i < kc; i++) {
        const k = g * kc + i;
        let v = 0;
        if (k < K && n < N) v = <i32>(<i8>(load<u8>(src + <usize>k * <usize>rs + <usize>n * <usize>cs) ^ <u8>xorMask));
        sum += v;
        const idx = <usize>(((nb * Kg + g) * 8 + j) * kc + i);
        if (esize == 2) store<i16>(dst + (idx << 1), <i16>v);
        else store<i8>(dst + idx, <i8>v);
      }
    }
    store<i32>(colsum + ((<usize>n) << 2), sum);
  }
}

/** One row at src (8 bytes), or the XOR mask (→ 0 after the XOR) past the last row. */
@inline
function row8(src: usize, k: i32, K: i32, rs: i32, x8: v128): v128 {
  return k < K ? v128.load64_zero(src + <usize>k * <usize>rs) : x8;
}

/** 8 full columns of a row-major source: k rows interleaved by shuffles, column sums in vectors. */
function packRowsBlock(src: usize, K: i32, Kg: i32, rs: i32, xorMask: i32, kc: i32, esize: i32, out: usize, colsum: usize): void {
  const x8 = i8x16.splat(<i8>xorMask);
  let s0 = i32x4.splat(0);
  let s1 = i32x4.splat(0);
  for (let g = 0; g < Kg; g++) {
    const k = g * kc;
    // (k, j), (k+1, j) byte pairs for columns j = 0…7
    const ab = i8x16.shuffle(row8(src, k, K, rs, x8), row8(src, k + 1, K, rs, x8), 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    if (kc == 2) {
      const v = v128.xor(ab, x8);
      const w0 = i16x8.extend_low_i8x16_s(v);
      const w1 = i16x8.extend_high_i8x16_s(v);
      s0 = i32x4.add(s0, i32x4.extadd_pairwise_i16x8_s(w0));
      s1 = i32x4.add(s1, i32x4.extadd_pairwise_i16x8_s(w1));
      if (esize == 2) {
        v128.store(out, w0);
        v128.store(out, w1, 16);
        out += 32;
      } else {
        v128.store(out, v);
        out += 16;
      }
    } else {
      // k-quads: the (k, k+1) pairs and the (k+2, k+3) pairs of each column side by side
      const cd = i8x16.shuffle(row8(src, k + 2, K, rs, x8), row8(src, k + 3, K, rs, x8), 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      const v0 = v128.xor(i16x8.shuffle(ab, cd, 0, 8, 1, 9, 2, 10, 3, 11), x8);
      const v1 = v128.xor(i16x8.shuffle(ab, cd, 4, 12, 5, 13, 6, 14, 7, 15), x8);
      s0 = i32x4.add(s0, i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_s(v0)));
      s1 = i32x4.add(s1, i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_s(v1)));
      v128.store(out, v0);
      v128.store(out, v1, 16);
      out += 32;
    }
  }
  v128.store(colsum, s0);
  v128.store(colsum, s1, 16);
}
