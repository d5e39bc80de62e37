// fp32 Conv 2-D (NCHW) over the WASM kernels: depthwise direct path, 1×1 packed path, im2col +
// SGEMM otherwise; bias and a clamp (ReLU / Clip) fused. 1-D convolutions are H = 1.
import { check, checkDims, f32Out, kernelFn, PARALLEL_MIN_WORK, scoped, splitRange, type KernelHost } from '../elementwise/host.js';
import { createSgemm, f32Bits, type Sgemm } from './sgemm.js';
import { chunkCount, KeyedPlan, runPlan, type ChunkPlan } from '../threads/split.js';

export interface Conv2dOptions {
  readonly C: number;
  readonly OC: number;
  readonly kernel: readonly [number, number];
  readonly strides?: readonly [number, number];
  /** [top, left, bottom, right] */
  readonly pads?: readonly [number, number, number, number];
  readonly dilations?: readonly [number, number];
  readonly group?: number;
  /** [OC, C / group, kh, kw] */
  readonly weights: Float32Array;
  /** [OC] */
  readonly bias?: Float32Array | null;
  /** output clamp, e.g. [0, Infinity] for a fused ReLU */
  readonly clamp?: readonly [number, number];
  /**
   * The input's [H, W] when known at creation: a 1×1 convolution on a 1×1 plane then runs as one
   * GEMM with the batch as rows (weights packed for it now) instead of one-column GEMMs per image.
   */
  readonly inputSize?: readonly [number, number];
}

export interface Conv2d {
  outputShape(N: number, H: number, W: number): [number, number, number, number];
  /**
   * Scratch bytes runInto needs for an H × W input (0 for depthwise). With the threads build's
   * pool, large convolutions split output channels across threads: pass `threadScratch`
   * (one region of scratchBytes per extra thread) or they run on the caller alone.
   */
  scratchBytes(H: number, W: number): number;
  runInto(x: number, y: number, N: number, H: number, W: number, scratch: number, threadScratch?: readonly number[]): void;
  run(x: Float32Array, shape: readonly number[]): { data: Float32Array; shape: number[] };
  dispose(): void;
}

const NO_SCRATCH: readonly number[] = [];

