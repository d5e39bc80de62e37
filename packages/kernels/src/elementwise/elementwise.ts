// fp32 elementwise ops, softmax, layer normalisation and QLinearAdd / QLinearMul over the WASM SIMD
// kernels. `…Into` functions take pointers into WASM memory (for the runtime); the others copy
// arrays in and out.
import type { BinaryOpName, QLinearParams, UnaryOpName } from '../reference/elementwise.js';
import { forEachOuter, planBroadcast, type BroadcastPlan } from './broadcast.js';
import { check, f32Out, kernelFn, PARALLEL_MIN_ELEMENTS, scoped, splitRange, type KernelHost } from './host.js';
import { f32Bits } from '../f32/sgemm.js';
import { elementwiseChunks, KeyedPlan, runPlan, type ChunkPlan } from '../threads/split.js';

export type { BinaryOpName, QLinearParams, UnaryOpName } from '../reference/elementwise.js';

/** Op codes of f32_unary_wasmsimd. */
export const UNARY_OP: Readonly<Record<UnaryOpName, number>> = {
  relu: 0, clip: 1, sigmoid: 2, tanh: 3, gelu: 4, hardsigmoid: 5, hardswish: 6, exp: 7, erf: 8,
  leakyrelu: 9, neg: 10, abs: 11, sqrt: 12, gelu_tanh: 13, silu: 14,
};

/** Op codes of f32_binary_wasmsimd. */
export const BINARY_OP: Readonly<Record<BinaryOpName, number>> = { add: 0, sub: 1, mul: 2, div: 3, max: 4, min: 5, prelu: 6 };

/**
 * y = op(x) over n f32 (y may equal x). p0/p1: clip min/max, hardsigmoid alpha/beta, leakyrelu alpha.
 * exp/erf/tanh/sigmoid/gelu use polynomial approximations, ≤ 5e-7 relative error (README).
 * `split`: the call site's cached thread split (a steady-state call then allocates nothing).
 */
export function unaryInto(k: KernelHost, op: UnaryOpName, x: number, y: number, n: number, p0 = 0, p1 = 0, split = new KeyedPlan<ChunkPlan>()): void {
  const pool = k.pool;
  // The pool passes integer arguments only: threads when the parameters are whole numbers (the
  // defaults, ReLU6's clip bounds), which reach the kernel's f32 parameters unchanged.
  const chunks = elementwiseChunks(pool, n, 4, 8);
  if (chunks > 1 && isSmallInt(p0) && isSmallInt(p1)) {
    const code = UNARY_OP[op];
    runPlan(pool!, split.begin().key(code).key(x).key(y).key(n).key(p0).key(p1).key(chunks).get() ?? split.set({
      symbol: 'f32_unary_wasmsimd',
      chunks: splitRange(n, chunks, 4).map(([i0, i1]) => [code, x + i0 * 4, y + i0 * 4, i1 - i0, p0, p1]),
      options: {},
    }));
    return;
  }
  kernelFn(k, 'f32_unary_wasmsimd')(UNARY_OP[op], x, y, n, p0, p1);
}

// -0 excluded: the pool passes integers, so a worker would get +0 where the caller keeps -0
const isSmallInt = (v: number) => Number.isInteger(v) && Math.abs(v) < 2 ** 24 && !Object.is(v, -0);

export function unary(k: KernelHost, op: UnaryOpName, x: Float32Array, p0 = 0, p1 = 0): Float32Array {
  return scoped(k, () => {
    const xp = k.heap.put(x);
    unaryInto(k, op, xp, xp, x.length, p0, p1);
    return f32Out(k, xp, x.length);
  });
}

/**
 * Thread shares of a broadcast plan without outer loops: the leading dim with more than one index
 * is split (its output block is contiguous; an innermost split keeps `innerAlign`). Element offsets.
 */
function broadcastShares(plan: BroadcastPlan, threads: number, innerAlign: number): { a: number; b: number; y: number; dims: number[] }[] {
  const dims = [...plan.dims];
  const j = dims.findIndex((d) => d > 1);
  const after = dims.slice(j + 1).reduce((p, d) => p * d, 1);
  return splitRange(dims[j], threads, j === 3 ? innerAlign : 1).map(([i0, i1]) => ({
    a: i0 * plan.aStrides[j], b: i0 * plan.bStrides[j], y: i0 * after, dims: dims.map((d, i) => (i === j ? i1 - i0 : d)),
  }));
}

/**
 * y = a ∘ b with NumPy broadcasting described by `plan` (planBroadcast(aShape, bShape)).
 * `split`: the call site's cached thread split (a steady-state call then allocates nothing).
 */
