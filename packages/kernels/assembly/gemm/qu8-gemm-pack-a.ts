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

export function qu8_gemm_pack_a_c2(
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

export function qu8_gemm_pack_a_c4(
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
