// Integer 2-D convolution (NCHW, OIHW weights; 1-D runs as H = 1) with the quantized epilogues:
// QLinearConv, ConvInteger and the fused QDQ Conv. WASM conv kernels (1×1, im2col, depthwise)
// when loaded, else a direct TypeScript loop with the same numerics.

import { chunkCount, runChunks, type Kernels, type QConv, type QGemm, type QOutputType } from '@octet/kernels';
import type { OpContext } from '../../op-registry.js';
import type { TypedArray } from '../../tensor.js';
import { convGeometry } from '../conv-geometry.js';
import { kernelQuantization, outputRange, type IntegerEpilogue } from './integer-matmul.js';
import { requantize } from './quant-params.js';
import { copyOut, scratchOf } from './wasm-bridge.js';

export interface IntegerConvSpec extends IntegerEpilogue {
  /** [M, C/group, kH, kW] (or [M, C/group, k] for 1-D). */
  readonly weights: Int8Array | Uint8Array;
  readonly weightDims: readonly number[];
  /** One value or M. */
  readonly weightZeroPoint: ArrayLike<number>;
  readonly activationSigned: boolean;
  readonly activationZeroPoint: number;
}

export interface PreparedIntegerConv {
  readonly outDims: number[];
  readonly onKernels: boolean;
  /**
   * za: a run-time activation zero point (ConvInteger); default the prepared one. scale: a run-time
   * scale for every output channel (ConvIntegerToFloat's fused Mul); default the prepared scales.
   */
  run(x: Int8Array | Uint8Array, y: TypedArray, za?: number, scale?: number): void;
}