export function binaryInto(k: KernelHost, op: BinaryOpName, a: number, b: number, y: number, plan: BroadcastPlan, split = new KeyedPlan<ChunkPlan>()): void {
  const fn = kernelFn(k, 'f32_binary_wasmsimd');
  const [d0, d1, d2, d3] = plan.dims;
  const [a0, a1, a2, a3] = plan.aStrides;
  const [b0, b1, b2, b3] = plan.bStrides;
  const pool = k.pool;
  const chunks = plan.outer.length === 0 ? elementwiseChunks(pool, d0 * d1 * d2 * d3, 4, 12) : 1;
  if (chunks > 1) {
    const code = BINARY_OP[op];
    split.begin().key(code).key(a).key(b).key(y).key(chunks).key(d0).key(d1).key(d2).key(d3);
    split.key(a0).key(a1).key(a2).key(a3).key(b0).key(b1).key(b2).key(b3);
    runPlan(pool!, split.get() ?? split.set({
      symbol: 'f32_binary_wasmsimd',
      chunks: broadcastShares(plan, chunks, 4).map((s) => [code, a + s.a * 4, b + s.b * 4, y + s.y * 4, ...s.dims, a0, a1, a2, a3, b0, b1, b2, b3]),
      options: {},
    }));
    return;
  }
  if (plan.outer.length === 0) {
    // one call, no closure (the runtime's per-node path on the threads build)
    fn(BINARY_OP[op], a, b, y, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3);
    return;
  }
  forEachOuter(plan, (ao, bo, yo) => fn(BINARY_OP[op], a + ao * 4, b + bo * 4, y + yo * 4, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3));
}

export function binary(
  k: KernelHost, op: BinaryOpName, a: Float32Array, aShape: readonly number[], b: Float32Array, bShape: readonly number[],
): { data: Float32Array; shape: number[] } {
  checkSize('a', a, aShape);
  checkSize('b', b, bShape);
  const plan = planBroadcast(aShape, bShape);
  const size = plan.outShape.reduce((p, d) => p * d, 1);
  return scoped(k, () => {
    const ap = k.heap.put(a);
    const bp = k.heap.put(b);
    const yp = k.heap.alloc(size * 4);
    binaryInto(k, op, ap, bp, yp, plan);
    return { data: f32Out(k, yp, size), shape: plan.outShape };
  });
}

/**
 * Softmax (or LogSoftmax) over the last axis of [rows, n]; y may equal x.
 * `split`: the call site's cached thread split (a steady-state call then allocates nothing).
 */
export function softmaxInto(k: KernelHost, x: number, y: number, rows: number, n: number, log = false, split = new KeyedPlan<ChunkPlan>()): void {
  const pool = k.pool;
  if (pool && pool.size > 1 && rows > 1 && rows * n >= PARALLEL_MIN_ELEMENTS) {
    // rows are independent: each chunk takes a range of them
    const l = log ? 1 : 0;
    runPlan(pool, split.begin().key(x).key(y).key(rows).key(n).key(l).key(pool.size).get() ?? split.set({
      symbol: 'f32_softmax_wasmsimd',
      chunks: splitRange(rows, pool.size, 1).map(([r0, r1]) => [x + r0 * n * 4, y + r0 * n * 4, r1 - r0, n, l]),
      options: {},
    }));
    return;
  }
  kernelFn(k, 'f32_softmax_wasmsimd')(x, y, rows, n, log ? 1 : 0);
}

export function softmax(k: KernelHost, x: Float32Array, rows: number, n: number, log = false): Float32Array {
  check(x.length === rows * n, `softmax: x has ${x.length} elements, expected ${rows} × ${n}`);
  return scoped(k, () => {
    const xp = k.heap.put(x);
    softmaxInto(k, xp, xp, rows, n, log);
    return f32Out(k, xp, x.length);
  });
}

export interface LayerNormArgs {
  readonly x: number;
  readonly y: number;
  readonly rows: number;
  readonly n: number;
  /** f32 [n] or 0 */
  readonly gamma: number;
  /** f32 [n] or 0 */
  readonly beta: number;
  readonly epsilon: number;
  /** optional f32 [rows] outputs (LayerNormalization's Mean and InvStdDev), 0 to skip */
  readonly mean?: number;
  readonly invStdDev?: number;
  /** optional f32 [rows, n] added to x before normalising (a fused residual Add; y may be it), 0 for none */
  readonly residual?: number;
}

/** `split`: the call site's cached thread split (a steady-state call then allocates nothing). */
export function layerNormInto(k: KernelHost, a: LayerNormArgs, split = new KeyedPlan<ChunkPlan>()): void {
  const pool = k.pool;
  const residual = a.residual ?? 0, mean = a.mean ?? 0, invStdDev = a.invStdDev ?? 0;
  if (pool && pool.size > 1 && a.rows > 1 && a.rows * a.n >= PARALLEL_MIN_ELEMENTS) {
    // rows are independent: each chunk takes a range of them (epsilon as bits: the pool passes integers)
    const eps = f32Bits(a.epsilon);
    split.begin().key(a.x).key(residual).key(a.y).key(a.rows).key(a.n).key(a.gamma).key(a.beta).key(eps).key(mean).key(invStdDev).key(pool.size);
    runPlan(pool, split.get() ?? split.set({
      symbol: residual ? 'f32_layernorm_residual_bits_wasmsimd' : 'f32_layernorm_bits_wasmsimd',
      chunks: splitRange(a.rows, pool.size, 1).map(([r0, r1]) => {
        const at = (p: number, width: number) => (p ? p + r0 * width * 4 : 0);
        const rows = [at(a.y, a.n), r1 - r0, a.n, a.gamma, a.beta, eps, at(mean, 1), at(invStdDev, 1)];
        return residual ? [at(a.x, a.n), at(residual, a.n), ...rows] : [at(a.x, a.n), ...rows];
      }),
      options: {},
    }));
    return;
  }
  if (residual) kernelFn(k, 'f32_layernorm_residual_bits_wasmsimd')(a.x, residual, a.y, a.rows, a.n, a.gamma, a.beta, f32Bits(a.epsilon), mean, invStdDev);
  else kernelFn(k, 'f32_layernorm_wasmsimd')(a.x, a.y, a.rows, a.n, a.gamma, a.beta, a.epsilon, mean, invStdDev);
}

