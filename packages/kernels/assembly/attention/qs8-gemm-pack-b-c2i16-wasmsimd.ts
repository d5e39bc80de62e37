// Run-time packing of an activation B [K, N] (u8 turned into s8 by XOR 0x80, or s8) into the
// layout of qs8-gemm-pack-w.ts with kc = 2, esize = 2 (i16 k-pairs × 8 columns), for the dot16x2
// GEMM when both operands are activations (attention: Q·Kᵀ, P·V). Same output and colsum as
// qs8_gemm_pack_w, but vectorized for the two layouts attention produces:
//   cs == 1: rows of B contiguous (P·V: B = V[t, d]) — two k rows interleaved by one shuffle;
//   rs == 1: columns of B contiguous (Q·Kᵀ: B = K[t, d] read transposed) — an 8×8 transpose of
//            16-bit k-pairs per 16 k.
// Any other strides, partial 8-column blocks and K tails take the scalar path.
// Source element (k, n) is at src + k·rs + n·cs.

@inline
function scalarBlock(src: usize, K: i32, N: i32, rs: i32, cs: i32, xorMask: i32, nb: i32, g0: i32, g1: i32, Kg: i32, dst: usize, colsum: usize): void {
  for (let j = 0; j < 8; j++) {
    const n = (nb << 3) + j;
    let sum = 0;
    for (let g = g0; g < g1; g++) {
      for (let i = 0; i < 2; i++) {
        const k = g * 2 + i;
        let v = 0;
        if (k < K && n < N) v = <i32>(<i8>(load<u8>(src + <usize>k * <usize>rs + <usize>n * <usize>cs) ^ <u8>xorMask));
        sum += v;
        store<i16>(dst + (<usize>(((nb * Kg + g) * 8 + j) * 2 + i) << 1), <i16>v);
      }
    }
    const at = colsum + ((<usize>n) << 2);
    store<i32>(at, load<i32>(at) + sum);
  }
}

// 8 packed bytes (4 columns × k-pair, twice) sign-extended into two i16x8 at out.
@inline
function storeWidened(out: usize, v: v128): void {
  v128.store(out, i16x8.extend_low_i8x16_s(v));
  v128.store(out, i16x8.extend_high_i8x16_s(v), 16);
}

export function qs8_gemm_pack_b_c2i16__wasmsimd(src: usize, K: i32, N: i32, rs: i32, cs: i32, xorMask: i32, dst: usize, colsum: usize): void {
  const Np = (N + 7) & ~7;
  const Kg = (K + 1) >> 1;
  const x8 = i8x16.splat(<i8>xorMask);
  memory.fill(colsum, 0, (<usize>Np) << 2);
  for (let nb = 0; nb < (Np >> 3); nb++) {
    const n0 = nb << 3;
    if (n0 + 8 > N || (cs != 1 && rs != 1)) {
      scalarBlock(src, K, N, rs, cs, xorMask, nb, 0, Kg, Kg, dst, colsum);
      continue;
    }
    let s0 = i32x4.splat(0);
    let s1 = i32x4.splat(0);
    let out = dst + ((<usize>(nb * Kg)) << 5);
    let g = 0;
    if (cs == 1) {
      // rows contiguous: k-pair g interleaves rows 2g and 2g+1 (a missing odd row reads as 0)
      const row0 = src + <usize>n0;
      for (; g < Kg; g++) {
        const r0 = v128.load64_zero(row0 + <usize>(2 * g) * <usize>rs);
        const r1 = 2 * g + 1 < K ? v128.load64_zero(row0 + <usize>(2 * g + 1) * <usize>rs) : x8;
        const v = v128.xor(i8x16.shuffle(r0, r1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23), x8);
        const w0 = i16x8.extend_low_i8x16_s(v);
        const w1 = i16x8.extend_high_i8x16_s(v);
        v128.store(out, w0);
        v128.store(out, w1, 16);
        s0 = i32x4.add(s0, i32x4.extadd_pairwise_i16x8_s(w0));
        s1 = i32x4.add(s1, i32x4.extadd_pairwise_i16x8_s(w1));
        out += 32;
      }
    } else {
      // columns contiguous: 8 columns × 16 k → 8 k-pairs × 8 columns (8×8 transpose of u16 pairs)
      const c = <usize>cs;
      const col = src + <usize>n0 * c;
      for (; 2 * g + 16 <= K; g += 8) {
        const k = <usize>(2 * g);
        const x0 = v128.load(col + k);
        const x1 = v128.load(col + c + k);
        const x2 = v128.load(col + 2 * c + k);
        const x3 = v128.load(col + 3 * c + k);
        const x4 = v128.load(col + 4 * c + k);
        const x5 = v128.load(col + 5 * c + k);
        const x6 = v128.load(col + 6 * c + k);
        const x7 = v128.load(col + 7 * c + k);
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
        const u4 = i32x4.shuffle(t4, t6, 0, 4, 1, 5);
        const u5 = i32x4.shuffle(t4, t6, 2, 6, 3, 7);
        const u6 = i32x4.shuffle(t5, t7, 0, 4, 1, 5);
        const u7 = i32x4.shuffle(t5, t7, 2, 6, 3, 7);
        const v0 = v128.xor(i64x2.shuffle(u0, u4, 0, 2), x8);
        const v1 = v128.xor(i64x2.shuffle(u0, u4, 1, 3), x8);
        const v2 = v128.xor(i64x2.shuffle(u1, u5, 0, 2), x8);
        const v3 = v128.xor(i64x2.shuffle(u1, u5, 1, 3), x8);
        const v4 = v128.xor(i64x2.shuffle(u2, u6, 0, 2), x8);
        const v5 = v128.xor(i64x2.shuffle(u2, u6, 1, 3), x8);
        const v6 = v128.xor(i64x2.shuffle(u3, u7, 0, 2), x8);
        const v7 = v128.xor(i64x2.shuffle(u3, u7, 1, 3), x8);
        storeWidened(out, v0);
        storeWidened(out + 32, v1);
        storeWidened(out + 64, v2);
        storeWidened(out + 96, v3);
        storeWidened(out + 128, v4);
        storeWidened(out + 160, v5);
        storeWidened(out + 192, v6);
        storeWidened(out + 224, v7);
        out += 256;
        // per-column sums of these 16 k (|sum| ≤ 2048: i16 is exact)
        let cs16 = i16x8.add(i16x8.extadd_pairwise_i8x16_s(v0), i16x8.extadd_pairwise_i8x16_s(v1));
        cs16 = i16x8.add(cs16, i16x8.add(i16x8.extadd_pairwise_i8x16_s(v2), i16x8.extadd_pairwise_i8x16_s(v3)));
        cs16 = i16x8.add(cs16, i16x8.add(i16x8.extadd_pairwise_i8x16_s(v4), i16x8.extadd_pairwise_i8x16_s(v5)));
        cs16 = i16x8.add(cs16, i16x8.add(i16x8.extadd_pairwise_i8x16_s(v6), i16x8.extadd_pairwise_i8x16_s(v7)));
        s0 = i32x4.add(s0, i32x4.extend_low_i16x8_s(cs16));
        s1 = i32x4.add(s1, i32x4.extend_high_i16x8_s(cs16));
      }
    }
    const at = colsum + ((<usize>n0) << 2);
    v128.store(at, s0);
    v128.store(at, s1, 16);
    if (g < Kg) scalarBlock(src, K, N, rs, cs, xorMask, nb, g, Kg, Kg, dst, colsum);
  }
}