/** Prepares a conv for input dims [N, C, (H,) W]; kernel objects cached per input shape. */
export function prepareIntegerConv(ctx: OpContext, xDims: readonly number[], spec: IntegerConvSpec, k: Kernels | undefined): PreparedIntegerConv {
  const rank = xDims.length;
  if (rank !== 3 && rank !== 4) ctx.fail(`only 1-D and 2-D integer convolution is supported, got input rank ${rank}`);
  const [N, C] = xDims;
  const wd = spec.weightDims;
  if (wd.length !== rank) ctx.fail(`weight rank ${wd.length} does not match input rank ${rank}`);
  const M = wd[0];
  const group = ctx.attrs.int('group', 1);
  if (C !== wd[1] * group) ctx.fail(`input has ${C} channels, weights expect ${wd[1]}·group ${group}`);
  if (M % group !== 0) ctx.fail(`group ${group} does not divide ${M} output channels`);
  const kernelShape = ctx.attrs.has('kernel_shape') ? [...ctx.attrs.ints('kernel_shape')] : wd.slice(2);
  const g = convGeometry(ctx, xDims.slice(2), kernelShape);
  const two = (a: number[], d: number) => (rank === 3 ? [d, a[0]] : [a[0], a[1]]) as [number, number];
  const [H, W] = rank === 3 ? [1, xDims[2]] : [xDims[2], xDims[3]];
  const [kH, kW] = two(g.kernel, 1);
  const [sH, sW] = two(g.strides, 1);
  const [dH, dW] = two(g.dilations, 1);
  const [pT, pL] = two(g.padBegin, 0);
  const [pB, pR] = two(g.padEnd, 0);
  const [oH, oW] = two(g.outSpatial, 1);
  const outDims = [N, M, ...g.outSpatial];
  const inSize = C * H * W;
  const outSize = M * oH * oW;
  const output: QOutputType = spec.output;

  if (k) {
    const pointwise = group === 1 && kH === 1 && kW === 1 && sH === 1 && sW === 1 && pT + pL + pB + pR === 0;
    const depthwise = group === C && M === C;
    // Small planes waste the per-image kernels: a 1×1 conv on a 2×2 plane is a 4-row GEMM per
    // image (batch the images as rows instead: QConv does so itself, one call split across
    // threads; a batch of ≤ 3 takes the GEMV kernels here); a depthwise row of 2 outputs fills a
    // quarter of the column-vectorised kernel (vectorise over channels instead).
    if (pointwise && H * W < N && N <= 3) return pointwiseAcrossBatch(ctx, k, spec, { N, C, HW: H * W, M, outDims });
    if (depthwise && oW < 8) {
      return depthwiseChannelsLast(ctx, k, spec, { N, C, H, W, oH, oW, kH, kW, sH, sW, dH, dW, pT, pL, outDims });
    }
    // A depthwise batch is one depthwise conv over N·C planes (weights repeated per image): one
    // kernel call that the thread pool splits by planes, instead of one call per image.
    // (bounded: the repeated weights cost N·C·taps·2 bytes)
    const planes = depthwise && N > 1 && N * C <= 1 << 16 ? N : 1;
    const conv = planes > 1
      ? cachedQConv(ctx, k, repeatChannels(spec, planes), `qconv-batch:${N}x${C}x${H}x${W}`, { C: N * C, H, W, M: N * C, kH, kW, group: N * C, sH, sW, dH, dW, pT, pL, pB, pR })
      : cachedQConv(ctx, k, spec, `qconv:${C}x${H}x${W}`, { C, H, W, M, kH, kW, group, sH, sW, dH, dW, pT, pL, pB, pR });
    const runN = N / planes;
    const io = ioPointers(ctx, k, N * inSize, N * outSize * elementBytes(output));
    // one run now, so the kernels size their own buffers for this batch (a run never grows memory)
    // run arguments made once and updated in place: a run allocates nothing
    const runArgs: { N: number; x: number; y: number; activationZeroPoint?: number; scale?: number } = { N: runN, x: io.x(new Uint8Array(0)), y: io.y(new Uint8Array(0)) };
    conv.run(runArgs);
    return {
      outDims,
      onKernels: true,
      run(x, y, za, scale) {
        runArgs.x = io.x(x);
        runArgs.y = io.y(y);
        runArgs.activationZeroPoint = za;
        runArgs.scale = scale;
        conv.run(runArgs);
        io.done(y, N * outSize);
      },
    };
  }

  const Cg = C / group;
  const Mg = M / group;
  const kSize = Cg * kH * kW;
  const zb = spec.weightZeroPoint;
  const zbPer = zb.length > 1;
  const w = spec.weights;
  const scale = spec.scale;
  const perCol = scale !== undefined && scale.length > 1;
  const [qmin, qmax] = output === 'u8' || output === 's8' ? outputRange(output, spec) : [0, 0];
  const zy = spec.outputZeroPoint ?? 0;
  return {
    outDims,
    onKernels: false,
    run(x, y, runZa, runScale) {
      const za = runZa ?? spec.activationZeroPoint;
      for (let n = 0; n < N; n++) {
        for (let m = 0; m < M; m++) {
          const grp = Math.floor(m / Mg);
          const z = zbPer ? zb[m] : zb[0];
          const s = runScale ?? (perCol ? scale![m] : scale ? scale[0] : 1);
          const bias = spec.bias ? spec.bias[m] : 0;
          const wBase = m * kSize;
          for (let oh = 0; oh < oH; oh++) {
            for (let ow = 0; ow < oW; ow++) {
              let acc = bias;
              for (let c = 0; c < Cg; c++) {
                const xBase = n * inSize + (grp * Cg + c) * H * W;
                for (let i = 0; i < kH; i++) {
                  const ih = oh * sH - pT + i * dH;
                  if (ih < 0 || ih >= H) continue;
                  for (let j = 0; j < kW; j++) {
                    const iw = ow * sW - pL + j * dW;
                    if (iw < 0 || iw >= W) continue;
                    acc += (x[xBase + ih * W + iw] - za) * (w[wBase + (c * kH + i) * kW + j] - z);
                  }
                }
              }
              acc |= 0;
              const o = n * outSize + m * oH * oW + oh * oW + ow;
              if (output === 'i32') y[o] = acc;
              else if (output === 'f32') {
                let v = Math.fround(Math.fround(acc) * s);
                if (spec.biasF32) v = Math.fround(v + spec.biasF32[m]);
                y[o] = v;
              } else y[o] = requantize(acc, s, zy, qmin, qmax);
            }
          }
        }
      }
    },
  };
}

/** A depthwise spec with every per-channel value repeated `times` (the batch as extra channels). */
function repeatChannels(spec: IntegerConvSpec, times: number): IntegerConvSpec {
  const rep = <T extends ArrayLike<number>>(a: T | undefined, make: (n: number) => T & { set(v: ArrayLike<number>, at: number): void }): T | undefined => {
    if (a === undefined || a.length <= 1) return a;
    const out = make(a.length * times);
    for (let i = 0; i < times; i++) out.set(a, i * a.length);
    return out;
  };
  const weights = spec.weights instanceof Int8Array ? rep(spec.weights, (n) => new Int8Array(n)) : rep(spec.weights, (n) => new Uint8Array(n));
  return {
    ...spec,
    weights: weights!,
    weightDims: [spec.weightDims[0] * times, ...spec.weightDims.slice(1)],
    weightZeroPoint: rep(Float64Array.from(spec.weightZeroPoint), (n) => new Float64Array(n))!,
    scale: rep(spec.scale, (n) => new Float32Array(n)),
    bias: rep(spec.bias, (n) => new Int32Array(n)),
    biasF32: rep(spec.biasF32, (n) => new Float32Array(n)),
  };
}

