// fp32 GEMM (Gemm / MatMul with constant B) over the WASM SIMD 4×8 kernel: B is packed once into
// WASM memory; bias and a clamp (ReLU / Clip) are fused into the store.
import { check, f32Out, kernelFn, PARALLEL_MIN_WORK, scoped, splitRange, type KernelHost } from '../elementwise/host.js';

export interface SgemmBias {
  /** 'col': [N] added to every row (Gemm's C as a row vector); 'row': [M]; 'full': [M, N] */
  readonly kind: 'col' | 'row' | 'full';
  readonly data: Float32Array;
}

export interface SgemmOptions {
  readonly K: number;
  readonly N: number;
  /** [K, N] row-major, or [N, K] with transB */
  readonly b: Float32Array;
  readonly transB?: boolean;
  readonly bias?: SgemmBias | null;
  /** output clamp, e.g. [0, Infinity] for ReLU; default none */
  readonly clamp?: readonly [number, number];
}

export interface Sgemm {
  readonly K: number;
  readonly N: number;
  /**
   * C[M, N] (row stride ldc, default N) = A[M, K] (row stride lda, default K) · B, pointers into
   * WASM memory. With the threads build's pool, large products split by 8-column panels.
   */
  runInto(a: number, c: number, M: number, lda?: number, ldc?: number): void;
  run(a: Float32Array, M: number): Float32Array;
  dispose(): void;
}

/** Floats of a packed B: ceil(N / 8) panels of K × 8. */
export function packedBFloats(K: number, N: number): number {
  return Math.ceil(N / 8) * 8 * K;
}

/** Packs B (in WASM memory) into `out` (packedBFloats(K, N) floats) for f32_gemm_4x8_minmax_wasmsimd. */
export function packBInto(k: KernelHost, b: number, ldb: number, K: number, N: number, transB: boolean, out: number): void {
  kernelFn(k, 'f32_gemm_pack_b')(b, ldb, K, N, transB ? 1 : 0, out);
}

const BIAS_KIND = { col: 1, row: 2, full: 3 } as const;

const bitsView = new DataView(new ArrayBuffer(4));
/** An f32 as its bit pattern: the kernels the thread pool runs take floats this way (it passes integers). */
export function f32Bits(v: number): number {
  bitsView.setFloat32(0, v, true);
  return bitsView.getInt32(0, true);
}

export function createSgemm(k: KernelHost, o: SgemmOptions): Sgemm {
  const { K, N } = o;
  check(Number.isInteger(K) && K >= 1 && Number.isInteger(N) && N >= 1, `sgemm: K and N must be positive integers, got K=${K} N=${N}`);
  check(o.b.length === K * N, `sgemm: B has ${o.b.length} elements, expected ${K} × ${N}`);
  if (o.bias?.kind === 'col') check(o.bias.data.length === N, `sgemm: column bias has ${o.bias.data.length} elements, expected ${N}`);
  const [lo, hi] = o.clamp ?? [-Infinity, Infinity];
  const [loBits, hiBits] = [lo, hi].map(f32Bits);
  const gemm = kernelFn(k, 'f32_gemm_4x8_minmax_wasmsimd');
  const packed = k.heap.alloc(packedBFloats(K, N) * 4);
  scoped(k, () => packBInto(k, k.heap.put(o.b), o.transB ? K : N, K, N, !!o.transB, packed));
  const biasPtr = o.bias ? k.heap.put(o.bias.data) : 0;
  const biasKind = o.bias ? BIAS_KIND[o.bias.kind] : 0;
  let live = true;
  const runInto = (a: number, c: number, M: number, lda = K, ldc = N) => {
    check(live, 'sgemm: used after dispose()');
    if (o.bias?.kind === 'row') check(o.bias.data.length >= M, `sgemm: row bias has ${o.bias.data.length} elements, M is ${M}`);
    if (o.bias?.kind === 'full') check(o.bias.data.length === M * N, `sgemm: full bias has ${o.bias.data.length} elements, expected ${M} × ${N}`);
    const pool = k.pool;
    if (!pool || pool.size < 2 || M * N * K < PARALLEL_MIN_WORK || biasKind === 3 || N <= 8) {
      gemm(M, N, K, a, lda, packed, c, ldc, biasPtr, biasKind, lo, hi);
      return;
    }
    // threads take 8-column panels: offset B's panels, C's columns and a column bias
    const shares = splitRange(N, pool.size, 8).map(([n0, n1]) => [
      M, n1 - n0, K, a, lda, packed + (n0 / 8) * K * 32, c + n0 * 4, ldc, biasKind === 1 ? biasPtr + n0 * 4 : biasPtr, biasKind, loBits, hiBits,
    ]);
    pool.run('f32_gemm_4x8_minmax_bits_wasmsimd', shares);
  };
  return {
    K,
    N,
    runInto,
    run(a: Float32Array, M: number): Float32Array {
      check(a.length === M * K, `sgemm: A has ${a.length} elements, expected ${M} × ${K}`);
      return scoped(k, () => {
        const ap = k.heap.put(a);
        const cp = k.heap.alloc(M * N * 4);
        runInto(ap, cp, M);
        return f32Out(k, cp, M * N);
      });
    },
    dispose() {
      if (!live) return;
      live = false;
      k.heap.free(packed);
      k.heap.free(biasPtr);
    },
  };
}

export interface MatMulIntoArgs {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  /** A [M, K], row stride lda (default K) */
  readonly a: number;
  readonly lda?: number;
  /** B [K, N] (row stride ldb, default N), or [N, K] with transB (row stride ldb, default K) */
  readonly b: number;
  readonly ldb?: number;
  readonly transB?: boolean;
  /** C [M, N], row stride ldc (default N) */
  readonly c: number;
  readonly ldc?: number;
  /** packedBFloats(K, N) · 4 bytes */
  readonly scratch: number;
  readonly clamp?: readonly [number, number];
}

