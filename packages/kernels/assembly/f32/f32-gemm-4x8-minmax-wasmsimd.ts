// fp32 GEMM, C[M, N] = A[M, K] · B (+ bias), clamped to [lo, hi] (±Inf for none, 0/+Inf for ReLU).
// A row-major with stride lda; B packed by f32_gemm_pack_b; C row stride ldc.
// 4×8 register tile (8 accumulators) for full row quads; remaining rows (and M = 1, the GEMV
// case) use a 1×8 tile with two k-streams so the adds do not serialise.
// bias (biasKind): 0 none; 1 per column [N]; 2 per row [M]; 3 full [M, N] matrix (row stride N).
// f32_gemm_4x8_minmax_bits_wasmsimd takes the clamp as f32 bit patterns so every argument is an
// integer: the thread pool's argument protocol is Int32 (threads split N by offsetting packedB, c
// and a column bias).
import { fmadd } from './f32-fmadd';

// @ts-ignore: decorator
@inline function biasVec(bias: usize, kind: i32, m: i32, n: i32, N: i32): v128 {
  if (kind == 1) return v128.load(bias + (<usize>n << 2));
  if (kind == 2) return v128.load32_splat(bias + (<usize>m << 2));
  if (kind == 3) return v128.load(bias + (<usize>(m * N + n) << 2));
  return f32x4.splat(0);
}

/** The last, partial column panel: stores the first `cols` (< 8) lanes of v0 | v1, biased and clamped. */
function storeRow(c: usize, v0: v128, v1: v128, cols: i32, bias: usize, kind: i32, m: i32, n: i32, N: i32, lo: v128, hi: v128): void {
  for (let j = 0; j < cols; j++) {
    let v: f32;
    const src = j < 4 ? v0 : v1;
    const l = j & 3;
    v = l == 0 ? f32x4.extract_lane(src, 0) : l == 1 ? f32x4.extract_lane(src, 1) : l == 2 ? f32x4.extract_lane(src, 2) : f32x4.extract_lane(src, 3);
    if (kind == 1) v += load<f32>(bias + (<usize>(n + j) << 2));
    else if (kind == 2) v += load<f32>(bias + (<usize>m << 2));
    else if (kind == 3) v += load<f32>(bias + (<usize>(m * N + n + j) << 2));
    v = min(max(v, f32x4.extract_lane(lo, 0)), f32x4.extract_lane(hi, 0));
    store<f32>(c + (<usize>j << 2), v);
  }
}

export function f32_gemm_4x8_minmax_wasmsimd(
  M: i32, N: i32, K: i32, a: usize, lda: i32, packedB: usize, c: usize, ldc: i32,
  bias: usize, biasKind: i32, lo: f32, hi: f32,
): void {
  gemm(M, N, K, a, lda, packedB, c, ldc, bias, biasKind, lo, hi);
}

/** The same kernel with the clamp as f32 bit patterns: every argument an integer (thread pool). */
export function f32_gemm_4x8_minmax_bits_wasmsimd(
  M: i32, N: i32, K: i32, a: usize, lda: i32, packedB: usize, c: usize, ldc: i32,
  bias: usize, biasKind: i32, loBits: i32, hiBits: i32,
): void {
  gemm(M, N, K, a, lda, packedB, c, ldc, bias, biasKind, reinterpret<f32>(loBits), reinterpret<f32>(hiBits));
}

export function gemm(
  M: i32, N: i32, K: i32, a: usize, lda: i32, packedB: usize, c: usize, ldc: i32,
  bias: usize, biasKind: i32, lo: f32, hi: f32,
): void {
  // Three specialisations of one body: the epilogue decides the cost of small-K products (attention
  // scores, K = 32: a 4×8 tile is ~180 cycles of multiply-adds, and a NaN-exact min/max clamp is ~7
  // instructions per vector), so a product without bias and clamp stores the accumulators as they are.
  const clamped = lo != -Infinity || hi != Infinity;
  if (clamped) body(M, N, K, a, lda, packedB, c, ldc, bias, biasKind, lo, hi, EPI_FULL);
  else if (biasKind != 0) body(M, N, K, a, lda, packedB, c, ldc, bias, biasKind, lo, hi, EPI_BIAS);
  else body(M, N, K, a, lda, packedB, c, ldc, bias, 0, lo, hi, EPI_PLAIN);
}

const EPI_PLAIN: i32 = 0; // store as accumulated
const EPI_BIAS: i32 = 1; // + bias, no clamp (min/max with ±Inf are identities)
const EPI_FULL: i32 = 2; // + bias, clamp