/** Array in, array out (tests); `residual` ([rows, n] or null) is added to x before normalising. */
export function layerNorm(
  k: KernelHost, x: Float32Array, rows: number, n: number, gamma: Float32Array | null, beta: Float32Array | null, epsilon = 1e-5,
  residual: Float32Array | null = null,
): Float32Array {
  check(x.length === rows * n, `layerNorm: x has ${x.length} elements, expected ${rows} × ${n}`);
  check(!gamma || gamma.length === n, `layerNorm: scale has ${gamma?.length} elements, expected ${n}`);
  check(!beta || beta.length === n, `layerNorm: bias has ${beta?.length} elements, expected ${n}`);
  check(!residual || residual.length === x.length, `layerNorm: residual has ${residual?.length} elements, expected ${x.length}`);
  return scoped(k, () => {
    const xp = k.heap.put(x);
    const rp = residual ? k.heap.put(residual) : 0;
    layerNormInto(k, { x: xp, y: xp, rows, n, gamma: gamma ? k.heap.put(gamma) : 0, beta: beta ? k.heap.put(beta) : 0, epsilon, residual: rp });
    return f32Out(k, xp, x.length);
  });
}

/** QLinearAdd / QLinearMul (com.microsoft), u8 or s8, with broadcasting (ORT-exact, see README). */
export function qlinearBinaryInto(k: KernelHost, op: 'add' | 'mul', a: number, b: number, y: number, plan: BroadcastPlan, p: QLinearParams): void {
  const fn = kernelFn(k, 'q8_qlinear_binary_wasmsimd');
  const [d0, d1, d2, d3] = plan.dims;
  const [a0, a1, a2, a3] = plan.aStrides;
  const [b0, b1, b2, b3] = plan.bStrides;
  const pool = k.pool;
  if (pool && pool.size > 1 && plan.outer.length === 0 && d0 * d1 * d2 * d3 >= PARALLEL_MIN_ELEMENTS) {
    // the scales cross the pool as f32 (arguments 17, 19, 21)
    pool.run('q8_qlinear_binary_wasmsimd', broadcastShares(plan, pool.size, 16).map((s) => [
      op === 'add' ? 0 : 1, p.signed ? 1 : 0, a + s.a, b + s.b, y + s.y, ...s.dims, a0, a1, a2, a3, b0, b1, b2, b3,
      p.aScale, p.aZeroPoint, p.bScale, p.bZeroPoint, p.cScale, p.cZeroPoint,
    ]), (1 << 17) | (1 << 19) | (1 << 21));
    return;
  }
  forEachOuter(plan, (ao, bo, yo) =>
    fn(op === 'add' ? 0 : 1, p.signed ? 1 : 0, a + ao, b + bo, y + yo, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3,
      p.aScale, p.aZeroPoint, p.bScale, p.bZeroPoint, p.cScale, p.cZeroPoint));
}

export function qlinearBinary(
  k: KernelHost, op: 'add' | 'mul', a: Uint8Array | Int8Array, aShape: readonly number[], b: Uint8Array | Int8Array, bShape: readonly number[], p: QLinearParams,
): { data: Uint8Array | Int8Array; shape: number[] } {
  checkSize('A', a, aShape);
  checkSize('B', b, bShape);
  check(a instanceof Int8Array === p.signed && b instanceof Int8Array === p.signed, 'qlinearBinary: A and B must both be Int8Array (signed) or Uint8Array');
  const plan = planBroadcast(aShape, bShape);
  const size = plan.outShape.reduce((q, d) => q * d, 1);
  return scoped(k, () => {
    const ap = k.heap.put(a);
    const bp = k.heap.put(b);
    const yp = k.heap.alloc(Math.max(size, 1));
    qlinearBinaryInto(k, op, ap, bp, yp, plan, p);
    const bytes = k.heap.u8.slice(yp, yp + size);
    return { data: p.signed ? new Int8Array(bytes.buffer) : bytes, shape: plan.outShape };
  });
}

function checkSize(what: string, data: ArrayLike<number>, shape: readonly number[]): void {
  const n = shape.reduce((p, d) => p * d, 1);
  check(data.length === n, `${what} has ${data.length} elements, its shape [${shape.join(', ')}] has ${n}`);
}
