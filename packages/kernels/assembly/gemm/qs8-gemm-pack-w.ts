// Packs weights B [K, N] (s8, or u8 turned into s8 by XOR 0x80) once, into blocks of 8 columns:
//   block nb, k-group g (kc = 2 or 4 consecutive k), column j, i < kc →
//   dst[((nb·Kg + g)·8 + j)·kc + i], Kg = ceil(K/kc); element size esize = 2 (i16, dot16x2 GEMM)
//   or 1 (i8: the small-M GEMV and the relaxed dot8x4 kernels). Padding (k ≥ K, n ≥ N) is zero.
// Also writes colsum[n] = Σ_k B'[k, n] over the N rounded up to 8 (padding columns get 0).
// Source element (k, n) is at src + k·rs + n·cs.
// Row-major sources (cs = 1, the MatMul weight layout) and column-major ones (rs = 1, Gemm with
// transB) pack whole 8-column blocks with shuffles (4–9× faster than the element loop: model
// preparation time); other strides, the last partial block and column-major K tails take the
// element loop.
export function qs8_gemm_pack_w(
  src: usize, K: i32, N: i32, rs: i32, cs: i32, xorMask: i32, kc: i32, esize: i32, dst: usize, colsum: usize,
): void {
  const Np = (N + 7) & ~7;
  const Kg = (K + kc - 1) / kc;
  const shapeOk = kc == 2 || (kc == 4 && esize == 1);
  const blocks = shapeOk && (cs == 1 || rs == 1) ? N >> 3 : 0;
  const blockBytes = <usize>Kg * 8 * kc * esize;
  for (let nb = 0; nb < blocks; nb++) {
    const out = dst + <usize>nb * blockBytes;
    const sums = colsum + (<usize>nb << 5);
    if (cs == 1) {
      packRowsBlock(src + (<usize>nb << 3), K, Kg, rs, xorMask, kc, esize, out, sums);
    } else {
      // columns contiguous (Gemm transB): 16-k chunks transposed, the K tail element by element
      const g0 = packColumnsBlock(src + (<usize>nb << 3) * <usize>cs, K, cs, xorMask, kc, esize, out, sums);
      packElements(src, K, N, rs, cs, xorMask, kc, esize, dst, colsum, nb << 3, (nb << 3) + 8, g0, true);
    }
  }
  packElements(src, K, N, rs, cs, xorMask, kc, esize, dst, colsum, blocks << 3, Np, 0, false);
}

/** The element loop: columns [n0, n1), k-groups [g0, Kg); column sums stored, or added when `add`. */
function packElements(
  src: usize, K: i32, N: i32, rs: i32, cs: i32, xorMask: i32, kc: i32, esize: i32, dst: usize, colsum: usize,
  n0: i32, n1: i32, g0: i32, add: bool,
): void {
  const Kg = (K + kc - 1) / kc;
  for (let n = n0; n < n1; n++) {
    const nb = n >> 3;
    const j = n & 7;
    let sum = 0;
    for (let g = g0; g < Kg; g++) {
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
    const at = colsum + ((<usize>n) << 2);
    store<i32>(at, add ? load<i32>(at) + sum : sum);
  }
}

/** Stores one packed group of 8 columns (16 bytes as i8, or widened to i16) and adds its column sums. */
@inline
function storeGroupC2(out: usize, v: v128, esize: i32, sums: usize): void {
  const w0 = i16x8.extend_low_i8x16_s(v);
  const w1 = i16x8.extend_high_i8x16_s(v);
  v128.store(sums, i32x4.add(v128.load(sums), i32x4.extadd_pairwise_i16x8_s(w0)));
  v128.store(sums, i32x4.add(v128.load(sums, 16), i32x4.extadd_pairwise_i16x8_s(w1)), 16);
  if (esize == 2) {
    v128.store(out, w0);
    v128.store(out, w1, 16);
  } else {
    v128.store(out, v);
  }
}

/** k-quad group of 8 columns: columns 0–3 in lo, 4–7 in hi (16 bytes each). */
@inline
function storeGroupC4(out: usize, lo: v128, hi: v128, sums: usize): void {
  v128.store(sums, i32x4.add(v128.load(sums), i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_s(lo))));
  v128.store(sums, i32x4.add(v128.load(sums, 16), i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_s(hi))), 16);
  v128.store(out, lo);
  v128.store(out, hi, 16);
}

/**
 * 8 columns whose k run contiguously (column j at col + j·cs): each 16-k chunk of the 8 columns is
 * transposed with shuffles (k-pairs: an 8×8 transpose of u16; k-quads: two 4×4 transposes of u32).
 * Writes the column sums of the chunks; returns the number of k-groups packed.
 */
