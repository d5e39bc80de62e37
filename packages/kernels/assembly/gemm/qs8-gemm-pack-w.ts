// Packs weights B [K, N] (s8, or u8 turned into s8 by XOR 0x80) once, into blocks of 8 columns:
//   block nb, k-group g (kc = 2 or 4 consecutive k), column j, i < kc →
//   dst[((nb·Kg + g)·8 + j)·kc + i], Kg = ceil(K/kc); element size esize = 2 (i16, dot16x2 GEMM)
//   or 1 (i8: the small-M GEMV and the relaxed dot8x4 kernels). Padding (k ≥ K, n ≥ N) is zero.
// Also writes colsum[n] = Σ_k B'[k, n] over the N rounded up to 8 (padding columns get 0).
// Source element (k, n) is at src + k·rs + n·cs.
export function qs8_gemm_pack_w(
  src: usize, K: i32, N: i32, rs: i32, cs: i32, xorMask: i32, kc: i32, esize: i32, dst: usize, colsum: usize,
): void {
  const Np = (N + 7) & ~7;
  const Kg = (K + kc - 1) / kc;
  for (let n = 0; n < Np; n++) {
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