export function createConv2d(k: KernelHost, o: Conv2dOptions): Conv2d {
  const group = o.group ?? 1;
  const [kh, kw] = o.kernel;
  const [sh, sw] = o.strides ?? [1, 1];
  const [pt, pl, pb, pr] = o.pads ?? [0, 0, 0, 0];
  const [dh, dw] = o.dilations ?? [1, 1];
  checkDims('conv2d', [o.C, o.OC, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, group]);
  check(group >= 1 && o.C % group === 0 && o.OC % group === 0, `conv2d: C=${o.C} and OC=${o.OC} must be multiples of group=${group}`);
  check(kh >= 1 && kw >= 1 && sh >= 1 && sw >= 1 && dh >= 1 && dw >= 1, 'conv2d: kernel, strides and dilations must be ≥ 1');
  check(o.weights.length === o.OC * (o.C / group) * kh * kw, `conv2d: weights have ${o.weights.length} elements, expected [${o.OC}, ${o.C / group}, ${kh}, ${kw}]`);
  check(!o.bias || o.bias.length === o.OC, `conv2d: bias has ${o.bias?.length} elements, expected ${o.OC}`);
  const [lo, hi] = (o.clamp ?? [-Infinity, Infinity]).map(f32Bits);
  const conv = kernelFn(k, 'f32_conv2d_wasmsimd');
  const scratchFn = kernelFn(k, 'f32_conv2d_scratch_bytes');
  const wp = k.heap.put(o.weights);
  const bp = o.bias ? k.heap.put(o.bias) : 0;
  // 1×1 on a 1×1 plane (the end of a CNN): one GEMM with the batch as rows, Y[N, OC] = X[N, C]·Wᵀ,
  // instead of N one-column GEMMs
  const pointwise = group === 1 && kh === 1 && kw === 1 && sh === 1 && sw === 1 && pt + pl + pb + pr === 0;
  const rowsGemm: Sgemm | null = pointwise && o.inputSize?.[0] === 1 && o.inputSize[1] === 1
    ? createSgemm(k, { K: o.C, N: o.OC, b: o.weights, transB: true, bias: o.bias ? { kind: 'col', data: o.bias } : null, clamp: o.clamp })
    : null;
  let live = true;
  const outHW = (H: number, W: number): [number, number] => {
    const oh = Math.floor((H + pt + pb - (dh * (kh - 1) + 1)) / sh) + 1;
    const ow = Math.floor((W + pl + pr - (dw * (kw - 1) + 1)) / sw) + 1;
    if (oh < 1 || ow < 1) check(false, `conv2d: empty output for a ${H} × ${W} input`);
    return [oh, ow];
  };
  const scratchBytes = (H: number, W: number) => {
    const [oh, ow] = outHW(H, W);
    return scratchFn(o.C, group, kh, kw, oh, ow);
  };
  const depthwise = o.C / group === 1 && group > 1;
  /**
   * Argument rows of a threaded call: images to each chunk for a batch (no im2col repeated per
   * thread), output-channel ranges (multiples of 4, the GEMM tile) for fewer images than threads;
   * `own(t)` is the scratch of row t (of the thread claiming it, argument 22, when `dynamic`).
   */
  const shares = (x: number, y: number, N: number, H: number, W: number, parts: number, threads: number, dynamic: boolean, scratch: number, threadScratch: readonly number[]) => {
    const [oh, ow] = outHW(H, W);
    const own = (t: number) => (dynamic ? 0 : t === 0 ? scratch : depthwise ? 0 : threadScratch[t - 1]);
    const args = (s: number, oc0: number, oc1: number, n0 = 0, n1 = N) =>
      [x + n0 * o.C * H * W * 4, wp, bp, y + n0 * o.OC * oh * ow * 4, n1 - n0, o.C, H, W, o.OC, oh, ow, kh, kw, sh, sw, pt, pl, dh, dw, group, lo, hi, s, oc0, oc1];
    return N >= threads
      ? splitRange(N, parts, 1).map(([n0, n1], t) => args(own(t), 0, o.OC, n0, n1))
      : splitRange(o.OC, parts, 4).map(([c0, c1], t) => args(own(t), c0, c1));
  };
  // the last dynamic split, reused while the call repeats (the runtime gives a node the same
  // buffers every run), so a steady-state run builds no chunk list
  const split = new KeyedPlan<ChunkPlan>();
  const runInto = (x: number, y: number, N: number, H: number, W: number, scratch: number, threadScratch: readonly number[] = NO_SCRATCH) => {
    check(live, 'conv2d: used after dispose()');
    if (rowsGemm && H * W === 1) {
      rowsGemm.runInto(x, y, N);
      return;
    }
    const [oh, ow] = outHW(H, W);
    const pool = k.pool;
    const macs = N * o.OC * oh * ow * (o.C / group) * kh * kw;
    const threads = pool ? Math.min(pool.size, 1 + (depthwise ? pool.size : threadScratch.length)) : 1;
    if (!pool || threads < 2 || macs < PARALLEL_MIN_WORK || o.OC < 8) {
      conv(x, wp, bp, y, N, o.C, H, W, o.OC, oh, ow, kh, kw, sh, sw, pt, pl, dh, dw, group, lo, hi, scratch, 0, o.OC);
      return;
    }
    if (threads < pool.size) {
      // fewer scratch regions than threads: one share per thread, each with its own scratch
      pool.run('f32_conv2d_wasmsimd', shares(x, y, N, H, W, threads, threads, false, scratch, threadScratch));
      return;
    }
    // dynamic split: several chunks per thread (a late worker's are taken by the others), each
    // run with the scratch of the thread that claims it (argument 22)
    split.begin().key(x).key(y).key(N).key(H).key(W).key(scratch);
    for (let t = 0; t < threadScratch.length; t++) split.key(threadScratch[t]);
    let plan = split.get();
    if (!plan) {
      const chunks = chunkCount(N >= threads ? N : Math.ceil(o.OC / 4), threads, macs, PARALLEL_MIN_WORK / 4);
      const threadValues = [scratch, ...(depthwise ? new Array<number>(threads - 1).fill(0) : threadScratch.slice(0, threads - 1))];
      plan = split.set({ symbol: 'f32_conv2d_wasmsimd', chunks: shares(x, y, N, H, W, chunks, threads, true, scratch, threadScratch), options: { threadArg: 22, threadValues } });
    }
    runPlan(pool, plan);
  };
  return {
    outputShape: (N, H, W) => [N, o.OC, ...outHW(H, W)],
    scratchBytes,
    runInto,
    run(x: Float32Array, shape: readonly number[]) {
      check(shape.length === 4 && shape[1] === o.C, `conv2d: input must be [N, ${o.C}, H, W], got [${shape.join(', ')}]`);
      const [N, , H, W] = shape;
      check(x.length === N * o.C * H * W, `conv2d: x has ${x.length} elements, shape [${shape.join(', ')}]`);
      const [oh, ow] = outHW(H, W);
      return scoped(k, () => {
        const xp = k.heap.put(x);
        const yp = k.heap.alloc(N * o.OC * oh * ow * 4);
        const bytes = Math.max(scratchBytes(H, W), 16);
        const sp = k.heap.alloc(bytes);
        const extra = k.pool ? Array.from({ length: k.pool.size - 1 }, () => k.heap.alloc(bytes)) : [];
        runInto(xp, yp, N, H, W, sp, extra);
        return { data: f32Out(k, yp, N * o.OC * oh * ow), shape: [N, o.OC, oh, ow] };
      });
    },
    dispose() {
      if (!live) return;
      live = false;
      k.heap.free(wp);
      k.heap.free(bp);
      rowsGemm?.dispose();
    },
  };
}
