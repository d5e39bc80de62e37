// Packs activations A (u8, or s8 turned into u8 by XOR 0x80) for the GEMM kernels, and computes
// rowTerm[m] = rowsum(A[m,:]) − K·za that the epilogue uses to fold the weight zero points.
// Source element (m, k) is at src + m·rs + k·cs (cs = 1: row-major; conv 1×1 reads NCHW with cs = H·W).
//
// c2 layout (dot16x2 kernels): tile t of `mr` rows, k-pair p, row r → one i32 = a[2p] | a[2p+1] << 16
//   at dst + ((t·K2 + p)·mr + r)·4, K2 = ceil(K/2); rows past M and the odd k are zero.
// c4 layout (relaxed dot8x4 kernels): the same with k-quads of raw bytes, K4 = ceil(K/4).

@inline
function finishRowTerms(rowTerm: usize, m: i32, sum: i32, K: i32, za: i32): void {
  store<i32>(rowTerm + ((<usize>m) << 2), sum - K * za);
}

// Column-major sources (rs = 1: the M rows of a tile are adjacent bytes, as in NCHW activations
// of a 1×1 convolution or the [K, oH·oW] im2col buffer): two k rows are interleaved with one shuffle
// and a whole 4-row tile's k-pair (16 bytes) is stored at once. Full tiles (mr = 4) only.
function packTransposedC2(src: usize, m0: i32, K: i32, cs: i32, xorMask: i32, za: i32, dst: usize, rowTerm: usize): void {
  const x8 = i8x16.splat(<i8>xorMask);
  const K2 = (K + 1) >> 1;
  let sum = i32x4.splat(0);
  let row = src + <usize>m0;
  let out = dst;
  const rstep = <usize>cs;
  for (let p = 0; p < K2; p++) {
    const r0 = v128.load32_zero(row);
    const r1 = 2 * p + 1 < K ? v128.load32_zero(row + rstep) : i8x16.splat(<i8>xorMask);
    const v = v128.xor(i8x16.shuffle(r0, r1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23), x8);
    const w = i16x8.extend_low_i8x16_u(v);
    v128.store(out, w);
    sum = i32x4.add(sum, i32x4.extadd_pairwise_i16x8_u(w));
    row += rstep << 1;
    out += 16;
  }
  v128.store(rowTerm + ((<usize>m0) << 2), i32x4.sub(sum, i32x4.splat(K * za)));
}

