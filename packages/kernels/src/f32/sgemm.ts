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

/** A batched MatMul's shape, strides and per-product offsets: everything but the base addresses. */
export type MatMulBatchSpec = Omit<MatMulIntoArgs, 'scratch' | 'a' | 'b' | 'c'> & {
  /** Element offsets of each product's A, B and C (one entry per product). */
  readonly aOff: ArrayLike<number>;
  readonly bOff: ArrayLike<number>;
  readonly cOff: ArrayLike<number>;
  /** packedBFloats(K, N) · 4 bytes each; one per pool thread lets that many threads share the products. */
  readonly scratch: readonly number[];
  /** matMulBatchTableBytes(count) bytes for the offset table (default: allocated, freed by dispose()). */
  readonly table?: number;
};

export interface MatMulBatchIntoArgs extends MatMulBatchSpec {
  readonly a: number;
  readonly b: number;
  readonly c: number;
}

export interface MatMulBatch {
  /** All products, A, B and C at these byte addresses; allocates nothing. */
  run(a: number, b: number, c: number): void;
  dispose(): void;
}

/** Bytes of a batched MatMul's offset table: three i32 byte offsets per product. */
export function matMulBatchTableBytes(count: number): number {
  return count * 12;
}

/**
 * Batched MatMul of two activations (attention: batch × heads independent products), prepared once:
 * the products' offsets go into a table in WASM memory and one call of f32_gemm_batch_wasmsimd runs
 * them all (each packing its B, then the 4×8 GEMM); runs allocate nothing. With the threads
 * build's pool and enough work, the threads take contiguous ranges of products in one round, each
 * with its own scratch; every product is computed exactly as matmulInto computes it alone.
 */
export function createMatMulBatch(k: KernelHost, m: MatMulBatchSpec): MatMulBatch {
  const count = m.aOff.length;
  check(m.bOff.length === count && m.cOff.length === count, 'createMatMulBatch: aOff, bOff and cOff differ in length');
  check(m.scratch.length >= 1, 'createMatMulBatch: no scratch');
  const { M, N, K } = m;
  const own = m.table === undefined;
  const table = own ? k.heap.alloc(Math.max(16, matMulBatchTableBytes(count)), 16) : m.table!;
  const words = new Int32Array(k.heap.f32.buffer, table, count * 3);
  for (let t = 0; t < count; t++) words.set([m.aOff[t] * 4, m.bOff[t] * 4, m.cOff[t] * 4], t * 3);
  const pool = k.pool;
  const T = pool && count * M * N * K >= PARALLEL_MIN_WORK ? Math.min(pool.size, m.scratch.length, count) : 1;
  const [loBits, hiBits] = (m.clamp ?? [-Infinity, Infinity]).map(f32Bits);
  // one argument row per share: slots 6, 8 and 11 (A, B, C) are set per run, in place
  const rows = splitRange(count, T, 1).map(([t0, t1], i) => [
    table, t0, t1, M, N, K, 0, m.lda ?? K, 0, m.ldb ?? (m.transB ? K : N), m.transB ? 1 : 0, 0, m.ldc ?? N, m.scratch[i], loBits, hiBits,
  ]);
  const fn = kernelFn(k, 'f32_gemm_batch_wasmsimd');
  let live = true;
  return {
    run(a, b, c) {
      check(live, 'matmulBatch: used after dispose()');
      if (rows.length === 1) {
        const r = rows[0];
        fn(table, 0, count, M, N, K, a, r[7], b, r[9], r[10], c, r[12], r[13], loBits, hiBits);
        return;
      }
      for (const r of rows) {
        r[6] = a;
        r[8] = b;
        r[11] = c;
      }
      pool!.run('f32_gemm_batch_wasmsimd', rows);
    },
    dispose() {
      if (!live) return;
      live = false;
      if (own) k.heap.free(table);
    },
  };
}

/** One-off batched MatMul (tests, tools). */
export function matmulBatchInto(k: KernelHost, m: MatMulBatchIntoArgs): void {
  const batch = createMatMulBatch(k, m);
  try {
    batch.run(m.a, m.b, m.c);
  } finally {
    batch.dispose();
  }
}
