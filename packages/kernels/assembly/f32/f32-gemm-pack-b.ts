// Packs B for the fp32 GEMM: panels of 8 columns, each panel K rows of 8 floats (columns past N
// zero-filled). Size: ceil(N / 8) · 8 · K floats. B is [K, N] with row stride ldb, or with
// transB its transpose stored as [N, K] (row stride ldb), e.g. Gemm transB=1 weights or the keys
// of attention scores Q·Kᵀ (packed per run: full transposed panels go 4 k at a time through two
// 4×4 register transposes, ~7× faster than lane by lane).

// @ts-ignore: decorator
@inline function transpose4(o: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  // rows r0..r3 (4 columns × 4 k each) → k-major: out[k·8 + j] = r_j[k] for j < 4
  const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
  v128.store(o, v128.shuffle<i64>(t0, t2, 0, 2));
  v128.store(o, v128.shuffle<i64>(t0, t2, 1, 3), 32);
  v128.store(o, v128.shuffle<i64>(t1, t3, 0, 2), 64);
  v128.store(o, v128.shuffle<i64>(t1, t3, 1, 3), 96);
}

export function f32_gemm_pack_b(b: usize, ldb: i32, K: i32, N: i32, transB: i32, out: usize): void {
  let o = out;
  const ldbB = <usize>ldb << 2;
  for (let n0 = 0; n0 < N; n0 += 8) {
    const cols = min(8, N - n0);
    let k = 0;
    if (transB && cols == 8) {
      const r0 = b + <usize>n0 * ldbB;
      for (; k + 4 <= K; k += 4) {
        const ko = <usize>k << 2;
        const p = r0 + ko;
        transpose4(o, v128.load(p), v128.load(p + ldbB), v128.load(p + 2 * ldbB), v128.load(p + 3 * ldbB));
        const q = p + 4 * ldbB;
        transpose4(o + 16, v128.load(q), v128.load(q + ldbB), v128.load(q + 2 * ldbB), v128.load(q + 3 * ldbB));
        o += 128;
      }
    }
    for (; k < K; k++) {
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
