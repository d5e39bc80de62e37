// MatMulNBits (com.microsoft) over the WASM kernel: the quantized weights are copied into WASM
// memory once (still 4/8-bit — never a float copy); M = 1 runs on the codes directly, M > 1
// unpacks four columns at a time into a scratch of 16·K bytes.
import { check, f32Out, kernelFn, PARALLEL_MIN_WORK, scoped, splitRange, type KernelHost } from '../elementwise/host.js';

export interface MatMulNBitsOptions {
  readonly K: number;
  readonly N: number;
  readonly bits: 4 | 8;
  /** power of two, 16 … 256 */
  readonly blockSize: number;
  /** u8 [N, ceil(K / blockSize), blockSize · bits / 8] */
  readonly b: Uint8Array;
  /** f32 [N · ceil(K / blockSize)] */
  readonly scales: Float32Array;
  /** packed u8 (4-bit: [N, ceil(nb / 2)], low nibble first; 8-bit: [N, nb]), f32 [N · nb], or null (2^(bits−1)) */
  readonly zeroPoints?: Uint8Array | Float32Array | null;
  /** f32 [N] */
  readonly bias?: Float32Array | null;
}

export interface MatMulNBits {
  readonly K: number;
  readonly N: number;
  /** Y[M, N] = A[M, K] · dequant(B)ᵀ + bias, with A and Y in WASM memory. */
  runInto(a: number, y: number, M: number): void;
  run(a: Float32Array, M: number): Float32Array;
  /** Frees the weights' copy in WASM memory. */
  dispose(): void;
}

export function createMatMulNBits(k: KernelHost, o: MatMulNBitsOptions): MatMulNBits {
  const { K, N, bits, blockSize } = o;
  check(Number.isInteger(K) && K >= 1 && Number.isInteger(N) && N >= 1, `MatMulNBits: K and N must be positive integers, got K=${K} N=${N}`);
  check(bits === 4 || bits === 8, `MatMulNBits: bits must be 4 or 8, got ${bits}`);
  check(blockSize >= 16 && blockSize <= 256 && (blockSize & (blockSize - 1)) === 0, `MatMulNBits: block_size must be a power of two in [16, 256], got ${blockSize}`);
  const nb = Math.ceil(K / blockSize);
  const blob = (blockSize * bits) / 8;
  check(o.b.length === N * nb * blob, `MatMulNBits: B has ${o.b.length} bytes, expected N·nb·blob = ${N}·${nb}·${blob}`);
  check(o.scales.length === N * nb, `MatMulNBits: scales has ${o.scales.length} elements, expected ${N * nb}`);
  const zp = o.zeroPoints ?? null;
  let zpKind = 0;
  if (zp instanceof Float32Array) {
    check(zp.length === N * nb, `MatMulNBits: float zero_points has ${zp.length} elements, expected ${N * nb}`);
    zpKind = 2;
  } else if (zp) {
    const want = bits === 4 ? N * Math.ceil(nb / 2) : N * nb;
    check(zp.length === want, `MatMulNBits: zero_points has ${zp.length} bytes, expected ${want}`);
    zpKind = 1;
  }
  check(!o.bias || o.bias.length === N, `MatMulNBits: bias has ${o.bias?.length} elements, expected ${N}`);
  const fn = kernelFn(k, 'f32_matmul_nbits_wasmsimd');
  const bp = k.heap.put(o.b);
  const sp = k.heap.put(o.scales);
  const zpp = zp ? k.heap.put(zp) : 0;
  const biasp = o.bias ? k.heap.put(o.bias) : 0;
  // enough for every M: 4 unpacked columns (M > 1) or per-block sums of A (M = 1); one per thread
  const scratchBytes = kernelFn(k, 'f32_matmul_nbits_scratch_bytes')(2, K, blockSize);
  const threads = k.pool && k.pool.size > 1 ? k.pool.size : 1;
  const scratches = Array.from({ length: threads }, () => k.heap.alloc(scratchBytes));
  const scratch = scratches[0];
  const colBytes = nb * blob;
  const zpRow = zpKind === 2 ? nb * 4 : zpKind === 1 ? (bits === 4 ? Math.ceil(nb / 2) : nb) : 0;
  let live = true;
  const runInto = (a: number, y: number, M: number) => {
    check(live, 'MatMulNBits: used after dispose()');
    const pool = k.pool;
    if (!pool || threads < 2 || M * N * K < PARALLEL_MIN_WORK || N < 8) {
      fn(a, bp, sp, zpp, zpKind, biasp, y, N, M, N, K, bits, blockSize, scratch);
      return;
    }
    // threads take column slices (multiples of 4): offset weights, scales, zero points, bias, Y
    const shares = splitRange(N, threads, 4).map(([n0, n1], t) => [
      a, bp + n0 * colBytes, sp + n0 * nb * 4, zpp ? zpp + n0 * zpRow : 0, zpKind, biasp ? biasp + n0 * 4 : 0,
      y + n0 * 4, N, M, n1 - n0, K, bits, blockSize, scratches[t],
    ]);
    pool.run('f32_matmul_nbits_wasmsimd', shares);
  };
  return {
    K,
    N,
    runInto,
    run(a: Float32Array, M: number): Float32Array {
      check(a.length === M * K, `MatMulNBits: A has ${a.length} elements, expected ${M} × ${K}`);
      return scoped(k, () => {
        const ap = k.heap.put(a);
        const yp = k.heap.alloc(M * N * 4);
        runInto(ap, yp, M);
        return f32Out(k, yp, M * N);
      });
    },
    dispose() {
      if (!live) return;
      live = false;
      for (const p of [bp, sp, zpp, biasp, ...scratches]) k.heap.free(p);
    },
  };
}