function packColumnsBlock(col: usize, K: i32, cs: i32, xorMask: i32, kc: i32, esize: i32, out: usize, sums: usize): i32 {
  const x8 = i8x16.splat(<i8>xorMask);
  const c = <usize>cs;
  v128.store(sums, i32x4.splat(0));
  v128.store(sums, i32x4.splat(0), 16);
  const groupBytes = <usize>(8 * kc * esize);
  let k = 0;
  for (; k + 16 <= K; k += 16) {
    const at = col + <usize>k;
    const x0 = v128.xor(v128.load(at), x8);
    const x1 = v128.xor(v128.load(at + c), x8);
    const x2 = v128.xor(v128.load(at + 2 * c), x8);
    const x3 = v128.xor(v128.load(at + 3 * c), x8);
    const x4 = v128.xor(v128.load(at + 4 * c), x8);
    const x5 = v128.xor(v128.load(at + 5 * c), x8);
    const x6 = v128.xor(v128.load(at + 6 * c), x8);
    const x7 = v128.xor(v128.load(at + 7 * c), x8);
    if (kc == 2) {
      // lanes are k-pairs p = 0…7; out group p = [x0.p, x1.p, …, x7.p]
      const t0 = i16x8.shuffle(x0, x1, 0, 8, 1, 9, 2, 10, 3, 11);
      const t1 = i16x8.shuffle(x0, x1, 4, 12, 5, 13, 6, 14, 7, 15);
      const t2 = i16x8.shuffle(x2, x3, 0, 8, 1, 9, 2, 10, 3, 11);
      const t3 = i16x8.shuffle(x2, x3, 4, 12, 5, 13, 6, 14, 7, 15);
      const t4 = i16x8.shuffle(x4, x5, 0, 8, 1, 9, 2, 10, 3, 11);
      const t5 = i16x8.shuffle(x4, x5, 4, 12, 5, 13, 6, 14, 7, 15);
      const t6 = i16x8.shuffle(x6, x7, 0, 8, 1, 9, 2, 10, 3, 11);
      const t7 = i16x8.shuffle(x6, x7, 4, 12, 5, 13, 6, 14, 7, 15);
      const u0 = i32x4.shuffle(t0, t2, 0, 4, 1, 5);
      const u1 = i32x4.shuffle(t0, t2, 2, 6, 3, 7);
      const u2 = i32x4.shuffle(t1, t3, 0, 4, 1, 5);
      const u3 = i32x4.shuffle(t1, t3, 2, 6, 3, 7);
      const v0 = i32x4.shuffle(t4, t6, 0, 4, 1, 5);
      const v1 = i32x4.shuffle(t4, t6, 2, 6, 3, 7);
      const v2 = i32x4.shuffle(t5, t7, 0, 4, 1, 5);
      const v3 = i32x4.shuffle(t5, t7, 2, 6, 3, 7);
      const o = out + <usize>(k >> 1) * groupBytes;
      storeGroupC2(o, i64x2.shuffle(u0, v0, 0, 2), esize, sums);
      storeGroupC2(o + groupBytes, i64x2.shuffle(u0, v0, 1, 3), esize, sums);
      storeGroupC2(o + 2 * groupBytes, i64x2.shuffle(u1, v1, 0, 2), esize, sums);
      storeGroupC2(o + 3 * groupBytes, i64x2.shuffle(u1, v1, 1, 3), esize, sums);
      storeGroupC2(o + 4 * groupBytes, i64x2.shuffle(u2, v2, 0, 2), esize, sums);
      storeGroupC2(o + 5 * groupBytes, i64x2.shuffle(u2, v2, 1, 3), esize, sums);
      storeGroupC2(o + 6 * groupBytes, i64x2.shuffle(u3, v3, 0, 2), esize, sums);
      storeGroupC2(o + 7 * groupBytes, i64x2.shuffle(u3, v3, 1, 3), esize, sums);
    } else {
      // lanes are k-quads q = 0…3; out group q = [x0.q … x3.q] [x4.q … x7.q]
      const a0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
      const a1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
      const a2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
      const a3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
      const b0 = i32x4.shuffle(x4, x5, 0, 4, 1, 5);
      const b1 = i32x4.shuffle(x4, x5, 2, 6, 3, 7);
      const b2 = i32x4.shuffle(x6, x7, 0, 4, 1, 5);
      const b3 = i32x4.shuffle(x6, x7, 2, 6, 3, 7);
      const o = out + <usize>(k >> 2) * groupBytes;
      storeGroupC4(o, i64x2.shuffle(a0, a2, 0, 2), i64x2.shuffle(b0, b2, 0, 2), sums);
      storeGroupC4(o + groupBytes, i64x2.shuffle(a0, a2, 1, 3), i64x2.shuffle(b0, b2, 1, 3), sums);
      storeGroupC4(o + 2 * groupBytes, i64x2.shuffle(a1, a3, 0, 2), i64x2.shuffle(b1, b3, 0, 2), sums);
      storeGroupC4(o + 3 * groupBytes, i64x2.shuffle(a1, a3, 1, 3), i64x2.shuffle(b1, b3, 1, 3), sums);
    }
  }
  return k / kc;
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