/** A full row of 8 outputs through the epilogue `epi` (compile-time constant after inlining). */
// @ts-ignore: decorator
@inline function store8(c: usize, v0: v128, v1: v128, bias: usize, kind: i32, m: i32, n: i32, N: i32, lo: v128, hi: v128, epi: i32): void {
  if (epi != EPI_PLAIN) {
    v0 = f32x4.add(v0, biasVec(bias, kind, m, n, N));
    v1 = f32x4.add(v1, biasVec(bias, kind, m, n + 4, N));
  }
  if (epi == EPI_FULL) {
    v0 = f32x4.min(f32x4.max(v0, lo), hi);
    v1 = f32x4.min(f32x4.max(v1, lo), hi);
  }
  v128.store(c, v0);
  v128.store(c, v1, 16);
}

// @ts-ignore: decorator
@inline function body(
  M: i32, N: i32, K: i32, a: usize, lda: i32, packedB: usize, c: usize, ldc: i32,
  bias: usize, biasKind: i32, lo: f32, hi: f32, epi: i32,
): void {
  const lov = f32x4.splat(lo);
  const hiv = f32x4.splat(hi);
  const panelBytes = <usize>K << 5;
  const ldaB = <usize>lda << 2;
  const ldcB = <usize>ldc << 2;
  const N8 = N & ~7;
  let m = 0;
  for (; m + 4 <= M; m += 4) {
    const a0 = a + <usize>m * ldaB;
    const aEnd = a0 + (<usize>K << 2);
    const cp0 = c + <usize>m * ldcB;
    for (let n = 0; n < N; n += 8) {
      let bp = packedB + <usize>(n >> 3) * panelBytes;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      // One pointer walks row 0; rows 1–3 are row 0 + lda (few live integers: V8 keeps the loop
      // spill-free, 5.2–5.7 against 3.8 multiply-adds per cycle with four row pointers and a counter).
      for (let ap = a0; ap < aEnd; ap += 4) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        let av = v128.load32_splat(ap);
        c00 = fmadd(av, b0, c00);
        c01 = fmadd(av, b1, c01);
        let ar = ap + ldaB;
        av = v128.load32_splat(ar);
        c10 = fmadd(av, b0, c10);
        c11 = fmadd(av, b1, c11);
        ar += ldaB;
        av = v128.load32_splat(ar);
        c20 = fmadd(av, b0, c20);
        c21 = fmadd(av, b1, c21);
        ar += ldaB;
        av = v128.load32_splat(ar);
        c30 = fmadd(av, b0, c30);
        c31 = fmadd(av, b1, c31);
        bp += 32;
      }
      const cp = cp0 + (<usize>n << 2);
      if (n < N8) {
        store8(cp, c00, c01, bias, biasKind, m, n, N, lov, hiv, epi);
        store8(cp + ldcB, c10, c11, bias, biasKind, m + 1, n, N, lov, hiv, epi);
        store8(cp + 2 * ldcB, c20, c21, bias, biasKind, m + 2, n, N, lov, hiv, epi);
        store8(cp + 3 * ldcB, c30, c31, bias, biasKind, m + 3, n, N, lov, hiv, epi);
      } else {
        const cols = N - n;
        storeRow(cp, c00, c01, cols, bias, biasKind, m, n, N, lov, hiv);
        storeRow(cp + ldcB, c10, c11, cols, bias, biasKind, m + 1, n, N, lov, hiv);
        storeRow(cp + 2 * ldcB, c20, c21, cols, bias, biasKind, m + 2, n, N, lov, hiv);
        storeRow(cp + 3 * ldcB, c30, c31, cols, bias, biasKind, m + 3, n, N, lov, hiv);
      }
    }
  }
  for (; m < M; m++) {
    const a0 = a + <usize>m * ldaB;
    const aPairs = a0 + (<usize>(K & ~1) << 2);
    for (let n = 0; n < N; n += 8) {
      let bp = packedB + <usize>(n >> 3) * panelBytes;
      let p0 = f32x4.splat(0), p1 = f32x4.splat(0), q0 = f32x4.splat(0), q1 = f32x4.splat(0);
      let ap = a0;
      for (; ap < aPairs; ap += 8) {
        const av = v128.load32_splat(ap);
        const aw = v128.load32_splat(ap, 4);
        p0 = fmadd(av, v128.load(bp), p0);
        p1 = fmadd(av, v128.load(bp, 16), p1);
        q0 = fmadd(aw, v128.load(bp, 32), q0);
        q1 = fmadd(aw, v128.load(bp, 48), q1);
        bp += 64;
      }
      if (K & 1) {
        const av = v128.load32_splat(ap);
        p0 = fmadd(av, v128.load(bp), p0);
        p1 = fmadd(av, v128.load(bp, 16), p1);
      }
      const cp = c + <usize>m * ldcB + (<usize>n << 2);
      if (n < N8) store8(cp, f32x4.add(p0, q0), f32x4.add(p1, q1), bias, biasKind, m, n, N, lov, hiv, epi);
      else storeRow(cp, f32x4.add(p0, q0), f32x4.add(p1, q1), N - n, bias, biasKind, m, n, N, lov, hiv);
    }
  }
}