/**
 * One fp32 matrix product with both operands in WASM memory (MatMul of two activations, e.g.
 * attention scores): packs B into `scratch`, then runs the 4×8 kernel. Batched MatMul: call per batch.
 */
export function matmulInto(k: KernelHost, m: MatMulIntoArgs): void {
  const transB = !!m.transB;
  packBInto(k, m.b, m.ldb ?? (transB ? m.K : m.N), m.K, m.N, transB, m.scratch);
  const [lo, hi] = m.clamp ?? [-Infinity, Infinity];
  kernelFn(k, 'f32_gemm_4x8_minmax_wasmsimd')(m.M, m.N, m.K, m.a, m.lda ?? m.K, m.scratch, m.c, m.ldc ?? m.N, 0, 0, lo, hi);
}

/** Multiply-adds per product from which matmulBatchInto runs products side by side. */
const PARALLEL_MIN_BATCH_PRODUCT = 1 << 17;

/** A batched MatMul's shape, strides and per-product offsets: everything but the base addresses. */
export type MatMulBatchSpec = Omit<MatMulIntoArgs, 'scratch' | 'a' | 'b' | 'c'> & {
  /** Element offsets of each product's A, B and C (one entry per product). */
  readonly aOff: ArrayLike<number>;
  readonly bOff: ArrayLike<number>;
  readonly cOff: ArrayLike<number>;
  /** packedBFloats(K, N) · 4 bytes each; one per pool thread lets that many products run at once. */
  readonly scratch: readonly number[];
};

export interface MatMulBatchIntoArgs extends MatMulBatchSpec {
  readonly a: number;
  readonly b: number;
  readonly c: number;
}

export interface MatMulBatch {
  /** All products, A, B and C at these byte addresses; allocates nothing. */
  run(a: number, b: number, c: number): void;
}

/**
 * Batched MatMul of two activations (attention: batch × heads independent products), prepared once
 * so that runs allocate nothing. With the threads build's pool, consecutive products run side by
 * side, one per thread, each packing its B into its own scratch; every product is computed exactly
 * as matmulInto computes it alone.
 */
export function createMatMulBatch(k: KernelHost, m: MatMulBatchSpec): MatMulBatch {
  const count = m.aOff.length;
  check(m.bOff.length === count && m.cOff.length === count, 'matmulBatchInto: aOff, bOff and cOff differ in length');
  check(m.scratch.length >= 1, 'matmulBatchInto: no scratch');
  const { M, N, K } = m;
  const aOff = Int32Array.from(m.aOff, (o) => o * 4);
  const bOff = Int32Array.from(m.bOff, (o) => o * 4);
  const cOff = Int32Array.from(m.cOff, (o) => o * 4);
  const pool = k.pool;
  const T = pool ? Math.min(pool.size, m.scratch.length, count) : 1;
  const transB = m.transB ? 1 : 0;
  const ldb = m.ldb ?? (transB ? K : N);
  const lda = m.lda ?? K;
  const ldc = m.ldc ?? N;
  const [lo, hi] = m.clamp ?? [-Infinity, Infinity];
  // a pool round per product pair: worth it only for products of some size (attention over long
  // sequences), not for short ones whose per-product time is near a round trip
  if (!pool || T < 2 || M * N * K < PARALLEL_MIN_BATCH_PRODUCT) {
    const packB = kernelFn(k, 'f32_gemm_pack_b');
    const gemm = kernelFn(k, 'f32_gemm_4x8_minmax_wasmsimd');
    const s = m.scratch[0];
    return {
      run(a, b, c) {
        for (let t = 0; t < count; t++) {
          packB(b + bOff[t], ldb, K, N, transB, s);
          gemm(M, N, K, a + aOff[t], lda, s, c + cOff[t], ldc, 0, 0, lo, hi);
        }
      },
    };
  }
  // argument rows filled in place per round (slot 0 of a pack row: B; slots 3 and 6 of a GEMM row:
  // A and C); a round of c < T products passes the first c rows
  const [loBits, hiBits] = [lo, hi].map(f32Bits);
  const packRows = m.scratch.slice(0, T).map((s) => [0, ldb, K, N, transB, s]);
  const gemmRows = m.scratch.slice(0, T).map((s) => [M, N, K, 0, lda, s, 0, ldc, 0, 0, loBits, hiBits]);
  const views = new Map<number, [number[][], number[][]]>();
  for (const c of new Set([T, count % T || T])) views.set(c, [packRows.slice(0, c), gemmRows.slice(0, c)]);
  return {
    run(a, b, c) {
      for (let t0 = 0; t0 < count; t0 += T) {
        const n = Math.min(T, count - t0);
        for (let i = 0; i < n; i++) {
          packRows[i][0] = b + bOff[t0 + i];
          gemmRows[i][3] = a + aOff[t0 + i];
          gemmRows[i][6] = c + cOff[t0 + i];
        }
        const [pack, gemm] = views.get(n)!;
        pool.run('f32_gemm_pack_b', pack);
        pool.run('f32_gemm_4x8_minmax_bits_wasmsimd', gemm);
      }
    },
  };
}

/** One-off batched MatMul (tests, tools): createMatMulBatch(k, m).run(m.a, m.b, m.c). */
export function matmulBatchInto(k: KernelHost, m: MatMulBatchIntoArgs): void {
  createMatMulBatch(k, m).run(m.a, m.b, m.c);
}