// Row-major sources (cs = 1), full 4-row tiles: 8 k of each row widened at once and the four rows
// interleaved by a 4×4 transpose of their k-pairs, one 16-byte store per k-pair (the generic loop
// extracts every 4-byte lane separately); K tails element by element.
function packRowTileC2(src: usize, m0: i32, K: i32, rs: i32, xorMask: i32, za: i32, out: usize, rowTerm: usize): void {
  const x8 = i8x16.splat(<i8>xorMask);
  const r = <usize>rs;
  const row = src + <usize>m0 * r;
  let s0 = i32x4.splat(0), s1 = i32x4.splat(0), s2 = i32x4.splat(0), s3 = i32x4.splat(0);
  let k = 0;
  for (; k + 8 <= K; k += 8) {
    const at = row + <usize>k;
    // lanes: the 4 k-pairs of each row as u16 pairs
    const w0 = i16x8.extend_low_i8x16_u(v128.xor(v128.load64_zero(at), x8));
    const w1 = i16x8.extend_low_i8x16_u(v128.xor(v128.load64_zero(at + r), x8));
    const w2 = i16x8.extend_low_i8x16_u(v128.xor(v128.load64_zero(at + 2 * r), x8));
    const w3 = i16x8.extend_low_i8x16_u(v128.xor(v128.load64_zero(at + 3 * r), x8));
    s0 = i32x4.add(s0, i32x4.extadd_pairwise_i16x8_u(w0));
    s1 = i32x4.add(s1, i32x4.extadd_pairwise_i16x8_u(w1));
    s2 = i32x4.add(s2, i32x4.extadd_pairwise_i16x8_u(w2));
    s3 = i32x4.add(s3, i32x4.extadd_pairwise_i16x8_u(w3));
    const a0 = i32x4.shuffle(w0, w1, 0, 4, 1, 5);
    const a1 = i32x4.shuffle(w0, w1, 2, 6, 3, 7);
    const a2 = i32x4.shuffle(w2, w3, 0, 4, 1, 5);
    const a3 = i32x4.shuffle(w2, w3, 2, 6, 3, 7);
    const o = out + (<usize>k << 3);
    v128.store(o, i64x2.shuffle(a0, a2, 0, 2));
    v128.store(o, i64x2.shuffle(a0, a2, 1, 3), 16);
    v128.store(o, i64x2.shuffle(a1, a3, 0, 2), 32);
    v128.store(o, i64x2.shuffle(a1, a3, 1, 3), 48);
  }
  // row sums: the same transpose turns four per-row vectors into one vector of four rows
  const t0 = i32x4.shuffle(s0, s1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(s0, s1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(s2, s3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(s2, s3, 2, 6, 3, 7);
  const sums = i32x4.add(i32x4.add(i64x2.shuffle(t0, t2, 0, 2), i64x2.shuffle(t0, t2, 1, 3)), i32x4.add(i64x2.shuffle(t1, t3, 0, 2), i64x2.shuffle(t1, t3, 1, 3)));
  const rt = rowTerm + ((<usize>m0) << 2);
  v128.store(rt, i32x4.sub(sums, i32x4.splat(K * za)));
  for (let i = 0; i < 4; i++) {
    const ri = row + <usize>i * r;
    let sum = 0;
    for (let kk = k; kk < K; kk += 2) {
      const a0 = (<i32>load<u8>(ri + <usize>kk)) ^ xorMask;
      const a1 = kk + 1 < K ? (<i32>load<u8>(ri + <usize>kk + 1)) ^ xorMask : 0;
      sum += a0 + a1;
      store<i32>(out + ((<usize>(kk >> 1) << 4) + (<usize>i << 2)), a0 | (a1 << 16));
    }
    store<i32>(rt + (<usize>i << 2), load<i32>(rt + (<usize>i << 2)) + sum);
  }
}

export function qu8_gemm_pack_a_c2(
  src: usize, M: i32, K: i32, rs: i32, cs: i32, xorMask: i32, za: i32, mr: i32, dst: usize, rowTerm: usize,
): void {
  const K2 = (K + 1) >> 1;
  if (cs == 1 && mr == 4 && K >= 8) {
    let m = 0;
    for (; m + 4 <= M; m += 4) packRowTileC2(src, m, K, rs, xorMask, za, dst + (<usize>((m >> 2) * K2 * 16)), rowTerm);
    if (m >= M) return;
    packGenericC2(src + <usize>m * <usize>rs, M - m, K, rs, cs, xorMask, za, mr, dst + (<usize>((m >> 2) * K2 * 16)), rowTerm + ((<usize>m) << 2));
    return;
  }
  if (rs == 1 && cs != 1 && mr == 4) {
    let m = 0;
    for (; m + 4 <= M; m += 4) packTransposedC2(src, m, K, cs, xorMask, za, dst + (<usize>((m >> 2) * K2 * 16)), rowTerm);
    if (m >= M) return;
    // the remaining rows: generic path on a shifted source
    packGenericC2(src + <usize>m, M - m, K, rs, cs, xorMask, za, mr, dst + (<usize>((m >> 2) * K2 * 16)), rowTerm + ((<usize>m) << 2));
    return;
  }
  packGenericC2(src, M, K, rs, cs, xorMask, za, mr, dst, rowTerm);
}

function packGenericC2(
  src: usize, M: i32, K: i32, rs: i32, cs: i32, xorMask: i32, za: i32, mr: i32, dst: usize, rowTerm: usize,
): void {
  const K2 = (K + 1) >> 1;
  const Mp = ((M + mr - 1) / mr) * mr;
  const step = (<usize>mr) << 2;
  const x8 = i8x16.splat(<i8>xorMask);
  for (let m = 0; m < Mp; m++) {
    const base = dst + ((<usize>((m / mr) * K2 * mr + (m % mr))) << 2);
    if (m >= M) {
      for (let p = 0; p < K2; p++) store<i32>(base + <usize>p * step, 0);
      store<i32>(rowTerm + ((<usize>m) << 2), 0);
      continue;
    }
    const row = src + <usize>m * <usize>rs;
    let sum = 0;
    let k = 0;
    if (cs == 1) {
      let vsum = i32x4.splat(0);
      let out = base;
      for (; k + 8 <= K; k += 8) {
        const w = i16x8.extend_low_i8x16_u(v128.xor(v128.load64_zero(row + <usize>k), x8));
        vsum = i32x4.add(vsum, i32x4.extadd_pairwise_i16x8_u(w));
        v128.store32_lane(out, w, 0);
        v128.store32_lane(out + step, w, 1);
        v128.store32_lane(out + 2 * step, w, 2);
        v128.store32_lane(out + 3 * step, w, 3);
        out += step << 2;
      }
      sum = i32x4.extract_lane(vsum, 0) + i32x4.extract_lane(vsum, 1) + i32x4.extract_lane(vsum, 2) + i32x4.extract_lane(vsum, 3);
    }
    for (; k < K; k += 2) {
      const a0 = (<i32>load<u8>(row + <usize>k * <usize>cs)) ^ xorMask;
      const a1 = k + 1 < K ? (<i32>load<u8>(row + <usize>(k + 1) * <usize>cs)) ^ xorMask : 0;
      sum += a0 + a1;
      store<i32>(base + <usize>(k >> 1) * step, a0 | (a1 << 16));
    }
    finishRowTerms(rowTerm, m, sum, K, za);
  }
}

// c4 counterpart of packTransposedC2 (relaxed kernels, mr = 6): four k rows per k-quad.
function packTransposedC4(src: usize, m0: i32, K: i32, cs: i32, xorMask: i32, za: i32, dst: usize, rowTerm: usize): void {
  const x8 = i8x16.splat(<i8>xorMask);
  const K4 = (K + 3) >> 2;
  let lo = i32x4.splat(0);
  let hi = i32x4.splat(0);
  let row = src + <usize>m0;
  let out = dst;
  const rstep = <usize>cs;
  for (let q = 0; q < K4; q++) {
    const k = q << 2;
    const r0 = v128.load64_zero(row);
    const r1 = k + 1 < K ? v128.load64_zero(row + rstep) : i8x16.splat(<i8>xorMask);
    const r2 = k + 2 < K ? v128.load64_zero(row + 2 * rstep) : i8x16.splat(<i8>xorMask);
    const r3 = k + 3 < K ? v128.load64_zero(row + 3 * rstep) : i8x16.splat(<i8>xorMask);
    const ab = i8x16.shuffle(r0, r1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const cd = i8x16.shuffle(r2, r3, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const w0 = v128.xor(i16x8.shuffle(ab, cd, 0, 8, 1, 9, 2, 10, 3, 11), x8);
    const w1 = v128.xor(i16x8.shuffle(ab, cd, 4, 12, 5, 13, 6, 14, 7, 15), x8);
    v128.store(out, w0);
    v128.store64_lane(out, w1, 0, 16);
    lo = i32x4.add(lo, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(w0)));
    hi = i32x4.add(hi, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(w1)));
    row += rstep << 2;
    out += 24;
  }
  const kz = i32x4.splat(K * za);
  v128.store(rowTerm + ((<usize>m0) << 2), i32x4.sub(lo, kz));
  v128.store64_lane(rowTerm + ((<usize>m0) << 2), i32x4.sub(hi, kz), 0, 16);
}

export function qu8_gemm_pack_a_c4(
  src: usize, M: i32, K: i32, rs: i32, cs: i32, xorMask: i32, za: i32, mr: i32, dst: usize, rowTerm: usize,
): void {
  const K4 = (K + 3) >> 2;
  if (rs == 1 && cs != 1 && mr == 6) {
    let m = 0;
    for (; m + 8 <= M; m += 6) packTransposedC4(src, m, K, cs, xorMask, za, dst + (<usize>((m / 6) * K4 * 24)), rowTerm);
    if (m >= M) return;
    packGenericC4(src + <usize>m, M - m, K, rs, cs, xorMask, za, mr, dst + (<usize>((m / 6) * K4 * 24)), rowTerm + ((<usize>m) << 2));
    return;
  }
  packGenericC4(src, M, K, rs, cs, xorMask, za, mr, dst, rowTerm);
}

function packGenericC4(
  src: usize, M: i32, K: i32, rs: i32, cs: i32, xorMask: i32, za: i32, mr: i32, dst: usize, rowTerm: usize,
): void {
  const K4 = (K + 3) >> 2;
  const Mp = ((M + mr - 1) / mr) * mr;
  const step = (<usize>mr) << 2;
  const x8 = i8x16.splat(<i8>xorMask);
  for (let m = 0; m < Mp; m++) {
    const base = dst + ((<usize>((m / mr) * K4 * mr + (m % mr))) << 2);
    if (m >= M) {
      for (let q = 0; q < K4; q++) store<i32>(base + <usize>q * step, 0);
      store<i32>(rowTerm + ((<usize>m) << 2), 0);
      continue;
    }
    const row = src + <usize>m * <usize>rs;
    let sum = 0;
    let k = 0;
    if (cs == 1) {
      let vsum = i32x4.splat(0);
      let out = base;
      for (; k + 16 <= K; k += 16) {
        const b = v128.xor(v128.load(row + <usize>k), x8);
        vsum = i32x4.add(vsum, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(b)));
        v128.store32_lane(out, b, 0);
        v128.store32_lane(out + step, b, 1);
        v128.store32_lane(out + 2 * step, b, 2);
        v128.store32_lane(out + 3 * step, b, 3);
        out += step << 2;
      }
      sum = i32x4.extract_lane(vsum, 0) + i32x4.extract_lane(vsum, 1) + i32x4.extract_lane(vsum, 2) + i32x4.extract_lane(vsum, 3);
    }
    for (; k < K; k += 4) {
      let word = 0;
      for (let i = 0; i < 4; i++) {
        if (k + i < K) {
          const a = (<i32>load<u8>(row + <usize>(k + i) * <usize>cs)) ^ xorMask;
          sum += a;
          word |= a << (i << 3);
        }
      }
      store<i32>(base + <usize>(k >> 2) * step, word);
    }
    finishRowTerms(rowTerm, m, sum, K, za);
  }
}