interface ConvShape {
  C: number; H: number; W: number; M: number; kH: number; kW: number; group: number;
  sH: number; sW: number; dH: number; dW: number; pT: number; pL: number; pB: number; pR: number;
}

function cachedQConv(ctx: OpContext, k: Kernels, spec: IntegerConvSpec, key: string, s: ConvShape): QConv {
  let conv = ctx.cache.get(key) as QConv | undefined;
  if (!conv) {
    conv = k.createQConv({
      C: s.C, H: s.H, W: s.W, M: s.M,
      kernelShape: [s.kH, s.kW],
      group: s.group,
      strides: [s.sH, s.sW],
      dilations: [s.dH, s.dW],
      pads: [s.pT, s.pL, s.pB, s.pR],
      weights: spec.weights,
      ...kernelQuantization(spec),
    });
    ctx.cache.set(key, conv);
    const made = conv;
    ctx.onDispose(() => made.dispose());
  }
  return conv;
}

/** Input and output of a kernel-path conv as pointers (copied through scratch when not in WASM memory). */
function ioPointers(ctx: OpContext, k: Kernels, inBytes: number, outBytes: number) {
  const xs = scratchOf(ctx, k, 'conv-x');
  const ys = scratchOf(ctx, k, 'conv-y');
  xs.ensure(inBytes);
  ys.ensure(outBytes);
  return {
    x(x: Int8Array | Uint8Array): number {
      if (x.buffer === k.memory.buffer) return x.byteOffset;
      k.heap.u8.set(x as Uint8Array, xs.ptr);
      return xs.ptr;
    },
    y: (y: TypedArray) => (y.buffer === k.memory.buffer ? y.byteOffset : ys.ptr),
    done(y: TypedArray, n: number): void {
      if (y.buffer !== k.memory.buffer) copyOut(k, ys.ptr, y, n);
    },
  };
}

const elementBytes = (o: QOutputType) => (o === 'f32' || o === 'i32' ? 4 : 1);

/**
 * A 1×1 stride-1 convolution whose plane (HW) is smaller than the batch: one GEMM per plane
 * position with the batch as rows (HW = 1: a single [N, C] · [C, M] GEMM).
 */
function pointwiseAcrossBatch(
  ctx: OpContext, k: Kernels, spec: IntegerConvSpec, d: { N: number; C: number; HW: number; M: number; outDims: number[] },
): PreparedIntegerConv {
  const { N, C, HW, M } = d;
  const key = `qgemm1x1:${C}`;
  let gemm = ctx.cache.get(key) as QGemm | undefined;
  if (!gemm) {
    gemm = k.createQGemm({
      K: C,
      N: M,
      weights: spec.weights,
      transposeB: true,
      ...kernelQuantization(spec),
    });
    ctx.cache.set(key, gemm);
    const made = gemm;
    ctx.onDispose(() => made.dispose());
  }
  const g = gemm;
  const es = elementBytes(spec.output);
  const io = ioPointers(ctx, k, N * C * HW, N * M * HW * es);
  // one argument object per plane position, updated in place: a run allocates nothing
  const perPosition = Array.from({ length: HW }, () => ({ M: N, a: 0, aRowStride: C * HW, aColStride: HW, out: 0, ldo: M * HW, cso: HW, activationZeroPoint: undefined as number | undefined, scale: undefined as number | undefined }));
  const runAt = (xp: number, yp: number, za?: number, scale?: number) => {
    for (let p = 0; p < HW; p++) {
      const r = perPosition[p];
      r.a = xp + p;
      r.out = yp + p * es;
      r.activationZeroPoint = za;
      r.scale = scale;
      g.run(r);
    }
  };
  // one run now: the kernels size their packing buffers for this batch (a run never grows memory)
  runAt(io.x(new Uint8Array(0)), io.y(new Uint8Array(0)));
  return {
    outDims: d.outDims,
    onKernels: true,
    run(x, y, za, scale) {
      runAt(io.x(x), io.y(y), za, scale);
      io.done(y, N * M * HW);
    },
  };
}

/** Work (multiply-adds) below which a depthwise conv runs on the calling thread only. */
const PARALLEL_MIN_MACS = 1 << 16;
/** Work of one chunk of a threaded depthwise conv (images per chunk; a late worker's are taken by the other threads). */
const MIN_CHUNK_MACS = 1 << 15;

/**
 * A depthwise convolution on narrow planes (oW < 8), requantized to 8 bits, dequantized or int32: the channels-last
 * kernel vectorises over channels (every lane useful) and skips the taps that fall in the padding.
 * Threads split the batch: ranges of images, several per thread, claimed dynamically.
 */
