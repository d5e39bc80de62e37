// Packs B for the fp32 GEMM: panels of 8 columns, each panel K rows of 8 floats (columns past N
// zero-filled). Size: ceil(N / 8) · 8 · K floats. B is [K, N] with row stride ldb, or with
// transB its transpose stored as [N, K] (row stride ldb), e.g. Gemm transB=1 weights.

export function f32_gemm_pack_b(b: usize, ldb: i32, K: i32, N: i32, transB: i32, out: usize): void {
  let o = out;
  for (let n0 = 0; n0 < N; n0 += 8) {
    const cols = min(8, N - n0);
    for (let k = 0; k < K; k++) {
      if (!transB && cols == 8) {
        v128.store(o, v128.load(b + (<usize>(k * ldb + n0) << 2)));
        v128.store(o, v128.load(b + (<usize>(k * ldb + n0 + 4) << 2)), 16);
      } else {
        for (let j = 0; j < 8; j++) {
          let v: f32 = 0;
          if (j < cols) v = transB ? load<f32>(b + (<usize>((n0 + j) * ldb + k) << 2)) : load<f32>(b + (<usize>(k * ldb + n0 + j) << 2));
          store<f32>(o + (<usize>j << 2), v);
        }
      }
      o += 32;
    }
  }
}