function depthwiseChannelsLast(
  ctx: OpContext, k: Kernels, spec: IntegerConvSpec,
  d: { N: number; C: number; H: number; W: number; oH: number; oW: number; kH: number; kW: number; sH: number; sW: number; dH: number; dW: number;
    pT: number; pL: number; outDims: number[] },
): PreparedIntegerConv {
  const { N, C, H, W, oH, oW, kH, kW } = d;
  const taps = kH * kW;
  const Cp = (C + 7) & ~7;
  const heap = k.heap;
  // weights − zero point as i16 [tap][Cp]; bias and scale padded to Cp (the padding lanes are never stored)
  const w16 = ctx.scratchPtr('dw8c-w', taps * Cp * 2);
  const bias = spec.bias ? ctx.scratchPtr('dw8c-bias', Cp * 4) : 0;
  const scale = ctx.scratchPtr('dw8c-scale', Cp * 4);
  const zw = spec.weightZeroPoint;
  const wv = new Int16Array(taps * Cp);
  for (let c = 0; c < C; c++) for (let t = 0; t < taps; t++) wv[t * Cp + c] = spec.weights[c * taps + t] - (zw.length > 1 ? zw[c] : zw[0]);
  heap.i16.set(wv, w16 >> 1);
  const sv = new Float32Array(Cp).fill(1);
  const sc = spec.scale ?? [1];
  for (let c = 0; c < C; c++) sv[c] = sc.length > 1 ? sc[c] : sc[0];
  heap.f32.set(sv, scale >> 2);
  if (bias) {
    heap.i32.fill(0, bias >> 2, (bias >> 2) + Cp);
    heap.i32.set(spec.bias!, bias >> 2);
  }
  const output = spec.output;
  const [qmin, qmax] = output === 'u8' || output === 's8' ? outputRange(output, spec) : [0, 0];
  let zy = spec.outputZeroPoint ?? 0;
  if (spec.biasF32) {
    // the f32 epilogue takes its bias [Cp] through the (otherwise unused) output zero point argument
    const biasF32 = ctx.scratchPtr('dw8c-bias-f32', Cp * 4);
    heap.f32.fill(0, biasF32 >> 2, (biasF32 >> 2) + Cp);
    heap.f32.set(spec.biasF32, biasF32 >> 2);
    zy = biasF32;
  }
  const signed = spec.activationSigned;
  // the kernel works in u8: s8 activations are XORed with 0x80, their zero point shifted to match
  const zxOf = (za: number) => (signed ? za + 128 : za);
  const epilogue = { u8: 'minmax_fp32_qu8', s8: 'minmax_fp32_qs8', f32: 'dequant_f32', i32: 'i32' }[output];
  const symbol = `qx8_dwconv_nchw_8c__${epilogue}__wasmsimd`;
  const fn = k.exports[symbol];
  if (typeof fn !== 'function') ctx.fail(`the loaded kernels lack ${symbol} (rebuild @octet/kernels)`);
  const pool = k.pool;
  const macs = N * C * oH * oW * taps;
  const threads = pool && N > 1 && macs >= PARALLEL_MIN_MACS ? pool.size : 1;
  const chunks = chunkCount(N, threads, macs, MIN_CHUNK_MACS);
  const scratchBytes = H * W * Cp * 2 + 32;
  const scratch = Array.from({ length: threads }, (_, t) => ctx.scratchPtr(`dw8c-scratch-${t}`, scratchBytes));
  const io = ioPointers(ctx, k, N * C * H * W, N * C * oH * oW * elementBytes(output));
  // one argument list per chunk (images [n0, n1)), made once; a run only sets x, zx and y; the
  // scratch (argument 24) is the running thread's
  const shares = Array.from({ length: chunks }, (_, i) => [
    Math.floor((N * i) / chunks), Math.floor((N * (i + 1)) / chunks), 0, C, H, W, kH, kW, d.sH, d.sW, d.dH, d.dW, d.pT, d.pL, oH, oW, 0,
    signed ? 0x80 : 0, w16, bias, scale, zy, qmin, qmax, scratch[0], 0,
  ]);
  return {
    outDims: d.outDims,
    onKernels: true,
    run(x, y, za, runScale) {
      const xp = io.x(x);
      const yp = io.y(y);
      const zx = zxOf(za ?? spec.activationZeroPoint);
      if (runScale !== undefined) heap.f32.fill(runScale, scale >> 2, (scale >> 2) + C);
      for (const a of shares) {
        a[2] = xp;
        a[16] = zx;
        a[25] = yp;
      }
      if (chunks === 1) fn(...shares[0]);
      else runChunks(pool!, symbol, shares, { threadArg: 24, threadValues: scratch });
      io.done(y, N * C * oH * oW);
    },
  };
}
